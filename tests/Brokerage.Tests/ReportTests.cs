using System.Net;
using System.Text.Json;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;

namespace Matchmaking.Brokerage.Tests;

public sealed class ReportTestsOnPostgresAndRabbitMq(PostgresAndRabbitMqBrokerage brokerage)
    : ReportTests(brokerage), IClassFixture<PostgresAndRabbitMqBrokerage>;

public sealed class ReportTestsOnSqliteAndInMemoryBus(SqliteAndInMemoryBrokerage brokerage)
    : ReportTests(brokerage), IClassFixture<SqliteAndInMemoryBrokerage>;

public abstract class ReportTests(BrokerageService brokerage)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => brokerage.Client(brokerage.Staff);

    private async Task<Guid> OpenAsync(Pair pair) =>
        (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");

    /// <summary>Moves a deal along the pipeline up to <paramref name="stage"/>, then declines it when a reason is given.</summary>
    private async Task AdvanceAsync(Guid dealId, string stage, string? declineReason = null)
    {
        var steps = DealStages.Pipeline.ToList().IndexOf(stage);
        foreach (var next in DealStages.Pipeline.Skip(1).Take(steps))
        {
            await (await Staff.PostJsonAsync($"/api/deals/{dealId}/stage", new { stage = next })).JsonAsync(HttpStatusCode.OK);
        }

        if (declineReason is not null)
        {
            await (await Staff.PostJsonAsync($"/api/deals/{dealId}/stage", new { stage = "declined", reason = declineReason }))
                .JsonAsync(HttpStatusCode.OK);
        }
    }

    private async Task<JsonElement> FunnelAsync() =>
        await (await Staff.GetAsync("/api/reports/funnel", Ct)).JsonAsync(HttpStatusCode.OK);

    private static Dictionary<string, long> Counts(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    [Fact]
    public async Task The_funnel_counts_suggested_pairs_and_the_deals_that_reached_each_stage()
    {
        var before = await FunnelAsync();
        var completed = await brokerage.SuggestedPairAsync();
        var declined = await brokerage.SuggestedPairAsync();
        var waiting = await brokerage.SuggestedPairAsync();
        // The same pair suggested again under a new match id is still one pair.
        await brokerage.PublishMatchesAsync(completed.Match(0.3, Guid.NewGuid()));

        await AdvanceAsync(await OpenAsync(completed), "completed");
        await AdvanceAsync(await OpenAsync(declined), "negotiating", declineReason: "timing");
        await OpenAsync(waiting);
        var after = await FunnelAsync();

        Assert.Equal(3, after.GetProperty("suggested").GetInt64() - before.GetProperty("suggested").GetInt64());
        var stagesBefore = Counts(before.GetProperty("stages"));
        var stagesAfter = Counts(after.GetProperty("stages"));
        Assert.Equal(["suggested", "introduced", "nda-signed", "negotiating", "agreed", "completed", "declined"], stagesAfter.Keys.ToArray());
        var delta = stagesAfter.ToDictionary(s => s.Key, s => s.Value - stagesBefore[s.Key]);
        Assert.Equal(new Dictionary<string, long>
        {
            ["suggested"] = 3, ["introduced"] = 2, ["nda-signed"] = 2, ["negotiating"] = 2, ["agreed"] = 1, ["completed"] = 1, ["declined"] = 1,
        }, delta);
        Assert.Equal(1, Counts(after.GetProperty("declineReasons"))["timing"] - Counts(before.GetProperty("declineReasons"))["timing"]);
    }

    [Fact]
    public async Task One_to_n_counts_per_technology_the_needs_and_enterprises_reached_and_how_far_their_deals_got()
    {
        var enterpriseA = Guid.NewGuid();
        var enterpriseB = Guid.NewGuid();
        var enterpriseC = Guid.NewGuid();
        var first = await brokerage.SuggestedPairAsync(needOrganisationId: enterpriseA);
        var technologyId = first.TechnologyId;
        var universityId = first.TechnologyOrganisationId;
        var second = await brokerage.SuggestedPairAsync(technologyId, universityId, enterpriseA);
        var third = await brokerage.SuggestedPairAsync(technologyId, universityId, enterpriseB);
        var fourth = await brokerage.SuggestedPairAsync(technologyId, universityId, enterpriseC);
        var narrow = await brokerage.SuggestedPairAsync();

        await AdvanceAsync(await OpenAsync(first), "introduced");
        await AdvanceAsync(await OpenAsync(second), "agreed");
        await AdvanceAsync(await OpenAsync(third), "suggested", declineReason: "no-fit");
        await AdvanceAsync(await OpenAsync(fourth), "completed");

        var report = await (await Staff.GetAsync("/api/reports/one-to-n", Ct)).JsonAsync(HttpStatusCode.OK);
        var items = report.GetProperty("items").EnumerateArray().ToList();
        var wide = Assert.Single(items, i => i.Guid("technologyId") == technologyId);

        Assert.Equal($"Technology {technologyId:N}", wide.String("title"));
        Assert.Equal(4, wide.GetProperty("needsMatched").GetInt64());
        Assert.Equal(3, wide.GetProperty("enterprisesMatched").GetInt64());
        Assert.Equal(2, wide.GetProperty("enterprisesIntroduced").GetInt64());
        Assert.Equal(2, wide.GetProperty("dealsAgreed").GetInt64());
        var one = Assert.Single(items, i => i.Guid("technologyId") == narrow.TechnologyId);
        Assert.Equal((1L, 1L, 0L, 0L), (one.GetProperty("needsMatched").GetInt64(), one.GetProperty("enterprisesMatched").GetInt64(),
            one.GetProperty("enterprisesIntroduced").GetInt64(), one.GetProperty("dealsAgreed").GetInt64()));
        var needsMatched = items.Select(i => i.GetProperty("needsMatched").GetInt64()).ToArray();
        Assert.Equal(needsMatched.OrderDescending().ToArray(), needsMatched);
    }

    [Fact]
    public async Task Reports_are_for_staff_only()
    {
        foreach (var role in new[] { Roles.University, Roles.Enterprise })
        {
            var client = brokerage.Client(TestUsers.New(role));
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/reports/funnel", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/reports/one-to-n", Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await brokerage.Client().GetAsync("/api/reports/funnel", Ct)).StatusCode);
    }
}
