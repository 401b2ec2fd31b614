using Npgsql;
using Testcontainers.PostgreSql;

namespace Matchmaking.Testing;

/// <summary>
/// A PostgreSQL server for integration tests: <c>MATCHMAKING_TEST_POSTGRES</c> (a server connection string; the
/// <c>infra/postgres.sh</c> script prints one), else a container through Testcontainers when a Docker engine answers,
/// else a clear failure. Each test gets a database of its own.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "MATCHMAKING_TEST_POSTGRES";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _serverConnectionString;

    public static async Task<string> ServerConnectionStringAsync()
    {
        if (_serverConnectionString is not null)
        {
            return _serverConnectionString;
        }

        await Gate.WaitAsync();
        try
        {
            if (_serverConnectionString is not null)
            {
                return _serverConnectionString;
            }

            var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return _serverConnectionString = fromEnvironment;
            }

            try
            {
                var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                await container.StartAsync();
                return _serverConnectionString = container.GetConnectionString();
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException(
                    $"No PostgreSQL for the tests: set {Variable} (run `bash infra/postgres.sh start`, or use `bash infra/test.sh`, " +
                    "which starts the servers), or run a Docker engine for Testcontainers. " + exception.Message, exception);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var server = await ServerConnectionStringAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ConnectionString;
    }
}
