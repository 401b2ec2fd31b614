using System.Net;
using Dapper;
using Matchmaking.Needs.Api;
using Matchmaking.Needs.Api.Features;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Matchmaking.Needs.Tests.NeedsApi;

namespace Matchmaking.Needs.Tests;

public sealed class NeedEventsOnPostgresAndRabbitMq(PostgresAndRabbitMq service) : NeedEventsTests<PostgresAndRabbitMq>(service);

public sealed class NeedEventsOnSqliteAndInMemoryBus(SqliteAndInMemoryBus service) : NeedEventsTests<SqliteAndInMemoryBus>(service);

/// <summary>What leaves the service: one event per change, through the outbox, onto the bus.</summary>
public abstract class NeedEventsTests<TService>(TService service) : IClassFixture<TService>
    where TService : NeedsService
{
    private readonly TestUser _owner = TestUsers.New(Roles.Enterprise);

    private ConfidentialText Confidential => service.Service.Services.GetRequiredService<ConfidentialText>();

    [Fact]
    public async Task Posting_a_need_writes_exactly_one_NeedPosted_to_the_outbox_and_the_relay_marks_it_sent()
    {
        using var client = service.ClientFor(_owner);

        var id = await client.PostNeedExpectingCreatedAsync(FullNeed("Outbox"));

        var rows = await Eventually.UntilAsync(
            () => OutboxRowsAsync<NeedPosted>(id),
            found => found.Count == 1 && found[0].SentAt is not null,
            what: "the NeedPosted row to be marked sent");
        Assert.Single(rows);
        Assert.Empty(await OutboxRowsAsync<NeedUpdated>(id));
        Assert.Empty(await OutboxRowsAsync<NeedClosed>(id));
    }

    [Fact]
    public async Task A_post_repeated_with_its_Idempotency_Key_creates_one_need_and_one_event()
    {
        using var client = service.ClientFor(_owner);
        var key = $"retry-{Guid.NewGuid():N}";
        var need = FullNeed("Sent twice after a lost answer");

        async Task<HttpResponseMessage> PostAsync(object body, string idempotencyKey)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/needs") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return await client.SendAsync(request, Ct);
        }

        using var first = await PostAsync(need, key);
        using var again = await PostAsync(need, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await again.Content.ReadAsStringAsync(Ct));
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        var id = (await first.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Single(await OutboxRowsAsync<NeedPosted>(id));

        // The same key with other content is refused, naming the header; a new key creates a second need.
        using var other = await PostAsync(FullNeed("Another need"), key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Contains("Idempotency-Key", (await other.ReadJsonAsync()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        using var fresh = await PostAsync(need, $"{key}-2");
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.NotEqual(id, (await fresh.ReadJsonAsync()).GetProperty("id").GetGuid());

        // Another enterprise's same key is its own need, and an empty key is a 400 that names the header.
        using var stranger = service.ClientFor(TestUsers.New(Roles.Enterprise));
        using var strangers = new HttpRequestMessage(HttpMethod.Post, "/api/needs") { Content = System.Net.Http.Json.JsonContent.Create(need) };
        strangers.Headers.Add("Idempotency-Key", key);
        using var theirs = await stranger.SendAsync(strangers, Ct);
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.NotEqual(id, (await theirs.ReadJsonAsync()).GetProperty("id").GetGuid());
        using var blank = await PostAsync(need, " ");
        Assert.Contains("Idempotency-Key", await blank.ReadValidationFieldsAsync());
    }

    [Fact]
    public async Task A_consumer_on_the_bus_receives_NeedPosted_with_the_needs_fields()
    {
        using var client = service.ClientFor(_owner);

        var id = await client.PostNeedExpectingCreatedAsync(FullNeed("On the bus", "anonymous"));

        var posted = await Eventually.UntilAsync(
            () => Task.FromResult(service.Received.Of<NeedPosted>().Where(m => m.NeedId == id).ToList()),
            found => found.Count > 0,
            what: "NeedPosted to reach the test consumer");
        var message = Assert.Single(posted);
        Assert.Equal(_owner.OrganisationId, message.OrganisationId);
        Assert.Equal("On the bus", message.Title);
        Assert.Equal(["warping", "cycle time"], message.Keywords);
        Assert.Equal("plastics", message.Sector);
        Assert.Equal(6, message.MinTrl);
        Assert.Equal("anonymous", message.Visibility);
        Assert.Equal("en", message.Language);
    }

    [Fact]
    public async Task Updating_and_closing_a_need_publish_NeedUpdated_and_NeedClosed_once_each()
    {
        using var client = service.ClientFor(_owner);
        var id = await client.PostNeedExpectingCreatedAsync(FullNeed("Changing"));
        var changed = FullNeed("Changed");
        changed["visibility"] = "staff-only";

        using (var put = await client.PutNeedAsync(id, changed))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var close = await client.CloseNeedAsync(id))
        {
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        }

        using (var again = await client.CloseNeedAsync(id))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var updated = await Eventually.UntilAsync(
            () => Task.FromResult(service.Received.Of<NeedUpdated>().Where(m => m.NeedId == id).ToList()),
            found => found.Count > 0,
            what: "NeedUpdated to reach the test consumer");
        // A staff-only need's text travels sealed; the services of the deployment open it.
        Assert.True(ConfidentialText.IsSealed(Assert.Single(updated).Title));
        Assert.Equal("Changed", Confidential.Open(updated[0].Title));
        Assert.Equal("staff-only", updated[0].Visibility);
        var closed = await Eventually.UntilAsync(
            () => Task.FromResult(service.Received.Of<NeedClosed>().Where(m => m.NeedId == id).ToList()),
            found => found.Count > 0,
            what: "NeedClosed to reach the test consumer");
        Assert.Equal(_owner.OrganisationId, Assert.Single(closed).OrganisationId);
        Assert.Single(await OutboxRowsAsync<NeedClosed>(id));
        Assert.Single(await OutboxRowsAsync<NeedUpdated>(id));
    }

    [Fact]
    public async Task A_staff_only_needs_text_never_leaves_in_clear_but_opens_to_what_was_posted()
    {
        using var client = service.ClientFor(_owner);
        var unique = $"zircon{Guid.NewGuid():N}";
        var need = FullNeed($"Secret {unique}", "staff-only");
        need["problem"] = $"Our {unique} line leaks coolant.";
        need["keywords"] = new[] { unique, "coolant" };

        var id = await client.PostNeedExpectingCreatedAsync(need);

        var posted = await Eventually.UntilAsync(
            () => Task.FromResult(service.Received.Of<NeedPosted>().Where(m => m.NeedId == id).ToList()),
            found => found.Count > 0,
            what: "NeedPosted to reach the test consumer");
        var message = Assert.Single(posted);
        Assert.DoesNotContain(unique, message.Title + message.Problem + string.Join(" ", message.Keywords));
        Assert.Equal($"Secret {unique}", Confidential.Open(message.Title));
        Assert.Equal($"Our {unique} line leaks coolant.", Confidential.Open(message.Problem));
        Assert.Equal([unique, "coolant"], Confidential.Open(message.Keywords));

        // What the relay sends is the outbox row's body: it must not hold the words either.
        await using var connection = await service.Database.OpenAsync(Ct);
        var bodies = (await connection.QueryAsync<string>(
            "SELECT body FROM outbox_messages WHERE body LIKE @Pattern",
            new { Pattern = $"%\"needId\":\"{id}\"%" })).ToList();
        Assert.NotEmpty(bodies);
        Assert.All(bodies, body => Assert.DoesNotContain(unique, body));
    }

    [Fact]
    public async Task A_refused_request_writes_nothing_to_the_outbox()
    {
        using var client = service.ClientFor(_owner);
        var id = await client.PostNeedExpectingCreatedAsync(FullNeed("Refusals"));
        await using (var connection = await service.Database.OpenAsync(Ct))
        {
            await Eventually.UntilAsync(() => OutboxQueries.CountUnsentAsync(connection), unsent => unsent == 0);
        }

        var before = await CountOutboxAsync();
        using var invalidPost = await client.PostNeedAsync(new { title = "", problem = "p" });
        using var invalidPut = await client.PutNeedAsync(id, new { title = "t" });
        using var otherClient = service.ClientFor(TestUsers.New(Roles.Enterprise));
        using var forbiddenClose = await otherClient.CloseNeedAsync(id);

        Assert.Equal(HttpStatusCode.BadRequest, invalidPost.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalidPut.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenClose.StatusCode);
        Assert.Equal(before, await CountOutboxAsync());
    }

    [Fact]
    public async Task Posting_again_with_a_fixed_id_as_the_seeder_does_changes_nothing_and_publishes_nothing_more()
    {
        var id = Guid.NewGuid();
        var caller = new Caller(_owner.UserId, _owner.Email, _owner.Role, _owner.OrganisationId);
        var body = new NeedBody("Seeded", "A seeded problem.", "plastics", ["seed"], 5, null, null, "public", null);

        var first = await PostNeed.HandleAsync(body, caller, service.Database, Confidential, Ct, id);
        var second = await PostNeed.HandleAsync(body with { Title = "Seeded again" }, caller, service.Database, Confidential, Ct, id);

        Assert.Equal(NeedOutcome.Created, first.Outcome);
        Assert.Equal(NeedOutcome.Ok, second.Outcome);
        Assert.Equal("Seeded", second.Need!.Title);
        Assert.Equal(id, second.Need.Id);
        Assert.Single(await OutboxRowsAsync<NeedPosted>(id));
    }

    [Fact]
    public async Task The_post_handler_refuses_a_caller_that_is_not_an_enterprise()
    {
        var university = TestUsers.New(Roles.University);
        var caller = new Caller(university.UserId, university.Email, university.Role, university.OrganisationId);
        var body = new NeedBody("t", "p", null, null, null, null, null, null, null);

        var result = await PostNeed.HandleAsync(body, caller, service.Database, Confidential, Ct);

        Assert.Equal(NeedOutcome.Forbidden, result.Outcome);
    }

    private async Task<List<OutboxRow>> OutboxRowsAsync<T>(Guid needId)
    {
        await using var connection = await service.Database.OpenAsync(Ct);
        var type = $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";
        return (await connection.QueryAsync<OutboxRow>(
            """
            SELECT id AS Id, sent_at AS SentAt
            FROM outbox_messages
            WHERE message_type = @Type AND body LIKE @Pattern
            """,
            new { Type = type, Pattern = $"%\"needId\":\"{needId}\"%" })).ToList();
    }

    private async Task<int> CountOutboxAsync()
    {
        await using var connection = await service.Database.OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages");
    }

    private sealed record OutboxRow(string Id, string? SentAt);
}
