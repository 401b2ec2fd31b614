namespace Matchmaking.Matching.Engine.Tests;

public sealed class SearchTests : IDisposable
{
    private static readonly Guid s_otherManufacturer = Guid.Parse("33333333-3333-3333-3333-333333333333");

    private readonly TempIndex _temp = new();
    private readonly Listing _mouldTechnology;
    private readonly Listing _batteryTechnology;
    private readonly Listing _closedTechnology;
    private readonly Listing _publicNeed;
    private readonly Listing _staffOnlyNeed;

    public SearchTests()
    {
        _mouldTechnology = Listings.Technology("Conformal cooling for moulds", "Cooling channels that follow the mould cavity.", sector: "plastics", trl: 7);
        _batteryTechnology = Listings.Technology("Battery cooling plates", "Liquid cooling for battery packs.", sector: "energy", trl: 4);
        _closedTechnology = Listings.Technology("Old cooling method", "Withdrawn cooling idea.", sector: "plastics", trl: 9, open: false);
        _publicNeed = Listings.Need("Faster mould cooling", "Cycle time is dominated by cooling.", sector: "plastics", minTrl: 6);
        _staffOnlyNeed = Listings.Need("Confidential cooling problem", "Cooling of a secret product.", sector: "plastics", minTrl: 5,
            visibility: ListingVisibility.StaffOnly, organisation: s_otherManufacturer);
        Index.UpsertMany([_mouldTechnology, _batteryTechnology, _closedTechnology, _publicNeed, _staffOnlyNeed]);
    }

    private LuceneListingIndex Index => _temp.Index;

    public void Dispose() => _temp.Dispose();

    private static SearchRequest Request(
        string? query = "cooling",
        ListingKind? kind = null,
        string? sector = null,
        int? minTrl = null,
        bool includeStaffOnly = false,
        Guid? viewer = null,
        int skip = 0,
        int take = 20) => new(query, kind, sector, minTrl, includeStaffOnly, viewer, skip, take);

    private static Guid[] Ids(SearchResult result) => result.Items.Select(hit => hit.Id).ToArray();

    [Fact]
    public void Search_finds_open_listings_of_both_kinds_but_hides_staff_only_needs()
    {
        var result = Index.Search(Request());

        Assert.Equal(3, result.Total);
        Assert.Equal(new HashSet<Guid> { _mouldTechnology.Id, _batteryTechnology.Id, _publicNeed.Id }, Ids(result).ToHashSet());
    }

    [Fact]
    public void Staff_see_staff_only_needs()
    {
        var result = Index.Search(Request(includeStaffOnly: true));

        Assert.Contains(_staffOnlyNeed.Id, Ids(result));
        Assert.Equal(4, result.Total);
    }

    [Fact]
    public void The_owner_sees_its_own_staff_only_need_and_nobody_else_does()
    {
        var owner = Index.Search(Request(viewer: s_otherManufacturer));
        var stranger = Index.Search(Request(viewer: Listings.Manufacturer));

        Assert.Contains(_staffOnlyNeed.Id, Ids(owner));
        Assert.DoesNotContain(_staffOnlyNeed.Id, Ids(stranger));
    }

    [Fact]
    public void Search_filters_on_kind()
    {
        var result = Index.Search(Request(kind: ListingKind.Need));

        Assert.Equal([_publicNeed.Id], Ids(result));
        Assert.All(result.Items, hit => Assert.Equal(ListingKind.Need, hit.Kind));
    }

    [Fact]
    public void Search_filters_on_sector()
    {
        var result = Index.Search(Request(sector: "energy"));

        Assert.Equal([_batteryTechnology.Id], Ids(result));
    }

    [Fact]
    public void Search_keeps_listings_at_or_above_the_minimum_trl()
    {
        var result = Index.Search(Request(minTrl: 6));

        Assert.Equal(new HashSet<Guid> { _mouldTechnology.Id, _publicNeed.Id }, Ids(result).ToHashSet());
    }

    [Fact]
    public void Sector_facets_count_every_filtered_hit_not_just_the_page()
    {
        var result = Index.Search(Request(take: 1));

        Assert.Equal(3, result.Total);
        Assert.Single(result.Items);
        Assert.Equal(new Dictionary<string, int> { ["plastics"] = 2, ["energy"] = 1 }, result.SectorFacets);
    }

    [Fact]
    public void Paging_skips_and_takes_in_rank_order()
    {
        var all = Ids(Index.Search(Request()));
        var second = Ids(Index.Search(Request(skip: 1, take: 1)));

        Assert.Equal([all[1]], second);
    }

    [Fact]
    public void Search_ranks_listings_with_all_the_words_above_those_with_some()
    {
        var result = Index.Search(Request(query: "mould cooling"));

        Assert.Equal(new HashSet<Guid> { _mouldTechnology.Id, _publicNeed.Id }, Ids(result).Take(2).ToHashSet());
        Assert.Equal(_batteryTechnology.Id, result.Items[^1].Id);
        Assert.Equal(result.Items.OrderByDescending(hit => hit.Score).Select(hit => hit.Id), Ids(result));
        Assert.All(result.Items, hit => Assert.True(hit.Score > 0));
    }

    [Fact]
    public void An_empty_query_lists_everything_visible_newest_first()
    {
        var result = Index.Search(Request(query: "  "));

        Assert.Equal([_publicNeed.Id, _batteryTechnology.Id, _mouldTechnology.Id], Ids(result));
    }

    [Fact]
    public void A_query_of_unknown_words_finds_nothing()
    {
        var result = Index.Search(Request(query: "zeppelin"));

        Assert.Equal(0, result.Total);
        Assert.Empty(result.Items);
        Assert.Empty(result.SectorFacets);
    }

    [Fact]
    public void Hits_carry_title_language_visibility_and_a_plain_text_snippet()
    {
        var longBody = string.Join(' ', Enumerable.Repeat("Filler sentence about general manufacturing practice.", 20)) +
            " The key point: nozzle clogging in fused filament printers.";
        var technology = Listings.Technology("Printer nozzles", longBody, sector: "printing");
        Index.Upsert(technology);

        var hit = Assert.Single(Index.Search(Request(query: "clogging", sector: "printing")).Items);

        Assert.Equal("Printer nozzles", hit.Title);
        Assert.Equal("en", hit.Language);
        Assert.Equal(ListingVisibility.Public, hit.Visibility);
        Assert.Contains("clogging", hit.Snippet);
        Assert.DoesNotContain("<", hit.Snippet);
        Assert.True(hit.Snippet.Length <= 260, hit.Snippet);
    }

    [Fact]
    public void Without_a_query_the_snippet_is_the_start_of_the_body()
    {
        var technology = Listings.Technology("Long one", string.Join(' ', Enumerable.Repeat("word", 200)), sector: "long");

        Index.Upsert(technology);
        var hit = Assert.Single(Index.Search(Request(query: null, sector: "long")).Items);

        Assert.StartsWith("word word", hit.Snippet);
        Assert.EndsWith("…", hit.Snippet);
        Assert.True(hit.Snippet.Length <= 201);
    }

    [Fact]
    public void Search_finds_Chinese_listings_by_Chinese_words()
    {
        var technology = Listings.Technology("注塑模具随形冷却", "缩短冷却时间，减少翘曲。", sector: "chinese", language: "zh-Hans");
        Index.Upsert(technology);

        var result = Index.Search(Request(query: "翘曲", sector: "chinese"));

        Assert.Equal([technology.Id], Ids(result));
        Assert.Contains("翘曲", result.Items[0].Snippet);
    }
}
