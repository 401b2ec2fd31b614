namespace Matchmaking.Matching.Engine.Tests;

public sealed class IndexStorageTests : IDisposable
{
    private readonly TempIndex _temp = new();

    private LuceneListingIndex Index => _temp.Index;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_listing_reads_back_exactly_as_it_was_upserted()
    {
        var need = Listings.Need(
            "Warpage in thin-wall housings",
            "Our injection-moulded housings warp after ejection.",
            keywords: ["warpage", "injection moulding"],
            sector: "plastics",
            minTrl: 6,
            visibility: ListingVisibility.Anonymous,
            language: "en");

        Index.Upsert(need);
        var stored = Index.Get(need.Id);

        Assert.NotNull(stored);
        Assert.Equal(need with { Keywords = [] }, stored with { Keywords = [] });
        Assert.Equal(need.Keywords, stored.Keywords);
        Assert.Equal(need.UpdatedAt.Offset, stored.UpdatedAt.Offset);
    }

    [Fact]
    public void A_listing_without_sector_trl_or_keywords_reads_back_with_them_empty()
    {
        var technology = Listings.Technology("Bare", "Nothing else known.", sector: null, trl: null);

        Index.Upsert(technology);
        var stored = Index.Get(technology.Id);

        Assert.NotNull(stored);
        Assert.Null(stored.Sector);
        Assert.Null(stored.Trl);
        Assert.Empty(stored.Keywords);
    }

    [Fact]
    public void Upserting_the_same_id_again_replaces_the_listing()
    {
        var technology = Listings.Technology("First title", "First body");
        Index.Upsert(technology);

        Index.Upsert(technology with { Title = "Second title" });

        Assert.Equal("Second title", Index.Get(technology.Id)?.Title);
        Assert.Equal(1, Index.Count(ListingKind.Technology));
    }

    [Fact]
    public void A_listing_given_twice_in_one_batch_ends_as_its_last_copy()
    {
        var technology = Listings.Technology("First title", "First body");
        var others = Enumerable.Range(0, 600).Select(i => Listings.Technology($"Other {i}", "Filler")).ToList();

        Index.UpsertMany([technology, .. others, technology with { Title = "Last title" }]);

        Assert.Equal("Last title", Index.Get(technology.Id)?.Title);
        Assert.Equal(601, Index.Count(ListingKind.Technology));
    }

    [Fact]
    public void A_deleted_listing_is_gone()
    {
        var technology = Listings.Technology("Conformal cooling", "Cooling channels printed in the mould.");
        Index.Upsert(technology);

        Index.Delete(technology.Id);

        Assert.Null(Index.Get(technology.Id));
        Assert.Equal(0, Index.Count(ListingKind.Technology));
    }

    [Fact]
    public void Counts_are_kept_per_kind_and_clear_empties_the_index()
    {
        Index.UpsertMany(
        [
            Listings.Technology("One", "a"),
            Listings.Technology("Two", "b"),
            Listings.Need("Three", "c"),
        ]);

        Assert.Equal(2, Index.Count(ListingKind.Technology));
        Assert.Equal(1, Index.Count(ListingKind.Need));

        Index.Clear();

        Assert.Equal(0, Index.Count(ListingKind.Technology));
        Assert.Equal(0, Index.Count(ListingKind.Need));
    }

    [Fact]
    public void Listings_survive_closing_and_reopening_the_index()
    {
        var technology = Listings.Technology("Durable", "Written before a restart.");
        Index.Upsert(technology);

        _temp.Reopen();

        Assert.Equal("Durable", Index.Get(technology.Id)?.Title);
    }

    [Fact]
    public void A_disposed_index_refuses_work_and_can_be_disposed_twice()
    {
        var temp = new TempIndex();
        temp.Index.Dispose();

        Assert.Throws<ObjectDisposedException>(() => temp.Index.Get(Guid.NewGuid()));
        temp.Dispose();
    }
}
