using System.Net;
using System.Text.Json.Nodes;
using Matchmaking.Research.Api;
using Matchmaking.Research.Contracts;
using Matchmaking.Testing;

namespace Matchmaking.Research.Tests;

public abstract class TechnologyEventsTests(ResearchService research) : ResearchTests(research)
{
    [Fact]
    public async Task Publishing_writes_exactly_one_TechnologyPublished_to_the_outbox_and_the_relay_marks_it_sent()
    {
        var technology = await PublishAsync(NewUniversity());

        var rows = await Eventually.UntilAsync(
            () => OutboxRowsAsync(technology.Id),
            rows => rows.All(r => r.SentAt is not null),
            what: "the outbox row to be marked sent");

        var row = Assert.Single(rows);
        Assert.True(row.Is<TechnologyPublished>(), row.MessageType);
        var body = JsonNode.Parse(row.Body)!;
        Assert.Equal(technology.Id.ToString(), (string?)body["technologyId"]);
        Assert.Equal(technology.OrganisationId.ToString(), (string?)body["organisationId"]);
        // The NDA details never leave Research.
        Assert.DoesNotContain("Channel diameter", row.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publication_repeated_with_its_Idempotency_Key_creates_one_technology_and_one_event()
    {
        var university = NewUniversity();
        var key = $"retry-{Guid.NewGuid():N}";
        var body = ValidTechnology();

        async Task<HttpResponseMessage> PostWithKeyAsync(JsonObject content)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/technologies") { Content = System.Net.Http.Json.JsonContent.Create(content) };
            request.Headers.Add("Idempotency-Key", key);
            return await Research.ClientFor(university).SendAsync(request, Ct);
        }

        using var first = await PostWithKeyAsync(body);
        using var again = await PostWithKeyAsync(body);
        await AssertStatusAsync(HttpStatusCode.Created, first);
        await AssertStatusAsync(HttpStatusCode.Created, again);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        var technology = await ReadAsync<TechnologyResponse>(first);
        Assert.Equal(technology.Id, (await ReadAsync<TechnologyResponse>(again)).Id);
        Assert.Single(await OutboxRowsAsync(technology.Id));

        using var other = await PostWithKeyAsync(ValidTechnology("different"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Contains("Idempotency-Key", (await other.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_technology_reaches_a_consumer_on_the_bus_with_the_outbox_row_id_as_message_id()
    {
        var technology = await PublishAsync(NewUniversity());

        var received = await Eventually.UntilAsync(
            () => Task.FromResult(ResearchTestsTechnologyEventsConsumer.For(technology.Id)),
            events => events.Count > 0,
            what: "TechnologyPublished at the consumer");

        var published = Assert.IsType<TechnologyPublished>(Assert.Single(received).Message);
        Assert.Equal(
            (technology.OrganisationId, technology.Title, technology.Summary, technology.Sector, technology.Trl, technology.Language),
            (published.OrganisationId, published.Title, published.Summary, published.Sector, published.Trl, published.Language));
        Assert.Equal(technology.Keywords, published.Keywords);
        Assert.Equal(technology.LicenceModels, published.LicenceModels);
        var row = Assert.Single(await OutboxRowsAsync(technology.Id));
        Assert.Equal(Guid.Parse(row.Id), received[0].MessageId);
    }

    [Fact]
    public async Task Updating_announces_the_new_public_state()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        var change = ValidTechnology();
        change["title"] = "Conformal cooling, second generation";
        await AssertStatusAsync(HttpStatusCode.OK, await PutAsync(owner, technology.Id, change));

        var received = await Eventually.UntilAsync(
            () => Task.FromResult(ResearchTestsTechnologyEventsConsumer.For(technology.Id)),
            events => events.Any(e => e.Message is TechnologyUpdated),
            what: "TechnologyUpdated at the consumer");

        var updated = Assert.IsType<TechnologyUpdated>(Assert.Single(received, e => e.Message is TechnologyUpdated).Message);
        Assert.Equal("Conformal cooling, second generation", updated.Title);
        var rows = await OutboxRowsAsync(technology.Id);
        Assert.Equal(1, rows.Count(r => r.Is<TechnologyUpdated>()));
    }

    [Fact]
    public async Task Withdrawing_twice_announces_the_withdrawal_once()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        await AssertStatusAsync(HttpStatusCode.OK, await WithdrawAsync(owner, technology.Id));
        await AssertStatusAsync(HttpStatusCode.OK, await WithdrawAsync(owner, technology.Id));

        var rows = await Eventually.UntilAsync(
            () => OutboxRowsAsync(technology.Id),
            rows => rows.Count > 0 && rows.All(r => r.SentAt is not null),
            what: "every outbox row to be marked sent");
        await Eventually.UntilAsync(
            () => Task.FromResult(ResearchTestsTechnologyEventsConsumer.For(technology.Id)),
            events => events.Any(e => e.Message is TechnologyWithdrawn),
            what: "TechnologyWithdrawn at the consumer");

        Assert.Equal(1, rows.Count(r => r.Is<TechnologyWithdrawn>()));
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task Refused_changes_announce_nothing()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        await AssertStatusAsync(HttpStatusCode.Forbidden, await PutAsync(NewUniversity(), technology.Id, ValidTechnology()));
        await AssertStatusAsync(HttpStatusCode.Forbidden, await WithdrawAsync(NewUniversity(), technology.Id));
        var invalid = ValidTechnology();
        invalid["trl"] = 0;
        await AssertStatusAsync(HttpStatusCode.BadRequest, await PutAsync(owner, technology.Id, invalid));

        var rows = await OutboxRowsAsync(technology.Id);

        Assert.True(Assert.Single(rows).Is<TechnologyPublished>());
    }
}

public sealed class TechnologyEventsOnPostgresAndRabbitMq(PostgresAndRabbitMqResearchService research)
    : TechnologyEventsTests(research), IClassFixture<PostgresAndRabbitMqResearchService>;

public sealed class TechnologyEventsOnSqliteAndInMemoryBus(SqliteAndInMemoryResearchService research)
    : TechnologyEventsTests(research), IClassFixture<SqliteAndInMemoryResearchService>;
