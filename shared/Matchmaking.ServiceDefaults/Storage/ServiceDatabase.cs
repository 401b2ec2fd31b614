using System.Data.Common;
using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Matchmaking.ServiceDefaults.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The database one service owns. Each service derives its own type (ResearchDatabase, NeedsDatabase, ...) so that
/// the one-process Host can hold all of them in one container without keyed look-ups.
/// </summary>
public abstract class ServiceDatabase
{
    protected ServiceDatabase(DatabaseSettings settings)
    {
        Provider = settings.Provider;
        ConnectionString = Provider == DatabaseProvider.Postgres ? WithPoolDefaults(settings.ConnectionString) : settings.ConnectionString;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The assembly whose embedded <c>Scripts/{postgres|sqlite}/*.sql</c> resources hold this service's schema.</summary>
    protected abstract Assembly ScriptsAssembly { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>Wakes this database's outbox relay after a commit that wrote events.</summary>
    public Messaging.OutboxSignal OutboxSignal { get; } = new();

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits; events written to the outbox inside it leave
    /// only if the change is committed, and the relay is woken at once (only when the work wrote events: a consumer's
    /// batch that writes none costs the relay no poll).
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var events = Messaging.Outbox.Track();
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        Committed(events.Any);
        return result;
    }

    /// <summary>After a commit: when it wrote events, the fault suite's kill point, then the relay woken.</summary>
    internal void Committed(bool wroteEvents)
    {
        if (!wroteEvents)
        {
            return;
        }

        Hosting.TestHooks.AfterCommit();
        OutboxSignal.Notify();
    }

    /// <summary>
    /// Two pool settings, each unless the connection string sets it:
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare</c>: Npgsql prepares a statement on the server once it has run it a few times on a
    /// connection (pooled connections keep their prepared statements), so the hot statements, whose texts do not change
    /// with the number of rows (<see cref="SqlRows"/>), are parsed and planned once per connection instead of on every
    /// execution.</item>
    /// <item><c>No Reset On Close</c>: a connection taken from the pool is otherwise reset before its next use, which
    /// with prepared statements kept is seven statements (<c>SET SESSION AUTHORIZATION DEFAULT</c>, <c>RESET ALL</c>,
    /// <c>CLOSE ALL</c>, <c>UNLISTEN *</c>, <c>pg_advisory_unlock_all()</c>, <c>DISCARD SEQUENCES</c>, <c>DISCARD
    /// TEMP</c>): more than half of the statements Research and Needs ran per listing under infra/load.sh. The services
    /// keep no session state: their work is transactions, and the one session-level lock (<see cref="MigrationLock"/>)
    /// is taken on an unpooled connection of its own.</item>
    /// </list>
    /// </summary>
    private static string WithPoolDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = Provider switch
        {
            DatabaseProvider.Postgres => new NpgsqlConnection(ConnectionString),
            _ => new SqliteConnection(ConnectionString),
        };
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (Provider == DatabaseProvider.Sqlite)
            {
                await using var pragma = connection.CreateCommand();
                // WAL lets readers run beside the writer; busy_timeout makes concurrent writers wait instead of failing.
                // synchronous=NORMAL in WAL mode keeps every commit through a process crash (only a power cut can
                // take the last ones) and saves an fsync per commit.
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Applies the shared outbox/inbox scripts, then the service's own, forward only (DbUp journal).</summary>
    public void Migrate()
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            // Replicas starting together would race to create the database and apply the same scripts; a session
            // advisory lock on the server's maintenance database lets one migrate while the others wait, then find
            // nothing left to do.
            using var gate = MigrationLock.Acquire(ConnectionString);
            EnsureDatabase.For.PostgresqlDatabase(ConnectionString);
            Upgrade(typeof(ServiceDatabase).Assembly, "schemaversions_shared");
            Upgrade(ScriptsAssembly, "schemaversions");
            return;
        }

        var builder = new SqliteConnectionStringBuilder(ConnectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        Upgrade(typeof(ServiceDatabase).Assembly, "schemaversions_shared");
        Upgrade(ScriptsAssembly, "schemaversions");
    }

    private void Upgrade(Assembly assembly, string journalTable)
    {
        var folder = Provider == DatabaseProvider.Postgres ? ".Scripts.postgres." : ".Scripts.sqlite.";
        var builder = Provider == DatabaseProvider.Postgres
            ? DeployChanges.To.PostgresqlDatabase(ConnectionString).JournalToPostgresqlTable("public", journalTable)
            : DeployChanges.To.SqliteDatabase(ConnectionString).JournalToSqliteTable(journalTable);
        var engine = builder
            .WithScriptsEmbeddedInAssembly(assembly, name => name.Contains(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
        DatabaseUpgradeResult result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Migration of {GetType().Name} failed at script '{result.ErrorScript?.Name}': {result.Error.Message}",
                result.Error);
        }
    }
}

public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString);
