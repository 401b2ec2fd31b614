using Npgsql;

namespace Matchmaking.ServiceDefaults.Storage;

/// <summary>
/// Serialises migrations of one PostgreSQL database across processes: a session-level advisory lock, keyed by the
/// database name, held on a connection to the server's maintenance database (the service's own database may not exist
/// yet). Released when disposed, or by the server when the holder dies.
/// </summary>
public sealed class MigrationLock : IDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private MigrationLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    public static MigrationLock Acquire(string connectionString, TimeSpan? timeout = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var key = Key(builder.Database ?? "");
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Database = "postgres",
            Pooling = false,
            CommandTimeout = (int)(timeout ?? TimeSpan.FromMinutes(5)).TotalSeconds,
        };
        var connection = new NpgsqlConnection(maintenance.ConnectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_lock(@key)";
            command.Parameters.AddWithValue("key", key);
            command.ExecuteNonQuery();
            return new MigrationLock(connection, key);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A stable 64-bit key for a database name (FNV-1a), the same in every process.</summary>
    public static long Key(string database)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in "matchmaking-migrate:" + database)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    public void Dispose()
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_unlock(@key)";
            command.Parameters.AddWithValue("key", _key);
            command.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // Closing the session releases the lock anyway.
        }
        finally
        {
            _connection.Dispose();
        }
    }
}
