using Dapper;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;
using Matchmaking.Testing;
using Xunit;

namespace Matchmaking.Research.Tests;

/// <summary>
/// When a write wakes the outbox relay (<see cref="ServiceDatabase.OutboxSignal"/>): after a commit that wrote events,
/// and only then, on both dialects. A database of its own, with no relay running that could take the signal first.
/// </summary>
public sealed class OutboxSignalTests : IDisposable
{
    // The SQLite database's folder, removed after the test.
    private readonly string _folder = Directory.CreateTempSubdirectory("outbox-signal-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Happened(string What);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task The_relay_is_woken_after_a_commit_that_wrote_events_and_after_no_other(string dialect)
    {
        var database = await DatabaseAsync(dialect);

        await database.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync("INSERT INTO inbox_messages (consumer, message_id, processed_at) VALUES ('signal-test', @Id, @At)",
                new { Id = Guid.NewGuid().ToString(), At = DateTimeOffset.UtcNow }, transaction), Ct);
        Assert.False(await Woken(), "a write without events woke the relay");

        await database.WriteAsync(async (connection, transaction) =>
        {
            await Outbox.AddAsync(connection, transaction, new Happened("committed"));
            return true;
        }, Ct);
        Assert.True(await Woken(), "a write with an event did not wake the relay");

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<bool>(async (connection, transaction) =>
        {
            await Outbox.AddAsync(connection, transaction, new Happened("rolled back"));
            throw new InvalidOperationException("the change fails after its event was written");
        }, Ct));
        Assert.False(await Woken(), "a write that rolled back woke the relay");

        // A write after one with events starts afresh.
        await database.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync("DELETE FROM inbox_messages WHERE consumer = 'signal-test'", transaction: transaction), Ct);
        Assert.False(await Woken(), "a write without events woke the relay after one with events");

        // A row posted with its event: the first insert wakes the relay, an idempotent repeat that inserted nothing does not.
        var id = Guid.NewGuid().ToString();
        const string Insert = """
            INSERT INTO inbox_messages (consumer, message_id, processed_at) VALUES ('signal-test', @Id, @At)
            ON CONFLICT (consumer, message_id) DO NOTHING
            """;
        Assert.True(await Outbox.InsertWithEventAsync(database, Insert, new { Id = id, At = DateTimeOffset.UtcNow }, new Happened("posted"), Ct));
        Assert.True(await Woken(), "a row posted with its event did not wake the relay");
        Assert.False(await Outbox.InsertWithEventAsync(database, Insert, new { Id = id, At = DateTimeOffset.UtcNow }, new Happened("posted"), Ct));
        Assert.False(await Woken(), "a repeated post that inserted nothing woke the relay");

        await using var check = await database.OpenAsync(Ct);
        Assert.Equal(["committed", "posted"], (await check.QueryAsync<string>("SELECT body FROM outbox_messages ORDER BY created_at"))
            .Select(body => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("what").GetString()!));

        // Takes the signal if it was given: a relay would run now.
        Task<bool> Woken() => database.OutboxSignal.WaitAsync(TimeSpan.Zero, Ct);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<ServiceDatabase> DatabaseAsync(string dialect)
    {
        DapperTypeHandlers.Register();
        ServiceDatabase database = dialect == "postgres"
            ? new ResearchDatabase(new DatabaseSettings(DatabaseProvider.Postgres, await PostgresServer.CreateDatabaseAsync("outboxsignal")))
            : new ResearchDatabase(new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "research.db")}"));
        database.Migrate();
        return database;
    }
}
