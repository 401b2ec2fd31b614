namespace Matchmaking.Matching.Engine.Tests;

public sealed class RecentProfilesTests
{
    private static readonly ListingProfile s_profile = new([], []);

    [Fact]
    public void A_profile_is_found_for_the_same_listing_object_only()
    {
        var recent = new RecentProfiles(capacity: 4);
        var listing = Listings.Need("Warping housings", "Housings warp after cooling.");
        recent.Add(listing, s_profile);

        Assert.Same(s_profile, recent.Get(listing));
        var equal = listing with { };
        Assert.Equal(listing, equal);
        Assert.Null(recent.Get(equal));
    }

    [Fact]
    public void The_oldest_listing_goes_when_the_capacity_is_passed()
    {
        var recent = new RecentProfiles(capacity: 2);
        var listings = Enumerable.Range(0, 3).Select(i => Listings.Need($"Need {i}", "Body")).ToList();
        foreach (var listing in listings)
        {
            recent.Add(listing, s_profile);
        }

        Assert.Null(recent.Get(listings[0]));
        Assert.NotNull(recent.Get(listings[1]));
        Assert.NotNull(recent.Get(listings[2]));
    }

    [Fact]
    public void A_listing_just_indexed_matches_as_a_copy_of_it_does()
    {
        using var temp = new TempIndex();
        var technologies = new[]
        {
            Listings.Technology("Conformal cooling for injection moulds", "Cooling channels follow the cavity, so moulded parts warp less."),
            Listings.Technology("注塑模具随形冷却", "冷却水路贴合型腔，减少翘曲变形。", language: "zh-Hans"),
        };
        var need = Listings.Need("注塑件冷卻後變形", "我哋啲注塑件冷卻之後翹曲，模具冷卻唔均勻。", language: "zh-Hant");
        temp.Index.UpsertMany([.. technologies, need]);

        var indexed = temp.Index.Match(need, 10);
        var copy = temp.Index.Match(need with { }, 10);

        // Freshness moves with the clock between the two matches, by far less than a millionth.
        Assert.Equal(2, indexed.Count);
        Assert.Equal(copy.Select(c => (c.Id, c.Explanation.Summary)), indexed.Select(c => (c.Id, c.Explanation.Summary)));
        Assert.All(indexed.Zip(copy), pair => Assert.Equal(pair.Second.Score, pair.First.Score, 1e-6));
    }
}
