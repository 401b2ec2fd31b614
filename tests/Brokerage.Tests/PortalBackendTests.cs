using System.Net;
using System.Text.Json;
using Matchmaking.Brokerage.Api;
using Matchmaking.Brokerage.Api.Features;
using Matchmaking.Brokerage.Api.Notifications;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.Matching.Contracts;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Brokerage.Tests;

public sealed class PortalBackendTestsOnPostgresAndRabbitMq(PostgresAndRabbitMqBrokerage brokerage)
    : PortalBackendTests(brokerage), IClassFixture<PostgresAndRabbitMqBrokerage>;

public sealed class PortalBackendTestsOnSqliteAndInMemoryBus(SqliteAndInMemoryBrokerage brokerage)
    : PortalBackendTests(brokerage), IClassFixture<SqliteAndInMemoryBrokerage>;

/// <summary>Deals for their parties, notes, the notifications inbox, the idle check and the audit log.</summary>
public abstract class PortalBackendTests(BrokerageService brokerage)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => brokerage.Client(brokerage.Staff);

    [Fact]
    public async Task The_digest_takes_a_notification_by_its_arrival_so_a_late_event_is_not_skipped()
    {
        var organisation = Guid.NewGuid();
        var before = DateTimeOffset.UtcNow;

        // An event that happened an hour ago reaches the inbox only now (a backlog, a redelivery).
        var database = brokerage.Service.Services.GetRequiredService<BrokerageDatabase>();
        await database.WriteAsync(async (connection, transaction) =>
        {
            await Notify.AddAsync(connection, transaction, [Notify.ForOrganisation(organisation, Notify.MatchFound, "Late", "b", "/needs/x",
                $"late:{Guid.NewGuid():D}", before.AddHours(-1))]);
            return true;
        }, Ct);

        await using var read = await brokerage.OpenAsync();
        var arrived = Assert.Single(await NotificationInbox.UnreadArrivedSinceAsync(
            read, Guid.NewGuid(), Roles.Enterprise, organisation, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal("Late", arrived.Item.Title);
        Assert.Equal(before.AddHours(-1), arrived.Item.CreatedAt);
        Assert.InRange(arrived.ArrivedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Empty(await NotificationInbox.UnreadArrivedSinceAsync(
            read, Guid.NewGuid(), Roles.Enterprise, organisation, arrived.ArrivedAt, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Empty(await NotificationInbox.UnreadArrivedSinceAsync(
            read, Guid.NewGuid(), Roles.Enterprise, organisation, before.AddSeconds(-1), arrived.ArrivedAt.AddTicks(-1)));
    }

    [Fact]
    public async Task Parties_see_their_deal_with_titles_notes_and_next_action_and_others_do_not()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var dealId = (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");

        var note = await (await Staff.PostJsonAsync($"/api/deals/{dealId}/notes", new { text = "Called both sides." })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Called both sides.", note.String("text"));
        await (await Staff.PostJsonAsync($"/api/deals/{dealId}/notes", new { text = " " })).ValidationProblemAsync(HttpStatusCode.BadRequest, "text");
        await (await Staff.PostJsonAsync($"/api/deals/{Guid.NewGuid()}/notes", new { text = "x" })).ProblemAsync(HttpStatusCode.NotFound);

        var university = TestUsers.InOrganisation(Roles.University, pair.TechnologyOrganisationId);
        var enterprise = TestUsers.InOrganisation(Roles.Enterprise, pair.NeedOrganisationId);
        await (await brokerage.Client(university).PostJsonAsync($"/api/deals/{dealId}/notes", new { text = "mine" })).ProblemAsync(HttpStatusCode.Forbidden);
        foreach (var party in new[] { university, enterprise })
        {
            var deal = await (await brokerage.Client(party).GetAsync($"/api/deals/{dealId}", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal($"Technology {pair.TechnologyId:N}", deal.String("technologyTitle"));
            Assert.Equal($"Need {pair.NeedId:N}", deal.String("needTitle"));
            Assert.False(deal.GetProperty("idle").GetBoolean());
            Assert.Equal("Introduce the parties to each other.", deal.String("nextAction"));
            Assert.Equal("Called both sides.", Assert.Single(deal.GetProperty("notes").EnumerateArray()).String("text"));
            var mine = await (await brokerage.Client(party).GetAsync("/api/deals?mine=true", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal([dealId], mine.GetProperty("items").EnumerateArray().Select(i => i.Guid("id")));
        }

        foreach (var stranger in new[] { TestUsers.New(Roles.University), TestUsers.New(Roles.Enterprise) })
        {
            await (await brokerage.Client(stranger).GetAsync($"/api/deals/{dealId}", Ct)).ProblemAsync(HttpStatusCode.NotFound);
            var theirs = await (await brokerage.Client(stranger).GetAsync("/api/deals?mine=true", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(0, theirs.GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task A_deal_on_a_staff_only_need_stays_hidden_from_the_university_until_introduced()
    {
        var pair = await StaffOnlyPairAsync();
        var university = TestUsers.InOrganisation(Roles.University, pair.TechnologyOrganisationId);
        var dealId = (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");

        await (await brokerage.Client(university).GetAsync($"/api/deals/{dealId}", Ct)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await KindsAsync(university, $"/deals/{dealId}"));
        Assert.Empty(await KindsAsync(university, $"/technologies/{pair.TechnologyId}"));

        await (await Staff.PostJsonAsync($"/api/deals/{dealId}/stage", new { stage = "introduced" })).JsonAsync(HttpStatusCode.OK);

        await (await brokerage.Client(university).GetAsync($"/api/deals/{dealId}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["deal-stage-changed"], await KindsAsync(university, $"/deals/{dealId}"));
    }

    [Fact]
    public async Task Matches_interest_and_stage_changes_reach_each_inbox_and_can_be_read()
    {
        var pair = await PublicPairAsync();
        var university = TestUsers.InOrganisation(Roles.University, pair.TechnologyOrganisationId);
        var enterprise = TestUsers.InOrganisation(Roles.Enterprise, pair.NeedOrganisationId);
        Assert.Equal(["match-found"], await KindsAsync(university, $"/technologies/{pair.TechnologyId}"));
        Assert.Equal(["match-found"], await KindsAsync(enterprise, $"/needs/{pair.NeedId}"));
        Assert.Contains("match-found", await KindsAsync(brokerage.Staff, "/review"));

        var interestMessage = Guid.NewGuid();
        await brokerage.PublishAsync(new InterestExpressed(Guid.NewGuid(), pair.MatchId, pair.TechnologyId, pair.TechnologyOrganisationId,
            pair.NeedId, pair.NeedOrganisationId, "public", Guid.NewGuid(), DateTimeOffset.UtcNow), interestMessage);
        await brokerage.WaitUntilHandledAsync("brokerage-interest-expressed", interestMessage);
        Assert.Equal(["interest-expressed", "match-found"], (await KindsAsync(university, $"/technologies/{pair.TechnologyId}")).Order());

        var dealId = (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");
        Assert.Equal(["deal-stage-changed"], await KindsAsync(university, $"/deals/{dealId}"));
        Assert.Equal(["deal-stage-changed"], await KindsAsync(enterprise, $"/deals/{dealId}"));
        Assert.Equal(["deal-stage-changed"], await KindsAsync(brokerage.Staff, $"/deals/{dealId}"));

        // Each says what it says as a template too, for a page to say it in its reader's language.
        var templates = (await InboxAsync(university, unread: false)).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.String("kind")!, i => i.GetProperty("template"));
        Assert.Equal("technology-match", templates["match-found"].String("key"));
        Assert.Equal("interest-university", templates["interest-expressed"].String("key"));
        Assert.Equal("deal-opened", templates["deal-stage-changed"].String("key"));
        Assert.Equal("suggested", templates["deal-stage-changed"].GetProperty("args").String("to"));

        // A fresh user of the same university has its own read state.
        var inbox = await InboxAsync(university, unread: true);
        Assert.Equal(3, inbox.GetProperty("unread").GetInt64());
        var first = inbox.GetProperty("items")[0].Guid("id");
        Assert.Equal(HttpStatusCode.NoContent, (await brokerage.Client(university).PostAsync($"/api/notifications/{first}/read", null, Ct)).StatusCode);
        Assert.Equal(2, (await InboxAsync(university, unread: true)).GetProperty("unread").GetInt64());
        await (await brokerage.Client(enterprise).PostAsync($"/api/notifications/{first}/read", null, Ct)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await brokerage.Client(university).PostAsync("/api/notifications/read-all", null, Ct)).StatusCode);
        var after = await InboxAsync(university, unread: true);
        Assert.Equal(0, after.GetProperty("unread").GetInt64());
        Assert.Equal(0, after.GetProperty("items").GetArrayLength());
        Assert.Equal(3, (await InboxAsync(university, unread: false)).GetProperty("total").GetInt64());
        Assert.Equal(3, (await InboxAsync(TestUsers.InOrganisation(Roles.University, pair.TechnologyOrganisationId), unread: true)).GetProperty("unread").GetInt64());
    }

    [Fact]
    public async Task A_deal_past_its_stage_time_limit_is_idle_and_staff_hear_of_it_once()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var dealId = (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");
        var database = brokerage.Service.Services.GetRequiredService<BrokerageDatabase>();
        var options = new BrokerageOptions { StageTimeLimits = { ["suggested"] = TimeSpan.FromDays(2) } };

        await IdleDeals.CheckAsync(database, options, DateTimeOffset.UtcNow.AddDays(1), Ct);
        Assert.Empty(await KindsAsync(brokerage.Staff, $"/deals/{dealId}", "deal-idle"));

        var idle = await IdleDeals.CheckAsync(database, options, DateTimeOffset.UtcNow.AddDays(3), Ct);
        await IdleDeals.CheckAsync(database, options, DateTimeOffset.UtcNow.AddDays(4), Ct);

        Assert.True(idle >= 1);
        Assert.Equal(["deal-idle"], await KindsAsync(brokerage.Staff, $"/deals/{dealId}", "deal-idle"));
        var idleTemplate = (await InboxAsync(brokerage.Staff, unread: false)).GetProperty("items").EnumerateArray()
            .Single(i => i.String("kind") == "deal-idle" && i.String("link") == $"/deals/{dealId}").GetProperty("template");
        Assert.Equal("deal-idle", idleTemplate.String("key"));
        Assert.Equal("suggested", idleTemplate.GetProperty("args").String("stage"));
        Assert.Equal("2", idleTemplate.GetProperty("args").String("days"));
        Assert.Empty(await KindsAsync(TestUsers.InOrganisation(Roles.Enterprise, pair.NeedOrganisationId), $"/deals/{dealId}", "deal-idle"));
    }

    [Fact]
    public async Task Stage_changes_and_confidential_reads_are_in_the_append_only_audit_log_for_admins_only()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var dealId = (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");
        await (await Staff.PostJsonAsync($"/api/deals/{dealId}/stage", new { stage = "introduced" })).JsonAsync(HttpStatusCode.OK);
        var read = new ConfidentialContentRead(Guid.NewGuid(), Guid.NewGuid(), Roles.Enterprise, Guid.NewGuid(), "technology", pair.TechnologyId,
            "details", DateTimeOffset.UtcNow);
        foreach (var messageId in new[] { Guid.NewGuid(), Guid.NewGuid() })
        {
            await brokerage.PublishAsync(read, messageId);
            await brokerage.WaitUntilHandledAsync("brokerage-confidential-content-read", messageId);
        }

        var admin = brokerage.Client(TestUsers.New(Roles.Admin));
        var deal = await (await admin.GetAsync($"/api/audit?resourceType=deal&resourceId={dealId}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["deal-stage-changed", "deal-stage-changed"], deal.GetProperty("items").EnumerateArray().Select(i => i.String("action")));
        Assert.Equal(brokerage.Staff.UserId, deal.GetProperty("items")[0].Guid("actorUserId"));
        var technology = await (await admin.GetAsync($"/api/audit?resourceType=technology&resourceId={pair.TechnologyId}", Ct)).JsonAsync(HttpStatusCode.OK);
        var entry = Assert.Single(technology.GetProperty("items").EnumerateArray());
        Assert.Equal(("read-confidential", read.ActorUserId, "enterprise"), (entry.String("action")!, entry.Guid("actorUserId"), entry.String("actorRole")!));

        await (await Staff.GetAsync("/api/audit", Ct)).ProblemAsync(HttpStatusCode.Forbidden);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => brokerage.ScalarAsync<long>("UPDATE audit_log SET detail = 'changed'"));
        Assert.Contains("append-only", refused.Message);
    }

    private async Task<Pair> PublicPairAsync() => await PairAsync("public");

    private async Task<Pair> StaffOnlyPairAsync() => await PairAsync("staff-only");

    private async Task<Pair> PairAsync(string visibility)
    {
        var pair = new Pair(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await brokerage.PublishTechnologyAsync(pair.TechnologyId, pair.TechnologyOrganisationId, $"Technology {pair.TechnologyId:N}");
        var needMessage = Guid.NewGuid();
        await brokerage.PublishAsync(new NeedPosted(pair.NeedId, pair.NeedOrganisationId, $"Need {pair.NeedId:N}", "A problem.", ["keyword"],
            "advanced-manufacturing", 4, visibility, "en", DateTimeOffset.UtcNow), needMessage);
        await brokerage.WaitUntilHandledAsync("brokerage-need-posted", needMessage);
        var matchesMessage = Guid.NewGuid();
        await brokerage.PublishAsync(new MatchesSuggested(pair.NeedId, "need", [pair.Match(0.7) with { NeedVisibility = visibility }], DateTimeOffset.UtcNow),
            matchesMessage);
        await brokerage.WaitUntilHandledAsync("brokerage-matches-suggested", matchesMessage);
        return pair;
    }

    private async Task<JsonElement> InboxAsync(TestUser user, bool unread) =>
        await (await brokerage.Client(user).GetAsync($"/api/notifications?unread={(unread ? "true" : "false")}&pageSize=100", Ct)).JsonAsync(HttpStatusCode.OK);

    /// <summary>The kinds of the notifications the user has that link to <paramref name="link"/>.</summary>
    private async Task<List<string>> KindsAsync(TestUser user, string link, string? kind = null) =>
        (await InboxAsync(user, unread: false)).GetProperty("items").EnumerateArray()
            .Where(i => i.String("link") == link && (kind is null || i.String("kind") == kind))
            .Select(i => i.String("kind")!)
            .ToList();
}
