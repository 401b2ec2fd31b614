namespace Matchmaking.Matching.Engine.Tests;

// Each indexing thread builds its documents from one set of reused fields (ListingDocument.ReusableFields): a listing
// must read back as itself, never with a value left over from the listing indexed before it on the same thread.
public sealed class ReusedFieldsTests
{
    [Fact]
    public void Listings_indexed_one_after_another_keep_their_own_values()
    {
        using var temp = new TempIndex();
        var full = Listings.Technology(
            "Conformal cooling channels for injection moulds", "Printed channels follow the cavity.",
            keywords: ["conformal cooling", "injection moulding"], sector: "advanced-manufacturing", trl: 6);
        var bare = Listings.Need("注塑件冷却后变形", "我们的注塑件冷却后出现翘曲。", sector: null, minTrl: null);
        var other = Listings.Technology("Solder joint inspection", "Automated optical inspection of SMT joints.", sector: "electronics", trl: 3);

        // Single upserts run on this thread; the batch's listings on whichever threads the batch is spread over.
        temp.Index.Upsert(full);
        temp.Index.Upsert(bare);
        temp.Index.UpsertMany([other, full with { Id = Guid.NewGuid() }, bare with { Id = Guid.NewGuid() }]);

        foreach (var listing in new[] { full, bare, other })
        {
            var read = temp.Index.Get(listing.Id);
            Assert.NotNull(read);
            Assert.Equal(listing.Title, read.Title);
            Assert.Equal(listing.Body, read.Body);
            Assert.Equal(listing.Keywords, read.Keywords);
            Assert.Equal(listing.Sector, read.Sector);
            Assert.Equal(listing.Trl, read.Trl);
            Assert.Equal(listing.Kind, read.Kind);
            Assert.Equal(listing.Language, read.Language);
        }

        // The bare need's document has no sector or TRL terms of the full technology's: a search filtered on them
        // finds only listings that have them.
        var bySector = temp.Index.Search(new SearchRequest(null, null, "advanced-manufacturing", null, IncludeStaffOnly: true, null, 0, 10));
        Assert.Equal(2, bySector.Total);
        Assert.All(bySector.Items, hit => Assert.Equal(ListingKind.Technology, hit.Kind));
        var byTrl = temp.Index.Search(new SearchRequest(null, null, null, 5, IncludeStaffOnly: true, null, 0, 10));
        Assert.Equal(2, byTrl.Total);
    }
}
