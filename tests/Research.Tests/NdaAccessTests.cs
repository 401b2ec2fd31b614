using System.Net;
using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.Research.Api;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Research.Tests;

public sealed class NdaAccessOnPostgresAndRabbitMq(PostgresAndRabbitMqResearchService research)
    : NdaAccessTests(research), IClassFixture<PostgresAndRabbitMqResearchService>;

public sealed class NdaAccessOnSqliteAndInMemoryBus(SqliteAndInMemoryResearchService research)
    : NdaAccessTests(research), IClassFixture<SqliteAndInMemoryResearchService>;

/// <summary>A technology's details open to an enterprise only once its deal with that technology reached nda-signed.</summary>
public abstract class NdaAccessTests(ResearchService research) : ResearchTests(research)
{
    [Fact]
    public async Task Details_stay_locked_for_an_enterprise_until_its_deal_reaches_nda_signed()
    {
        var university = NewUniversity();
        var technology = await PublishAsync(university);
        Assert.NotNull(technology.Details);
        var enterprise = NewEnterprise();
        var other = NewEnterprise();

        await AssertLockedAsync(enterprise, technology.Id);
        await DealMovesAsync(technology, enterprise, "introduced");
        await AssertLockedAsync(enterprise, technology.Id);

        await DealMovesAsync(technology, enterprise, "nda-signed");

        var opened = await ReadAsync<TechnologyResponse>(await GetAsync(enterprise, technology.Id));
        Assert.Equal(technology.Details, opened.Details);
        Assert.False(opened.DetailsLocked);
        var listed = await ReadAsync<Page>(await Research.ClientFor(enterprise).GetAsync("/api/technologies?pageSize=100", Ct));
        Assert.Equal(technology.Details, listed.Items.Single(t => t.Id == technology.Id).Details);
        await AssertLockedAsync(other, technology.Id);
        await AssertLockedAsync(NewUniversity(), technology.Id);
        var owner = await ReadAsync<TechnologyResponse>(await GetAsync(university, technology.Id));
        Assert.False(owner.DetailsLocked);

        // The enterprise's read (and only reads by non-owners) went out as an audit event, without the details' text.
        var audits = (await OutboxRowsOfTypeAsync<ConfidentialContentRead>()).Where(row => row.Body.Contains(technology.Id.ToString())).ToList();
        Assert.Single(audits);
        Assert.DoesNotContain(technology.Details!, audits[0].Body);
    }

    private async Task AssertLockedAsync(TestUser caller, Guid technologyId)
    {
        using var response = await GetAsync(caller, technologyId);
        await AssertStatusAsync(HttpStatusCode.OK, response);
        var seen = await ReadAsync<TechnologyResponse>(response);
        Assert.Null(seen.Details);
        Assert.True(seen.DetailsLocked);
    }

    private async Task DealMovesAsync(TechnologyResponse technology, TestUser enterprise, string stage)
    {
        var messageId = Guid.NewGuid();
        await Research.Service.Services.GetRequiredService<IBus>().Publish(
            new DealStageChanged(Guid.NewGuid(), technology.Id, Guid.NewGuid(), "suggested", stage, null, Guid.NewGuid(), DateTimeOffset.UtcNow,
                technology.OrganisationId, enterprise.OrganisationId),
            context => context.MessageId = messageId, Ct);
        await Eventually.UntilAsync(async () =>
            {
                await using var connection = await Research.Database.OpenAsync(Ct);
                return await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'research-deal-stage-changed' AND message_id = @Id", new { Id = messageId });
            },
            count => count == 1,
            what: "Research to hear the deal move");
    }

    private async Task<IReadOnlyList<(string MessageType, string Body)>> OutboxRowsOfTypeAsync<T>()
    {
        await using var connection = await Research.Database.OpenAsync(Ct);
        return (await connection.QueryAsync<(string MessageType, string Body)>(
                "SELECT message_type AS MessageType, body AS Body FROM outbox_messages"))
            .Where(row => row.MessageType.StartsWith(typeof(T).FullName + ",", StringComparison.Ordinal))
            .ToList();
    }

    private sealed record Page(List<TechnologyResponse> Items);
}
