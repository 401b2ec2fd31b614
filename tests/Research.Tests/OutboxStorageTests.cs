using Dapper;

namespace Matchmaking.Research.Tests;

/// <summary>How PostgreSQL stores the outbox (shared script 0003_outbox_body_lz4.sql).</summary>
public sealed class OutboxStorageOnPostgres(PostgresAndRabbitMqResearchService research)
    : ResearchTests(research), IClassFixture<PostgresAndRabbitMqResearchService>
{
    [Fact]
    public async Task A_large_event_body_is_compressed_with_lz4_where_the_server_has_it()
    {
        await using var connection = await Research.Database.OpenAsync(Ct);
        var lz4 = await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))");
        Assert.SkipUnless(lz4, "this PostgreSQL server has no lz4 compression; the outbox keeps pglz");

        // Shaped like Matching's MatchesSuggested (20 pairs of ids), about 3.5 KB: past the 2 KB at which PostgreSQL compresses.
        var id = Guid.NewGuid().ToString();
        var body = "{\"matches\":[" + string.Join(',', Enumerable.Range(0, 20).Select(_ =>
            $"{{\"matchId\":\"{Guid.NewGuid()}\",\"technologyId\":\"{Guid.NewGuid()}\",\"needId\":\"{id}\",\"score\":0.5}}")) + "]}";
        // Written as sent, so the relay leaves it alone.
        await connection.ExecuteAsync(
            "INSERT INTO outbox_messages (id, message_type, body, created_at, sent_at, attempts) VALUES (@Id, 't', @Body, @At, @At, 1)",
            new { Id = id, Body = body, At = DateTimeOffset.UtcNow });

        var compression = await connection.ExecuteScalarAsync<string?>(
            "SELECT pg_column_compression(body) FROM outbox_messages WHERE id = @Id", new { Id = id });
        Assert.Equal("lz4", compression);
        Assert.Equal(body, await connection.ExecuteScalarAsync<string>("SELECT body FROM outbox_messages WHERE id = @Id", new { Id = id }));
        await connection.ExecuteAsync("DELETE FROM outbox_messages WHERE id = @Id", new { Id = id });
    }
}
