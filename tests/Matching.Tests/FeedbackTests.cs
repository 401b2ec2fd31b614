using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Matchmaking.Matching.Engine;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.Testing;

namespace Matchmaking.Matching.Tests;

public abstract class FeedbackTests(Setup setup) : MatchingTests(setup)
{
    [Fact]
    public async Task Staff_feedback_on_a_match_is_stored()
    {
        var matchId = await AMatchAsync();
        var staff = NewStaff();

        using var response = await PostFeedbackAsync(staff, matchId, new JsonObject { ["verdict"] = "not-relevant", ["reason"] = "wrong material" });

        await AssertStatusAsync(HttpStatusCode.NoContent, response);
        await using var connection = await Matching.Database.OpenAsync(Ct);
        var stored = Assert.Single(await connection.QueryAsync<(string Verdict, string Reason, string UserId)>(
            "SELECT verdict AS Verdict, reason AS Reason, user_id AS UserId FROM feedback WHERE match_id = @MatchId",
            new { MatchId = matchId }));
        Assert.Equal(("not-relevant", "wrong material", staff.UserId.ToString()), stored);
    }

    [Fact]
    public async Task Feedback_from_anyone_but_staff_is_forbidden()
    {
        var matchId = await AMatchAsync();

        foreach (var caller in new[] { NewUniversity(), NewEnterprise() })
        {
            using var response = await PostFeedbackAsync(caller, matchId, new JsonObject { ["verdict"] = "relevant" });
            await AssertStatusAsync(HttpStatusCode.Forbidden, response);
        }

        using var anonymous = await Matching.Service.CreateClient()
            .PostAsJsonAsync($"/api/matches/{matchId}/feedback", new JsonObject { ["verdict"] = "relevant" }, Ct);
        await AssertStatusAsync(HttpStatusCode.Unauthorized, anonymous);
        await using var connection = await Matching.Database.OpenAsync(Ct);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM feedback"));
    }

    [Fact]
    public async Task Feedback_without_a_known_verdict_is_rejected_naming_the_verdict()
    {
        var matchId = await AMatchAsync();
        var staff = NewStaff();

        foreach (var body in new[] { new JsonObject { ["verdict"] = "maybe" }, new JsonObject { ["reason"] = "no verdict" }, [] })
        {
            using var response = await PostFeedbackAsync(staff, matchId, body);
            await AssertValidationProblemAsync(response, "verdict");
        }

        using var tooLong = await PostFeedbackAsync(staff, matchId, new JsonObject { ["verdict"] = "relevant", ["reason"] = new string('x', 2001) });
        await AssertValidationProblemAsync(tooLong, "reason");
    }

    [Fact]
    public async Task Feedback_on_an_unknown_match_is_not_found()
    {
        using var response = await PostFeedbackAsync(NewStaff(), Guid.NewGuid(), new JsonObject { ["verdict"] = "relevant" });

        await AssertStatusAsync(HttpStatusCode.NotFound, response);
    }

    [Fact]
    public async Task Feedback_moves_the_ranking_towards_what_staff_judged_relevant()
    {
        var enterprise = NewEnterprise();
        var staff = NewStaff();
        // One technology shares more of the need's words but comes from an unrelated sector; the other is in the
        // need's own sector and shares fewer. By text alone the first ranks higher.
        var wordy = CoolingTechnology(NewUniversity(), sector: "food-beverage");
        var fitting = new TechnologyPublished(
            Guid.NewGuid(), NewUniversity().OrganisationId, "Mould temperature control for injection moulding",
            "Pulsed mould cooling keeps moulded housings flat and shortens the cooling phase.", ["mould cooling"],
            "moulds-dies", 6, ["licence"], "en", At(0));
        await PublishAndWaitAsync(wordy);
        await PublishAndWaitAsync(fitting);
        var need = WarpageNeed(enterprise, sector: "moulds-dies");
        await PublishAndWaitAsync(need);
        var before = await MatchesEventuallyAsync(enterprise, Needs, need.NeedId, m => m.Items.Count == 2);
        Assert.Equal([wordy.TechnologyId, fitting.TechnologyId], before.Items.Select(m => m.TechnologyId));

        // Staff keep preferring the technology in the need's sector.
        for (var i = 0; i < 5; i++)
        {
            using var relevant = await PostFeedbackAsync(staff, before.Items[1].MatchId, new JsonObject { ["verdict"] = "relevant" });
            await AssertStatusAsync(HttpStatusCode.NoContent, relevant);
            using var notRelevant = await PostFeedbackAsync(staff, before.Items[0].MatchId, new JsonObject { ["verdict"] = "not-relevant" });
            await AssertStatusAsync(HttpStatusCode.NoContent, notRelevant);
        }

        // The learned weights are kept in the database and used by the next match: the need, matched again, now
        // ranks the technology in its sector first.
        await using (var connection = await Matching.Database.OpenAsync(Ct))
        {
            Assert.Equal(10, await connection.ExecuteScalarAsync<int>("SELECT examples FROM ranking_weights WHERE id = 1"));
        }

        Assert.True(Matching.Index.Weights.Sector > RankingWeights.Default.Sector, $"sector weight {Matching.Index.Weights.Sector}");
        await PublishAndWaitAsync(new NeedUpdated(
            need.NeedId, need.OrganisationId, need.Title, need.Problem, need.Keywords, need.Sector, need.MinTrl, need.Visibility, need.Language, At(5)));
        var after = await MatchesAsync(enterprise, Needs, need.NeedId);
        Assert.Equal([fitting.TechnologyId, wordy.TechnologyId], after.Items.Select(m => m.TechnologyId));
    }

    private Task<HttpResponseMessage> PostFeedbackAsync(TestUser caller, Guid matchId, JsonObject body) =>
        Matching.Service.CreateClient(caller.Token).PostAsJsonAsync($"/api/matches/{matchId}/feedback", body, Ct);

    private async Task<Guid> AMatchAsync()
    {
        var university = NewUniversity();
        var technology = CoolingTechnology(university);
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise()));
        await PublishAsync(technology);
        var matches = await MatchesEventuallyAsync(university, Technologies, technology.TechnologyId, m => m.Items.Count == 1);
        return matches.Items[0].MatchId;
    }
}

public sealed class FeedbackOnPostgresAndRabbitMq() : FeedbackTests(Setup.PostgresAndRabbitMq);

public sealed class FeedbackOnSqliteAndInMemoryBus() : FeedbackTests(Setup.SqliteAndInMemoryBus);
