using Dapper;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Matchmaking.Research.Tests;

/// <summary>The message store keeps unsent events and recent inbox rows, and lets go of the rest (MessageStorePruner).</summary>
public abstract class MessageRetentionTests(ResearchService research) : ResearchTests(research)
{
    [Fact]
    public async Task Pruning_removes_sent_outbox_rows_and_inbox_rows_past_their_retention_and_keeps_every_unsent_event()
    {
        // A real event, published and sent through the relay, beside rows written as they would be days ago.
        var technology = await PublishAsync(NewUniversity());
        await Eventually.UntilAsync(() => OutboxRowsAsync(technology.Id), rows => rows.All(row => row.SentAt is not null),
            what: "the relay marking the event sent");
        var now = DateTimeOffset.UtcNow;
        var retention = Research.Service.Services.GetRequiredService<IOptions<MessageRetentionOptions>>().Value;
        var marker = Guid.NewGuid().ToString();
        var outbox = new (string Id, DateTimeOffset CreatedAt, DateTimeOffset? SentAt)[]
        {
            ($"{marker}-sent-long-ago", now.AddDays(-30), now - retention.SentOutbox - TimeSpan.FromMinutes(1)),
            ($"{marker}-sent-lately", now.AddDays(-30), now - retention.SentOutbox + TimeSpan.FromMinutes(1)),
            ($"{marker}-never-sent", now.AddDays(-365), null),
        };
        var inbox = new (string MessageId, DateTimeOffset ProcessedAt)[]
        {
            ($"{marker}-processed-long-ago", now - retention.Inbox - TimeSpan.FromMinutes(1)),
            ($"{marker}-processed-lately", now - retention.Inbox + TimeSpan.FromMinutes(1)),
        };
        await using (var connection = await Research.Database.OpenAsync(Ct))
        {
            foreach (var row in outbox)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO outbox_messages (id, message_type, body, created_at, sent_at, attempts) VALUES (@Id, 't', '{}', @CreatedAt, @SentAt, 0)",
                    new { row.Id, row.CreatedAt, row.SentAt });
            }

            foreach (var row in inbox)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO inbox_messages (consumer, message_id, processed_at) VALUES ('retention-test', @MessageId, @ProcessedAt)",
                    new { row.MessageId, row.ProcessedAt });
            }
        }

        var pruner = Research.Service.Services.GetRequiredService<MessageStorePruner<ResearchDatabase>>();
        var (outboxRemoved, inboxRemoved) = await pruner.PruneAsync(now, Ct);

        Assert.Equal([$"{marker}-never-sent", $"{marker}-sent-lately"], await IdsAsync("SELECT id FROM outbox_messages WHERE id LIKE @Marker"));
        Assert.Equal([$"{marker}-processed-lately"], await IdsAsync("SELECT message_id FROM inbox_messages WHERE message_id LIKE @Marker"));
        Assert.Equal((1, 1), (outboxRemoved, inboxRemoved));
        // The event just sent is inside its retention.
        Assert.Single(await OutboxRowsAsync(technology.Id));

        // Nothing else is past its time: a second round removes nothing.
        Assert.Equal((0, 0), await pruner.PruneAsync(now, Ct));

        async Task<string[]> IdsAsync(string sql)
        {
            await using var connection = await Research.Database.OpenAsync(Ct);
            return (await connection.QueryAsync<string>(sql, new { Marker = marker + "%" })).Order(StringComparer.Ordinal).ToArray();
        }
    }

    [Fact]
    public async Task Pruning_goes_on_past_a_full_chunk()
    {
        var now = DateTimeOffset.UtcNow;
        var marker = Guid.NewGuid().ToString();
        const int Rows = 12_000;
        await using (var connection = await Research.Database.OpenAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            for (var start = 0; start < Rows; start += 500)
            {
                var parameters = new DynamicParameters();
                var rows = SqlRows.Rows(connection, Enumerable.Range(start, 500).ToList(), parameters,
                    i => ("retention-test", $"{marker}-{i:D6}", now.AddDays(-400)));
                await connection.ExecuteAsync($"INSERT INTO inbox_messages (consumer, message_id, processed_at) {rows}", parameters, transaction);
            }

            await transaction.CommitAsync(Ct);
        }

        var pruner = Research.Service.Services.GetRequiredService<MessageStorePruner<ResearchDatabase>>();
        var (_, inboxRemoved) = await pruner.PruneAsync(now, Ct);

        Assert.True(inboxRemoved >= Rows, $"removed {inboxRemoved} of at least {Rows}");
        await using var check = await Research.Database.OpenAsync(Ct);
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages WHERE message_id LIKE @Marker", new { Marker = marker + "%" }));
    }
}

public sealed class MessageRetentionOnPostgresAndRabbitMq(PostgresAndRabbitMqResearchService research)
    : MessageRetentionTests(research), IClassFixture<PostgresAndRabbitMqResearchService>;

public sealed class MessageRetentionOnSqliteAndInMemoryBus(SqliteAndInMemoryResearchService research)
    : MessageRetentionTests(research), IClassFixture<SqliteAndInMemoryResearchService>;

/// <summary>The pruner as the service runs it: configured, and on its own schedule.</summary>
public sealed class MessageRetentionServiceTests
{
    [Fact]
    public async Task The_running_service_prunes_by_itself_at_its_interval()
    {
        var folder = Directory.CreateTempSubdirectory("research-tests-").FullName;
        try
        {
            await using var service = await RunningService.StartAsync(
                [.. Sqlite(folder), new($"{MessageRetentionOptions.Section}:Interval", "00:00:00.200")],
                builder => builder.AddResearch(),
                app => app.MapResearch());
            var database = service.Services.GetRequiredService<ResearchDatabase>();
            await using (var connection = await database.OpenAsync(TestContext.Current.CancellationToken))
            {
                await connection.ExecuteAsync(
                    "INSERT INTO inbox_messages (consumer, message_id, processed_at) VALUES ('retention-test', 'old', @ProcessedAt)",
                    new { ProcessedAt = DateTimeOffset.UtcNow.AddDays(-400) });
            }

            await Eventually.UntilAsync(
                async () =>
                {
                    await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
                    return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'retention-test'");
                },
                count => count == 0,
                what: "the old inbox row pruned");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("SentOutbox", "00:00:00")]
    [InlineData("Inbox", "-1.00:00:00")]
    [InlineData("Interval", "00:00:00")]
    public async Task The_service_refuses_to_start_with_a_retention_that_is_not_positive(string setting, string value)
    {
        var folder = Directory.CreateTempSubdirectory("research-tests-").FullName;
        try
        {
            var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningService.StartAsync(
                [.. Sqlite(folder), new($"{MessageRetentionOptions.Section}:{setting}", value)],
                builder => builder.AddResearch(),
                app => app.MapResearch()));

            Assert.Contains($"{MessageRetentionOptions.Section}:{setting}", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static KeyValuePair<string, string?>[] Sqlite(string folder) =>
    [
        new("Matchmaking:Storage:Provider", "Sqlite"),
        new("Matchmaking:DataDirectory", folder),
        new("ConnectionStrings:Research", $"Data Source={Path.Combine(folder, "research.db")}"),
    ];
}
