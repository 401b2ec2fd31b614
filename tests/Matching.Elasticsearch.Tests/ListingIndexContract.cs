using Matchmaking.Matching.Engine;

namespace Matchmaking.Matching.Elasticsearch.Tests;

/// <summary>
/// What every <see cref="IListingIndex"/> must do, run against each adapter (Lucene on disk, Elasticsearch where a
/// server is found). Each test gets an empty index of its own.
/// </summary>
public abstract class ListingIndexContract : IAsyncLifetime
{
    private IListingIndex? _index;
    private string? _unavailable;

    /// <summary>A new, empty index; or null and why this adapter cannot run here (the tests then skip, saying so).</summary>
    protected abstract ValueTask<(IListingIndex? Index, string? Unavailable)> CreateAsync();

    protected virtual ValueTask DestroyAsync(IListingIndex index) => ValueTask.CompletedTask;

    protected IListingIndex Index
    {
        get
        {
            if (_index is null)
            {
                Assert.Skip(_unavailable ?? "The index was not created.");
            }

            return _index;
        }
    }

    public async ValueTask InitializeAsync() => (_index, _unavailable) = await CreateAsync();

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await DestroyAsync(_index);
            _index.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private static SearchRequest Request(
        string? query, ListingKind? kind = null, string? sector = null, int? minTrl = null, bool includeStaffOnly = false,
        Guid? viewer = null, int skip = 0, int take = 20) => new(query, kind, sector, minTrl, includeStaffOnly, viewer, skip, take);

    private static Guid[] Ids(SearchResult result) => result.Items.Select(hit => hit.Id).ToArray();

    [Fact]
    public void An_upserted_listing_reads_back_whole()
    {
        var need = Listings.Need("Faster mould cooling", "Cycle time is dominated by cooling.", ["cooling", "moulds"],
            sector: "plastics", minTrl: 6, visibility: ListingVisibility.Anonymous, language: "en");
        Index.Upsert(need);

        var read = Index.Get(need.Id);

        Assert.NotNull(read);
        Assert.Equal(need with { Keywords = [] }, read with { Keywords = [] });
        Assert.Equal(need.Keywords, read.Keywords);
        Assert.Equal(need.UpdatedAt.Offset, read.UpdatedAt.Offset);
        Assert.Null(Index.Get(Guid.NewGuid()));
    }

    [Fact]
    public void Upsert_replaces_the_listing_with_the_same_id()
    {
        var technology = Listings.Technology("Conformal cooling", "Cooling channels that follow the cavity.");
        Index.Upsert(technology);

        Index.Upsert(technology with { Title = "Laser welding of polymers", Body = "Joins housings without adhesive.", Open = false });

        Assert.Equal("Laser welding of polymers", Index.Get(technology.Id)!.Title);
        Assert.Equal(1, Index.Count(ListingKind.Technology));
        Assert.Empty(Index.Search(Request("cooling")).Items);
        Assert.Empty(Index.Search(Request("welding")).Items);
    }

    [Fact]
    public void Delete_removes_a_listing_and_ignores_an_unknown_id()
    {
        var kept = Listings.Technology("Battery cooling plates", "Liquid cooling for battery packs.");
        var deleted = Listings.Technology("Mould cooling", "Cooling channels for moulds.");
        Index.UpsertMany([kept, deleted]);

        Index.Delete(deleted.Id);
        Index.Delete(Guid.NewGuid());

        Assert.Null(Index.Get(deleted.Id));
        Assert.NotNull(Index.Get(kept.Id));
        Assert.Equal([kept.Id], Ids(Index.Search(Request("cooling"))));
    }

    [Fact]
    public void Count_counts_each_kind_open_or_not_and_clear_empties_the_index()
    {
        Index.UpsertMany([
            Listings.Technology("A", "Cooling."),
            Listings.Technology("B", "Cooling.", open: false),
            Listings.Need("C", "Cooling."),
        ]);

        Assert.Equal(2, Index.Count(ListingKind.Technology));
        Assert.Equal(1, Index.Count(ListingKind.Need));
        Assert.False(Index.NeedsRebuild, "an index written by this engine needs no rebuild");

        Index.Clear();

        Assert.Equal(0, Index.Count(ListingKind.Technology) + Index.Count(ListingKind.Need));
        Assert.Equal(0, Index.Search(Request(null)).Total);
    }

    [Fact]
    public void UpsertMany_keeps_the_last_copy_of_a_listing_given_twice()
    {
        var first = Listings.Technology("Old title", "Cooling.");
        Index.UpsertMany([first, first with { Title = "New title" }]);

        Assert.Equal("New title", Index.Get(first.Id)!.Title);
        Assert.Equal(1, Index.Count(ListingKind.Technology));
    }

    [Fact]
    public void Search_ranks_listings_with_all_the_words_above_those_with_some()
    {
        var both = Listings.Technology("Conformal cooling of moulds", "Cooling channels for injection moulds.");
        var one = Listings.Technology("Battery cooling", "Cooling for battery packs.");
        var none = Listings.Technology("Laser welding", "Joins polymer housings.");
        Index.UpsertMany([one, none, both]);

        var result = Index.Search(Request("mould cooling"));

        Assert.Equal([both.Id, one.Id], Ids(result));
        Assert.Equal(2, result.Total);
        Assert.True(result.Items[0].Score > result.Items[1].Score);
        Assert.Equal("Conformal cooling of moulds", result.Items[0].Title);
    }

    [Fact]
    public void Search_finds_Chinese_listings_by_Chinese_words_with_a_snippet_around_them()
    {
        var chinese = Listings.Technology("注塑模具随形冷却", "随形冷却水路缩短冷却时间，减少翘曲。", sector: "plastics", language: "zh-Hans");
        var english = Listings.Technology("Laser welding", "Joins polymer housings.", sector: "plastics");
        Index.UpsertMany([chinese, english]);

        var result = Index.Search(Request("翘曲"));

        Assert.Equal([chinese.Id], Ids(result));
        Assert.Contains("翘曲", result.Items[0].Snippet);
        Assert.Equal("zh-Hans", result.Items[0].Language);
    }

    [Fact]
    public void Search_crosses_languages_through_the_glossary()
    {
        var english = Listings.Technology("Warpage prediction for injection moulding", "Simulation predicts warpage of moulded parts.", sector: "plastics");
        var unrelated = Listings.Technology("Battery cooling", "Liquid cooling for battery packs.", sector: "energy");
        Index.UpsertMany([english, unrelated]);

        var result = Index.Search(Request("翹曲"));

        Assert.Equal(english.Id, Assert.Single(result.Items).Id);
    }

    [Fact]
    public void Sector_facets_count_every_filtered_hit_not_just_the_page()
    {
        Index.UpsertMany([
            Listings.Technology("Cooling one", "Cooling.", sector: "plastics"),
            Listings.Technology("Cooling two", "Cooling.", sector: "plastics"),
            Listings.Technology("Cooling three", "Cooling.", sector: "energy"),
            Listings.Technology("Cooling closed", "Cooling.", sector: "energy", open: false),
            Listings.Technology("Welding", "Joins.", sector: "automotive"),
        ]);

        var result = Index.Search(Request("cooling", take: 1));

        Assert.Single(result.Items);
        Assert.Equal(3, result.Total);
        Assert.Equal(new Dictionary<string, int> { ["plastics"] = 2, ["energy"] = 1 }, result.SectorFacets);
        Assert.Equal(["plastics", "energy"], result.SectorFacets.Keys);
    }

    [Fact]
    public void Staff_only_needs_are_found_by_staff_and_their_owner_only_and_closed_listings_by_nobody()
    {
        var open = Listings.Need("Public cooling problem", "Cooling is slow.");
        var staffOnly = Listings.Need("Confidential cooling problem", "Cooling of a secret product.",
            visibility: ListingVisibility.StaffOnly, organisation: Listings.OtherManufacturer);
        var closed = Listings.Need("Closed cooling problem", "Cooling solved.", open: false);
        Index.UpsertMany([open, staffOnly, closed]);

        foreach (var query in new[] { "cooling", null })
        {
            Assert.Equal([open.Id], Ids(Index.Search(Request(query))));
            Assert.Equal([open.Id], Ids(Index.Search(Request(query, viewer: Listings.Manufacturer))));
            Assert.Equal(new[] { open.Id, staffOnly.Id }.Order(), Ids(Index.Search(Request(query, viewer: Listings.OtherManufacturer))).Order());
            Assert.Equal(new[] { open.Id, staffOnly.Id }.Order(), Ids(Index.Search(Request(query, includeStaffOnly: true))).Order());
        }
    }

    [Fact]
    public void Search_filters_on_kind_sector_and_minimum_trl()
    {
        var plastics = Listings.Technology("Cooling for moulds", "Cooling.", sector: "plastics", trl: 7);
        var energy = Listings.Technology("Cooling for batteries", "Cooling.", sector: "energy", trl: 3);
        var need = Listings.Need("Cooling wanted", "Cooling.", sector: "plastics", minTrl: 5);
        Index.UpsertMany([plastics, energy, need]);

        Assert.Equal([need.Id], Ids(Index.Search(Request("cooling", kind: ListingKind.Need))));
        Assert.Equal(new[] { plastics.Id, need.Id }.Order(), Ids(Index.Search(Request("cooling", sector: "plastics"))).Order());
        Assert.Equal(new[] { plastics.Id, need.Id }.Order(), Ids(Index.Search(Request("cooling", minTrl: 5))).Order());
        Assert.Equal([plastics.Id], Ids(Index.Search(Request(null, kind: ListingKind.Technology, minTrl: 5))));
    }

    [Fact]
    public void An_empty_query_lists_everything_visible_newest_first_and_pages_never_overlap()
    {
        var listings = Enumerable.Range(0, 7).Select(i => Listings.Technology($"Listing {i}", "Cooling.")).ToList();
        Index.UpsertMany(listings);

        var all = Index.Search(Request(null, take: 100));
        var paged = Enumerable.Range(0, 4).SelectMany(page => Ids(Index.Search(Request(null, skip: page * 2, take: 2)))).ToArray();

        Assert.Equal(listings.Select(l => l.Id).Reverse(), Ids(all));
        Assert.Equal(Ids(all), paged);
        Assert.Equal(7, all.Total);
    }

    [Fact]
    public void Ranked_order_is_stable_across_repeats_and_pages()
    {
        // Equal texts tie on score: the order must still be one order, and pages must partition it.
        var listings = Enumerable.Range(0, 9).Select(i => Listings.Technology($"Mould cooling {i % 3}", "Cooling channels.")).ToList();
        Index.UpsertMany(listings);

        var first = Ids(Index.Search(Request("mould cooling", take: 100)));
        var again = Ids(Index.Search(Request("mould cooling", take: 100)));
        var paged = Enumerable.Range(0, 3).SelectMany(page => Ids(Index.Search(Request("mould cooling", skip: page * 3, take: 3)))).ToArray();

        Assert.Equal(9, first.Length);
        Assert.Equal(first, again);
        Assert.Equal(first, paged);
    }

    [Fact]
    public void Match_returns_open_listings_of_the_other_kind_of_every_visibility_best_first_and_explained()
    {
        var technology = Listings.Technology("Conformal cooling for injection moulds",
            "Metal 3D printed mould inserts with conformal cooling reduce warpage and cycle time in injection moulding.",
            ["conformal cooling", "warpage"], sector: "plastics", trl: 6);
        var best = Listings.Need("Warpage in moulded housings",
            "Our housings show warpage after injection moulding; we need better mould cooling.", sector: "plastics", minTrl: 5);
        var staffOnly = Listings.Need("Slow mould cooling", "Cooling of our moulds is slow.",
            visibility: ListingVisibility.StaffOnly, organisation: Listings.OtherManufacturer);
        var closed = Listings.Need("Closed warpage problem", "Warpage after injection moulding.", open: false);
        var sameKind = Listings.Technology("Mould cooling inserts", "Conformal cooling reduces warpage in injection moulding.");
        var unrelated = Listings.Need("Battery recycling", "Recovering lithium from spent cells.");
        Index.UpsertMany([technology, best, staffOnly, closed, sameKind, unrelated]);

        var candidates = Index.Match(technology, 10);

        Assert.Equal([best.Id, staffOnly.Id], candidates.Select(c => c.Id));
        Assert.Equal(best.OrganisationId, candidates[0].OrganisationId);
        Assert.True(candidates[0].Score > candidates[1].Score);
        Assert.Contains("warpage", candidates[0].Explanation.Terms);
        Assert.Equal(candidates[0].Score, candidates[0].Explanation.Features.Values.Sum(), 6);
        Assert.Equal(1.0, candidates[0].Features.Text + candidates[0].Features.Glossary + candidates[0].Features.Dictionary + candidates[0].Features.Symptoms, 6);
        Assert.Single(Index.Match(technology, 1));
        Assert.Empty(Index.Match(technology, 0));
    }

    [Fact]
    public void A_Chinese_need_finds_an_English_technology_through_the_glossary()
    {
        var technology = Listings.Technology("Warpage control for injection moulding",
            "Conformal cooling reduces warpage of moulded parts.", sector: "plastics");
        var unrelated = Listings.Technology("Battery recycling", "Recovering lithium from spent cells.", sector: "energy");
        Index.UpsertMany([technology, unrelated]);

        var candidates = Index.Match(Listings.Need("注塑件翹曲", "外殼啤出嚟翹曲。", sector: "plastics", language: "zh-Hant"), 10);

        var candidate = Assert.Single(candidates);
        Assert.Equal(technology.Id, candidate.Id);
        Assert.Contains("翹曲 → warpage (glossary, plastics)", candidate.Explanation.Bridges);
    }

    [Fact]
    public async Task Concurrent_writes_and_reads_lose_nothing()
    {
        var listings = Enumerable.Range(0, 40)
            .Select(i => i % 2 == 0
                ? Listings.Technology($"Cooling technology {i}", "Mould cooling channels.")
                : Listings.Need($"Cooling need {i}", "Our mould cooling is slow."))
            .ToList();
        var cancellation = TestContext.Current.CancellationToken;

        var writers = listings.Chunk(10).Select(chunk => Task.Run(() =>
        {
            foreach (var listing in chunk)
            {
                Index.Upsert(listing);
                Assert.NotNull(Index.Get(listing.Id));
            }
        }, cancellation));
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.True(Index.Search(Request("cooling")).Total <= listings.Count);
                Index.Match(listings[0], 5);
            }
        }, cancellation));
        await Task.WhenAll(writers.Concat(readers));

        Assert.Equal(20, Index.Count(ListingKind.Technology));
        Assert.Equal(20, Index.Count(ListingKind.Need));
        Assert.Equal(40, Index.Search(Request("cooling", take: 100)).Total);
    }
}

/// <summary>The contract on the embedded Lucene index, on disk in a temporary folder: runs everywhere.</summary>
public sealed class LuceneListingIndexContractTests : ListingIndexContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"matching-contract-{Guid.NewGuid():N}");

    protected override ValueTask<(IListingIndex? Index, string? Unavailable)> CreateAsync() =>
        ValueTask.FromResult<(IListingIndex?, string?)>((new LuceneListingIndex(_folder), null));

    protected override ValueTask DestroyAsync(IListingIndex index)
    {
        index.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The contract on Elasticsearch (<see cref="ElasticsearchServer"/>): an index of its own per test, deleted after.
/// Skips, saying why, where no server can be found.
/// </summary>
public sealed class ElasticsearchListingIndexContractTests : ListingIndexContract
{
    private ElasticsearchIndexOptions? _options;

    protected override async ValueTask<(IListingIndex? Index, string? Unavailable)> CreateAsync()
    {
        var (url, unavailable) = await ElasticsearchServer.UrlAsync();
        if (url is null)
        {
            return (null, unavailable);
        }

        _options = new ElasticsearchIndexOptions { Url = url, IndexPrefix = $"contract-{Guid.NewGuid():N}" };
        return (new ElasticsearchListingIndex(_options), null);
    }

    // Nothing is left behind on a shared server.
    protected override async ValueTask DestroyAsync(IListingIndex index)
    {
        if (_options is not null)
        {
            await ElasticsearchListingIndex.CreateClient(_options).Indices.DeleteAsync(_options.IndexName, TestContext.Current.CancellationToken);
        }
    }
}
