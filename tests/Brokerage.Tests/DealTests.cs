using System.Net;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;

namespace Matchmaking.Brokerage.Tests;

public sealed class DealTestsOnPostgresAndRabbitMq(PostgresAndRabbitMqBrokerage brokerage)
    : DealTests(brokerage), IClassFixture<PostgresAndRabbitMqBrokerage>;

public sealed class DealTestsOnSqliteAndInMemoryBus(SqliteAndInMemoryBrokerage brokerage)
    : DealTests(brokerage), IClassFixture<SqliteAndInMemoryBrokerage>;

public abstract class DealTests(BrokerageService brokerage)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => brokerage.Client(brokerage.Staff);

    private async Task<JsonElementDeal> OpenAsync(Pair pair)
    {
        var response = await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId });
        return new JsonElementDeal(await response.JsonAsync(HttpStatusCode.Created));
    }

    private async Task<JsonElementDeal> MoveAsync(Guid dealId, string stage, string? reason = null, string? note = null)
    {
        var response = await Staff.PostJsonAsync($"/api/deals/{dealId}/stage", new { stage, note, reason });
        return new JsonElementDeal(await response.JsonAsync(HttpStatusCode.OK));
    }

    private Task<HttpResponseMessage> TryMoveAsync(Guid dealId, object body) =>
        Staff.PostJsonAsync($"/api/deals/{dealId}/stage", body);

    [Fact]
    public async Task Opening_a_deal_from_a_suggested_match_answers_201_with_its_location_and_the_deal()
    {
        var pair = await brokerage.SuggestedPairAsync();

        var response = await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId });

        var deal = await response.JsonAsync(HttpStatusCode.Created);
        var id = deal.Guid("id");
        Assert.Equal($"/api/deals/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(pair.TechnologyId, deal.Guid("technologyId"));
        Assert.Equal(pair.NeedId, deal.Guid("needId"));
        Assert.Equal(pair.MatchId, deal.Guid("matchId"));
        Assert.Equal("suggested", deal.String("stage"));
        Assert.Equal(deal.GetProperty("createdAt").GetDateTimeOffset(), deal.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.Equal(["introduced", "declined"], deal.GetProperty("nextStages").Strings());
        var opened = Assert.Single(deal.GetProperty("history").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, opened.GetProperty("fromStage").ValueKind);
        Assert.Equal("suggested", opened.String("toStage"));
        Assert.Equal(brokerage.Staff.UserId, opened.Guid("changedBy"));

        var fetched = await (await Staff.GetAsync($"/api/deals/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, fetched.Guid("id"));
        Assert.Equal("suggested", fetched.String("stage"));
    }

    [Fact]
    public async Task Opening_a_deal_by_technology_and_need_links_the_suggested_match()
    {
        var pair = await brokerage.SuggestedPairAsync();

        var response = await Staff.PostJsonAsync("/api/deals", new { technologyId = pair.TechnologyId, needId = pair.NeedId });

        var deal = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(pair.MatchId, deal.Guid("matchId"));
        Assert.Equal(pair.TechnologyId, deal.Guid("technologyId"));
    }

    [Fact]
    public async Task A_deal_moves_through_every_stage_in_order_and_its_history_grows()
    {
        var deal = await OpenAsync(await brokerage.SuggestedPairAsync());

        var previous = DealStages.Suggested;
        var step = 1;
        foreach (var stage in DealStages.Pipeline.Skip(1))
        {
            var moved = await MoveAsync(deal.Id, stage, note: $"moved to {stage}");
            step++;
            Assert.Equal(stage, moved.Stage);
            Assert.Equal(step, moved.History.Length);
            var last = moved.History[^1];
            Assert.Equal(previous, last.String("fromStage"));
            Assert.Equal(stage, last.String("toStage"));
            Assert.Equal($"moved to {stage}", last.String("note"));
            Assert.Equal(System.Text.Json.JsonValueKind.Null, last.GetProperty("reason").ValueKind);
            Assert.True(moved.UpdatedAt >= moved.CreatedAt);
            previous = stage;
        }

        var completed = new JsonElementDeal(await (await Staff.GetAsync($"/api/deals/{deal.Id}", Ct)).JsonAsync(HttpStatusCode.OK));
        Assert.Equal("completed", completed.Stage);
        Assert.Empty(completed.NextStages);
        Assert.Equal(["suggested", "introduced", "nda-signed", "negotiating", "agreed", "completed"],
            completed.History.Select(h => h.String("toStage")!).ToArray());
        var changedAt = completed.History.Select(h => h.GetProperty("changedAt").GetDateTimeOffset()).ToArray();
        Assert.Equal(changedAt.Order().ToArray(), changedAt);

        var problem = await (await TryMoveAsync(deal.Id, new { stage = "declined", reason = "other" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(problem.GetProperty("allowedStages").Strings());
    }

    [Fact]
    public async Task Skipping_a_stage_is_409_saying_which_step_is_allowed_next_and_changes_nothing()
    {
        var deal = await OpenAsync(await brokerage.SuggestedPairAsync());

        var problem = await (await TryMoveAsync(deal.Id, new { stage = "nda-signed" })).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("'introduced'", problem.String("detail"));
        Assert.Equal("suggested", problem.String("currentStage"));
        Assert.Equal(["introduced", "declined"], problem.GetProperty("allowedStages").Strings());
        var unchanged = new JsonElementDeal(await (await Staff.GetAsync($"/api/deals/{deal.Id}", Ct)).JsonAsync(HttpStatusCode.OK));
        Assert.Equal("suggested", unchanged.Stage);
        Assert.Single(unchanged.History);
    }

    [Fact]
    public async Task Moving_backward_or_to_the_same_stage_is_409()
    {
        var deal = await OpenAsync(await brokerage.SuggestedPairAsync());
        await MoveAsync(deal.Id, "introduced");
        await MoveAsync(deal.Id, "nda-signed");

        var backward = await (await TryMoveAsync(deal.Id, new { stage = "introduced" })).ProblemAsync(HttpStatusCode.Conflict);
        var same = await (await TryMoveAsync(deal.Id, new { stage = "nda-signed" })).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("'negotiating'", backward.String("detail"));
        Assert.Equal(["negotiating", "declined"], same.GetProperty("allowedStages").Strings());
    }

    [Fact]
    public async Task Declining_needs_a_known_reason_code_and_closes_the_deal()
    {
        var deal = await OpenAsync(await brokerage.SuggestedPairAsync());
        await MoveAsync(deal.Id, "introduced");

        await (await TryMoveAsync(deal.Id, new { stage = "declined" })).ValidationProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await TryMoveAsync(deal.Id, new { stage = "declined", reason = "because" })).ValidationProblemAsync(HttpStatusCode.BadRequest, "reason");
        var declined = await MoveAsync(deal.Id, "declined", reason: "budget", note: "Over their budget this year.");

        Assert.Equal("declined", declined.Stage);
        Assert.Empty(declined.NextStages);
        Assert.Equal("budget", declined.History[^1].String("reason"));
        Assert.Equal("introduced", declined.History[^1].String("fromStage"));
        foreach (var stage in new[] { "negotiating", "nda-signed", "declined", "suggested" })
        {
            var problem = await (await TryMoveAsync(deal.Id, new { stage, reason = stage == "declined" ? "other" : null }))
                .ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("declined", problem.String("currentStage"));
        }
    }

    [Fact]
    public async Task A_move_is_validated_field_by_field()
    {
        var deal = await OpenAsync(await brokerage.SuggestedPairAsync());

        await (await TryMoveAsync(deal.Id, new { stage = "signed" })).ValidationProblemAsync(HttpStatusCode.BadRequest, "stage");
        await (await TryMoveAsync(deal.Id, new { note = "no stage" })).ValidationProblemAsync(HttpStatusCode.BadRequest, "stage");
        await (await TryMoveAsync(deal.Id, new { stage = "introduced", note = new string('n', 2001) }))
            .ValidationProblemAsync(HttpStatusCode.BadRequest, "note");
        await (await TryMoveAsync(deal.Id, new { stage = "introduced", reason = "budget" })).ValidationProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await Staff.PostRawAsync($"/api/deals/{deal.Id}/stage", """{ "stage": "introduced", "owner": "me" }"""))
            .ValidationProblemAsync(HttpStatusCode.BadRequest, "owner");
        await (await TryMoveAsync(Guid.NewGuid(), new { stage = "introduced" })).ProblemAsync(HttpStatusCode.NotFound);

        var moved = await MoveAsync(deal.Id, "introduced", note: new string('n', 2000));
        Assert.Equal(2000, moved.History[^1].String("note")!.Length);
    }

    [Fact]
    public async Task A_pair_has_one_open_deal_at_a_time()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var deal = await OpenAsync(pair);

        var byMatch = await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).ProblemAsync(HttpStatusCode.Conflict);
        var byPair = await (await Staff.PostJsonAsync("/api/deals", new { technologyId = pair.TechnologyId, needId = pair.NeedId }))
            .ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(deal.Id, byMatch.Guid("dealId"));
        Assert.Equal(deal.Id, byPair.Guid("dealId"));
        Assert.Equal(1L, await brokerage.ScalarAsync<long>(
            "SELECT COUNT(*) FROM deals WHERE technology_id = @TechnologyId AND need_id = @NeedId", pair));

        await MoveAsync(deal.Id, "declined", reason: "timing");
        var reopened = await OpenAsync(pair);
        Assert.NotEqual(deal.Id, reopened.Id);
    }

    [Fact]
    public async Task Concurrent_requests_open_one_deal_per_pair_and_move_it_one_step()
    {
        var pair = await brokerage.SuggestedPairAsync();

        var opens = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })));
        var created = Assert.Single(opens, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(opens.Where(r => r != created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var dealId = (await created.JsonAsync(HttpStatusCode.Created)).Guid("id");

        var moves = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TryMoveAsync(dealId, new { stage = "introduced" })));
        Assert.Single(moves, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(moves.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var deal = new JsonElementDeal(await (await Staff.GetAsync($"/api/deals/{dealId}", Ct)).JsonAsync(HttpStatusCode.OK));
        Assert.Equal(["suggested", "introduced"], deal.History.Select(h => h.String("toStage")!).ToArray());
    }

    [Fact]
    public async Task Opening_takes_either_a_match_or_a_technology_and_need_that_brokerage_knows()
    {
        var pair = await brokerage.SuggestedPairAsync();

        await (await Staff.PostRawAsync("/api/deals", "{}")).ValidationProblemAsync(HttpStatusCode.BadRequest, "matchId", "technologyId", "needId");
        await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId, technologyId = pair.TechnologyId }))
            .ValidationProblemAsync(HttpStatusCode.BadRequest, "technologyId");
        await (await Staff.PostJsonAsync("/api/deals", new { technologyId = pair.TechnologyId }))
            .ValidationProblemAsync(HttpStatusCode.BadRequest, "needId");
        await (await Staff.PostRawAsync("/api/deals", """{ "matchId": "not-a-guid" }"""))
            .ValidationProblemAsync(HttpStatusCode.BadRequest, "matchId");
        await (await Staff.PostJsonAsync("/api/deals", new { matchId = Guid.NewGuid() }))
            .ValidationProblemAsync(HttpStatusCode.UnprocessableEntity, "matchId");
        await (await Staff.PostJsonAsync("/api/deals", new { technologyId = Guid.NewGuid(), needId = Guid.NewGuid() }))
            .ValidationProblemAsync(HttpStatusCode.UnprocessableEntity, "technologyId", "needId");
        await (await Staff.PostJsonAsync("/api/deals", new { technologyId = pair.TechnologyId, needId = Guid.NewGuid() }))
            .ValidationProblemAsync(HttpStatusCode.UnprocessableEntity, "needId");

        Assert.Equal(0L, await brokerage.ScalarAsync<long>("SELECT COUNT(*) FROM deals WHERE technology_id = @TechnologyId", pair));
    }

    [Fact]
    public async Task Universities_and_enterprises_cannot_open_or_move_deals()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var deal = await OpenAsync(pair);
        var university = brokerage.Client(TestUsers.InOrganisation(Roles.University, pair.TechnologyOrganisationId));
        var enterprise = brokerage.Client(TestUsers.InOrganisation(Roles.Enterprise, pair.NeedOrganisationId));

        foreach (var client in new[] { university, enterprise })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden,
                (await client.PostJsonAsync($"/api/deals/{deal.Id}/stage", new { stage = "introduced" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await brokerage.Client().PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await brokerage.Client().GetAsync($"/api/deals/{deal.Id}", Ct)).StatusCode);
        var unchanged = new JsonElementDeal(await (await Staff.GetAsync($"/api/deals/{deal.Id}", Ct)).JsonAsync(HttpStatusCode.OK));
        Assert.Equal("suggested", unchanged.Stage);
    }

    [Fact]
    public async Task Admins_broker_deals_as_staff_do()
    {
        var admin = brokerage.Client(TestUsers.New(Roles.Admin));
        var pair = await brokerage.SuggestedPairAsync();

        var deal = await (await admin.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created);
        var moved = await (await admin.PostJsonAsync($"/api/deals/{deal.Guid("id")}/stage", new { stage = "introduced" })).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("introduced", moved.String("stage"));
    }

    [Fact]
    public async Task Universities_and_enterprises_see_only_the_deals_of_their_own_listings()
    {
        var university = TestUsers.New(Roles.University);
        var enterprise = TestUsers.New(Roles.Enterprise);
        var ours = await OpenAsync(await brokerage.SuggestedPairAsync(
            technologyOrganisationId: university.OrganisationId, needOrganisationId: enterprise.OrganisationId));
        var theirs = await OpenAsync(await brokerage.SuggestedPairAsync());
        var outsiders = new[] { TestUsers.New(Roles.University), TestUsers.New(Roles.Enterprise) };

        foreach (var user in new[] { university, enterprise })
        {
            var client = brokerage.Client(user);
            var seen = await (await client.GetAsync($"/api/deals/{ours.Id}", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(ours.Id, seen.Guid("id"));
            Assert.NotEmpty(seen.GetProperty("history").EnumerateArray());
            await (await client.GetAsync($"/api/deals/{theirs.Id}", Ct)).ProblemAsync(HttpStatusCode.NotFound);
            var list = await (await client.GetAsync("/api/deals", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, list.GetProperty("total").GetInt32());
            Assert.Equal(ours.Id, Assert.Single(list.GetProperty("items").EnumerateArray()).Guid("id"));
        }

        foreach (var outsider in outsiders)
        {
            var client = brokerage.Client(outsider);
            await (await client.GetAsync($"/api/deals/{ours.Id}", Ct)).ProblemAsync(HttpStatusCode.NotFound);
            var list = await (await client.GetAsync("/api/deals", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Empty(list.GetProperty("items").EnumerateArray());
        }

        var all = await (await Staff.GetAsync("/api/deals?pageSize=100", Ct)).JsonAsync(HttpStatusCode.OK);
        var ids = all.GetProperty("items").EnumerateArray().Select(d => d.Guid("id")).ToList();
        Assert.Contains(ours.Id, ids);
        Assert.Contains(theirs.Id, ids);
    }

    [Fact]
    public async Task Deals_are_listed_by_stage_and_page()
    {
        var enterprise = TestUsers.New(Roles.Enterprise);
        var deals = new List<JsonElementDeal>();
        for (var i = 0; i < 3; i++)
        {
            deals.Add(await OpenAsync(await brokerage.SuggestedPairAsync(needOrganisationId: enterprise.OrganisationId)));
        }

        await MoveAsync(deals[1].Id, "introduced");
        var client = brokerage.Client(enterprise);

        var introduced = await (await client.GetAsync("/api/deals?stage=introduced", Ct)).JsonAsync(HttpStatusCode.OK);
        var firstPage = await (await client.GetAsync("/api/deals?page=1&pageSize=2", Ct)).JsonAsync(HttpStatusCode.OK);
        var secondPage = await (await client.GetAsync("/api/deals?page=2&pageSize=2", Ct)).JsonAsync(HttpStatusCode.OK);

        var only = Assert.Single(introduced.GetProperty("items").EnumerateArray());
        Assert.Equal(deals[1].Id, only.Guid("id"));
        Assert.Equal(["nda-signed", "declined"], only.GetProperty("nextStages").Strings());
        Assert.Equal(3, firstPage.GetProperty("total").GetInt32());
        Assert.Equal(2, firstPage.GetProperty("items").GetArrayLength());
        Assert.Equal(deals[1].Id, firstPage.GetProperty("items")[0].Guid("id"));
        Assert.Single(secondPage.GetProperty("items").EnumerateArray());
        var everyId = firstPage.GetProperty("items").EnumerateArray().Concat(secondPage.GetProperty("items").EnumerateArray())
            .Select(d => d.Guid("id")).Order().ToArray();
        Assert.Equal(deals.Select(d => d.Id).Order().ToArray(), everyId);

        await (await client.GetAsync("/api/deals?stage=signed", Ct)).ValidationProblemAsync(HttpStatusCode.BadRequest, "stage");
        await (await client.GetAsync("/api/deals?page=abc&pageSize=0", Ct)).ValidationProblemAsync(HttpStatusCode.BadRequest, "page", "pageSize");
    }
}

/// <summary>A deal answer, read by its camelCase field names.</summary>
public sealed record JsonElementDeal(System.Text.Json.JsonElement Json)
{
    public Guid Id => Json.Guid("id");

    public string Stage => Json.String("stage")!;

    public DateTimeOffset CreatedAt => Json.GetProperty("createdAt").GetDateTimeOffset();

    public DateTimeOffset UpdatedAt => Json.GetProperty("updatedAt").GetDateTimeOffset();

    public System.Text.Json.JsonElement[] History => Json.GetProperty("history").EnumerateArray().ToArray();

    public string[] NextStages => Json.GetProperty("nextStages").Strings();
}
