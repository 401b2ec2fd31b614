using System.Net;
using System.Text.Json;
using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Matchmaking.Needs.Tests.NeedsApi;

namespace Matchmaking.Needs.Tests;

public sealed class NeedIntroductionOnPostgresAndRabbitMq(PostgresAndRabbitMq service) : NeedIntroductionTests<PostgresAndRabbitMq>(service);

public sealed class NeedIntroductionOnSqliteAndInMemoryBus(SqliteAndInMemoryBus service) : NeedIntroductionTests<SqliteAndInMemoryBus>(service);

/// <summary>An anonymous need shows its owner to a university once a deal between them reached introduced; reads are audited.</summary>
public abstract class NeedIntroductionTests<TService>(TService service) : IClassFixture<TService>
    where TService : NeedsService
{
    [Fact]
    public async Task An_anonymous_need_reveals_its_owner_only_to_the_introduced_university()
    {
        var owner = TestUsers.New(Roles.Enterprise);
        var introduced = TestUsers.New(Roles.University);
        var other = TestUsers.New(Roles.University);
        var word = UniqueWord("intro");
        var need = FullNeed($"{word} need", "anonymous");
        need["problem"] = $"The {word} problem.";
        var id = await service.ClientFor(owner).PostNeedExpectingCreatedAsync(need);

        Assert.Null(await OrganisationSeenAsync(introduced, id, word));
        await DealMovesAsync(id, introduced.OrganisationId, owner.OrganisationId, "suggested");
        Assert.Null(await OrganisationSeenAsync(introduced, id, word));

        await DealMovesAsync(id, introduced.OrganisationId, owner.OrganisationId, "introduced");

        Assert.Equal(owner.OrganisationId, await OrganisationSeenAsync(introduced, id, word));
        Assert.Null(await OrganisationSeenAsync(other, id, word));
        Assert.Null(await OrganisationSeenAsync(TestUsers.New(Roles.Enterprise), id, word));

        // Reads by non-owners went out as audit events carrying ids and codes only.
        await using var connection = await service.Database.OpenAsync(Ct);
        var audits = (await connection.QueryAsync<string>(
                "SELECT body FROM outbox_messages WHERE message_type LIKE 'Matchmaking.Brokerage.Contracts.ConfidentialContentRead,%'"))
            .Where(body => body.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.NotEmpty(audits);
        Assert.All(audits, body => Assert.DoesNotContain(word, body, StringComparison.Ordinal));
    }

    /// <summary>The organisation the caller sees on the need, by id and in the list (which must agree).</summary>
    private async Task<Guid?> OrganisationSeenAsync(TestUser caller, Guid id, string word)
    {
        using var client = service.ClientFor(caller);
        using var get = await client.GetNeedAsync(id);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var byId = (await get.ReadJsonAsync()).GetProperty("organisationId");
        using var list = await client.ListNeedsAsync($"?q={word}");
        var inList = Assert.Single(await list.ReadItemsAsync()).GetProperty("organisationId");
        Assert.Equal(byId.ValueKind, inList.ValueKind);
        return byId.ValueKind == JsonValueKind.Null ? null : byId.GetGuid();
    }

    private async Task DealMovesAsync(Guid needId, Guid university, Guid enterprise, string stage)
    {
        var messageId = Guid.NewGuid();
        await service.Service.Services.GetRequiredService<IBus>().Publish(
            new DealStageChanged(Guid.NewGuid(), Guid.NewGuid(), needId, null, stage, null, Guid.NewGuid(), DateTimeOffset.UtcNow, university, enterprise),
            context => context.MessageId = messageId, Ct);
        await Eventually.UntilAsync(async () =>
            {
                await using var connection = await service.Database.OpenAsync(Ct);
                return await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'needs-deal-stage-changed' AND message_id = @Id", new { Id = messageId });
            },
            count => count == 1,
            what: "Needs to hear the deal move");
    }
}
