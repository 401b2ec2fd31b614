using Matchmaking.Testing;

namespace Matchmaking.Matching.Tests;

public abstract class SearchTests(Setup setup) : MatchingTests(setup)
{
    [Fact]
    public async Task Search_finds_listings_by_their_words_and_filters_by_type_and_sector()
    {
        var technology = CoolingTechnology(NewUniversity(), sector: "moulds-dies");
        var need = WarpageNeed(NewEnterprise(), sector: "plastics");
        await PublishAndWaitAsync(technology);
        await PublishAndWaitAsync(need);
        await PublishAndWaitAsync(BatteryTechnology(NewUniversity()));
        var caller = NewUniversity();

        var both = await SearchAsync(caller, "q=warpage");
        var technologies = await SearchAsync(caller, "q=warpage&type=technology");
        var needs = await SearchAsync(caller, "q=warpage&type=need");
        var plastics = await SearchAsync(caller, "q=warpage&sector=plastics");

        Assert.Equal(2, both.Total);
        Assert.Equal(new[] { need.NeedId, technology.TechnologyId }.Order(), both.Items.Select(i => i.Id).Order());
        var hit = Assert.Single(technologies.Items);
        Assert.Equal((technology.TechnologyId, "technology", technology.Title, "en"), (hit.Id, hit.Type, hit.Title, hit.Language));
        Assert.Contains("warpage", hit.Snippet, StringComparison.OrdinalIgnoreCase);
        Assert.True(hit.Score > 0, $"score {hit.Score}");
        Assert.Equal([(need.NeedId, "need")], needs.Items.Select(i => (i.Id, i.Type)));
        Assert.Equal([need.NeedId], plastics.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Search_pages_through_hits_and_keeps_the_total()
    {
        for (var i = 0; i < 3; i++)
        {
            await PublishAndWaitAsync(WarpageNeed(NewEnterprise()));
        }

        var caller = NewStaff();
        var first = await SearchAsync(caller, "q=warpage&page=1&pageSize=2");
        var second = await SearchAsync(caller, "q=warpage&page=2&pageSize=2");

        Assert.Equal((3, 2), (first.Total, first.Items.Count));
        Assert.Equal((3, 1), (second.Total, second.Items.Count));
        Assert.Empty(first.Items.Select(i => i.Id).Intersect(second.Items.Select(i => i.Id)));
    }

    [Fact]
    public async Task Search_hides_staff_only_needs_from_a_university_and_shows_them_to_staff_and_their_owner()
    {
        var owner = NewEnterprise();
        var staffOnly = WarpageNeed(owner, visibility: "staff-only");
        var anonymous = WarpageNeed(NewEnterprise(), visibility: "anonymous");
        await PublishAndWaitAsync(staffOnly);
        await PublishAndWaitAsync(anonymous);

        var forUniversity = await SearchAsync(NewUniversity(), "q=warpage");
        var forOtherEnterprise = await SearchAsync(NewEnterprise(), "q=warpage");
        var forStaff = await SearchAsync(NewStaff(), "q=warpage");
        var forOwner = await SearchAsync(owner, "q=warpage");

        Assert.Equal([anonymous.NeedId], forUniversity.Items.Select(i => i.Id));
        Assert.Equal(1, forUniversity.Total);
        Assert.Equal([anonymous.NeedId], forOtherEnterprise.Items.Select(i => i.Id));
        var both = new[] { anonymous.NeedId, staffOnly.NeedId }.Order();
        Assert.Equal(both, forStaff.Items.Select(i => i.Id).Order());
        Assert.Equal(both, forOwner.Items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task Search_counts_the_hits_per_sector()
    {
        await PublishAndWaitAsync(CoolingTechnology(NewUniversity(), sector: "moulds-dies"));
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise(), sector: "moulds-dies"));
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise(), sector: "plastics"));
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise(), visibility: "staff-only", sector: "plastics"));
        await PublishAndWaitAsync(BatteryTechnology(NewUniversity(), sector: "energy"));

        var forUniversity = await SearchAsync(NewUniversity(), "q=warpage");
        var forStaff = await SearchAsync(NewStaff(), "q=warpage");
        var needsOnly = await SearchAsync(NewStaff(), "q=warpage&type=need");

        Assert.Equal(new Dictionary<string, int> { ["moulds-dies"] = 2, ["plastics"] = 1 }, forUniversity.Facets.Sector);
        Assert.Equal(new Dictionary<string, int> { ["moulds-dies"] = 2, ["plastics"] = 2 }, forStaff.Facets.Sector);
        Assert.Equal(new Dictionary<string, int> { ["moulds-dies"] = 1, ["plastics"] = 2 }, needsOnly.Facets.Sector);
    }

    [Fact]
    public async Task Search_filters_by_minimum_trl()
    {
        var ready = CoolingTechnology(NewUniversity()) with { Trl = 7 };
        var early = CoolingTechnology(NewUniversity()) with { TechnologyId = Guid.NewGuid(), Trl = 3 };
        await PublishAndWaitAsync(ready);
        await PublishAndWaitAsync(early);

        var found = await SearchAsync(NewStaff(), "q=conformal&type=technology&minTrl=5");

        Assert.Equal([ready.TechnologyId], found.Items.Select(i => i.Id));
    }

    [Theory]
    [InlineData("type=patent", "type")]
    [InlineData("minTrl=0", "minTrl")]
    [InlineData("minTrl=10", "minTrl")]
    [InlineData("minTrl=high", "minTrl")]
    [InlineData("page=0", "page")]
    [InlineData("page=x", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("sector=widgets", "sector")]
    public async Task Search_rejects_a_bad_parameter_naming_it(string query, string field)
    {
        using var response = await SearchRawAsync(NewStaff(), $"q=warpage&{query}");

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Search_names_every_bad_parameter_at_once()
    {
        using var response = await SearchRawAsync(NewUniversity(), "type=x&minTrl=0&page=0&pageSize=1000");

        await AssertValidationProblemAsync(response, "type", "minTrl", "page", "pageSize");
    }

    [Fact]
    public async Task Search_without_words_lists_open_listings_newest_first()
    {
        var older = CoolingTechnology(NewUniversity(), minutes: 1);
        var newer = BatteryTechnology(NewUniversity()) with { OccurredAt = At(2) };
        await PublishAndWaitAsync(older);
        await PublishAndWaitAsync(newer);

        var all = await SearchAsync(NewStaff(), "type=technology");

        Assert.Equal([newer.TechnologyId, older.TechnologyId], all.Items.Select(i => i.Id));
    }
}

public sealed class SearchOnPostgresAndRabbitMq() : SearchTests(Setup.PostgresAndRabbitMq);

public sealed class SearchOnSqliteAndInMemoryBus() : SearchTests(Setup.SqliteAndInMemoryBus);
