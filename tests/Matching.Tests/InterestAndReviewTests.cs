using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.Testing;

namespace Matchmaking.Matching.Tests;

/// <summary>Expressions of interest and the staff review queue, with the confidentiality rules they must keep.</summary>
public abstract class InterestAndReviewTests(Setup setup) : MatchingTests(setup)
{
    [Fact]
    public async Task The_need_owner_expresses_interest_once_and_the_university_sees_it()
    {
        var (university, enterprise, match) = await AMatchAsync("public");

        using var first = await PostInterestAsync(enterprise, match.MatchId, "We would like to talk.");
        await AssertStatusAsync(HttpStatusCode.Created, first);
        var created = await ReadAsync<InterestBody>(first);
        using var again = await PostInterestAsync(enterprise, match.MatchId, "Second time.");
        await AssertStatusAsync(HttpStatusCode.OK, again);
        var repeated = await ReadAsync<InterestBody>(again);

        Assert.Equal(created.InterestId, repeated.InterestId);
        Assert.Equal("We would like to talk.", repeated.Message);
        Assert.Equal((match.TechnologyId, match.NeedId), (created.TechnologyId, created.NeedId));
        var seen = await InterestsAsync(university);
        var item = Assert.Single(seen.Items);
        Assert.Equal(created.InterestId, item.InterestId);
        Assert.Equal(enterprise.OrganisationId, item.OrganisationId);
        Assert.Equal("Warpage of injection moulded parts", item.NeedTitle);
        Assert.Single((await InterestsAsync(enterprise)).Items);
        Assert.Empty((await InterestsAsync(NewUniversity())).Items);
        Assert.Empty((await InterestsAsync(NewEnterprise())).Items);
        Assert.Single((await InterestsAsync(NewStaff())).Items);
    }

    [Fact]
    public async Task Interest_is_refused_to_everyone_but_the_need_owner_and_staff()
    {
        var (university, _, match) = await AMatchAsync("public");

        using var otherEnterprise = await PostInterestAsync(NewEnterprise(), match.MatchId, null);
        await AssertStatusAsync(HttpStatusCode.NotFound, otherEnterprise);
        using var owningUniversity = await PostInterestAsync(university, match.MatchId, null);
        await AssertStatusAsync(HttpStatusCode.Forbidden, owningUniversity);
        using var unknown = await PostInterestAsync(NewStaff(), Guid.NewGuid(), null);
        await AssertStatusAsync(HttpStatusCode.NotFound, unknown);
        using var tooLong = await PostInterestAsync(NewStaff(), match.MatchId, new string('x', 2001));
        await AssertValidationProblemAsync(tooLong, "message");
        using var byStaff = await PostInterestAsync(NewStaff(), match.MatchId, null);
        await AssertStatusAsync(HttpStatusCode.Created, byStaff);
    }

    [Fact]
    public async Task An_anonymous_need_hides_its_owner_from_the_university_until_introduced()
    {
        var (university, enterprise, match) = await AMatchAsync("anonymous");
        using var posted = await PostInterestAsync(enterprise, match.MatchId, null);
        await AssertStatusAsync(HttpStatusCode.Created, posted);

        Assert.Null(Assert.Single((await InterestsAsync(university)).Items).OrganisationId);
        Assert.Equal(enterprise.OrganisationId, Assert.Single((await InterestsAsync(enterprise)).Items).OrganisationId);
        Assert.Equal(enterprise.OrganisationId, Assert.Single((await InterestsAsync(NewStaff())).Items).OrganisationId);

        var dealId = Guid.NewGuid();
        await PublishAndWaitAsync(new DealStageChanged(dealId, match.TechnologyId, match.NeedId, "suggested", "introduced", null,
            Guid.NewGuid(), DateTimeOffset.UtcNow, university.OrganisationId, enterprise.OrganisationId));

        Assert.Equal(enterprise.OrganisationId, Assert.Single((await InterestsAsync(university)).Items).OrganisationId);
    }

    [Fact]
    public async Task Interest_on_a_staff_only_need_is_invisible_to_the_university()
    {
        var (university, enterprise, match) = await AMatchAsync("staff-only");
        using var posted = await PostInterestAsync(enterprise, match.MatchId, null);
        await AssertStatusAsync(HttpStatusCode.Created, posted);

        Assert.Empty((await InterestsAsync(university)).Items);
        Assert.Equal(0, (await InterestsAsync(university)).Total);
        Assert.Single((await InterestsAsync(enterprise)).Items);
    }

    [Fact]
    public async Task The_review_queue_moves_a_match_from_new_to_rejected_or_accepted()
    {
        var staff = NewStaff();
        var (_, _, rejected) = await AMatchAsync("public");
        var (_, _, accepted) = await AMatchAsync("public");

        var fresh = await QueueAsync(staff, "new");
        Assert.Contains(fresh.Items, i => i.MatchId == rejected.MatchId);
        Assert.Contains(fresh.Items, i => i.MatchId == accepted.MatchId);
        Assert.All(fresh.Items, i => Assert.Equal("new", i.Status));
        Assert.Equal("Conformal cooling channels for injection moulds", fresh.Items[0].TechnologyTitle);

        using var feedback = await Matching.Service.CreateClient(staff.Token).PostAsJsonAsync(
            $"/api/matches/{rejected.MatchId}/feedback", new JsonObject { ["verdict"] = "not-relevant", ["reason"] = "trl-too-low" }, Ct);
        await AssertStatusAsync(HttpStatusCode.NoContent, feedback);
        await PublishAndWaitAsync(new DealStageChanged(Guid.NewGuid(), accepted.TechnologyId, accepted.NeedId, null, "suggested", null,
            staff.UserId, DateTimeOffset.UtcNow));

        Assert.Equal([rejected.MatchId], (await QueueAsync(staff, "rejected")).Items.Select(i => i.MatchId));
        Assert.Equal([accepted.MatchId], (await QueueAsync(staff, "accepted")).Items.Select(i => i.MatchId));
        Assert.DoesNotContain((await QueueAsync(staff, "new")).Items, i => i.MatchId == rejected.MatchId || i.MatchId == accepted.MatchId);

        using var asUniversity = await Matching.Service.CreateClient(NewUniversity().Token).GetAsync("/api/matches?status=new", Ct);
        await AssertStatusAsync(HttpStatusCode.Forbidden, asUniversity);
        using var badStatus = await Matching.Service.CreateClient(staff.Token).GetAsync("/api/matches?status=maybe", Ct);
        await AssertValidationProblemAsync(badStatus, "status");
    }

    private async Task<(TestUser University, TestUser Enterprise, MatchItem Match)> AMatchAsync(string visibility)
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var technology = CoolingTechnology(university);
        var need = WarpageNeed(enterprise, visibility);
        await PublishAndWaitAsync(technology);
        await PublishAndWaitAsync(need);
        var matches = await MatchesEventuallyAsync(enterprise, Needs, need.NeedId, m => m.Items.Any(i => i.TechnologyId == technology.TechnologyId));
        return (university, enterprise, matches.Items.Single(i => i.TechnologyId == technology.TechnologyId));
    }

    private Task<HttpResponseMessage> PostInterestAsync(TestUser caller, Guid matchId, string? message) =>
        Matching.Service.CreateClient(caller.Token).PostAsJsonAsync($"/api/matches/{matchId}/interest", new JsonObject { ["message"] = message }, Ct);

    private async Task<InterestList> InterestsAsync(TestUser caller)
    {
        using var response = await Matching.Service.CreateClient(caller.Token).GetAsync("/api/interests", Ct);
        await AssertStatusAsync(HttpStatusCode.OK, response);
        return await ReadAsync<InterestList>(response);
    }

    private async Task<QueueList> QueueAsync(TestUser caller, string status)
    {
        using var response = await Matching.Service.CreateClient(caller.Token).GetAsync($"/api/matches?status={status}", Ct);
        await AssertStatusAsync(HttpStatusCode.OK, response);
        return await ReadAsync<QueueList>(response);
    }

    public sealed record InterestBody(Guid InterestId, Guid MatchId, Guid TechnologyId, Guid NeedId, string? Message, DateTimeOffset CreatedAt);

    public sealed record InterestList(long Total, List<InterestItem> Items);

    public sealed record InterestItem(Guid InterestId, Guid MatchId, Guid TechnologyId, string TechnologyTitle, Guid NeedId, string NeedTitle,
        Guid? OrganisationId, string? OrganisationName, string? Message);

    public sealed record QueueList(long Total, List<QueueItem> Items);

    public sealed record QueueItem(Guid MatchId, Guid TechnologyId, string TechnologyTitle, Guid NeedId, string NeedTitle, double Score, string Status);
}

public sealed class InterestAndReviewOnPostgresAndRabbitMq() : InterestAndReviewTests(Setup.PostgresAndRabbitMq);

public sealed class InterestAndReviewOnSqliteAndInMemoryBus() : InterestAndReviewTests(Setup.SqliteAndInMemoryBus);
