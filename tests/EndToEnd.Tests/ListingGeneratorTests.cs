using System.Text.Json;
using Matchmaking.Benchmarks;
using Matchmaking.Matching.Engine;
using Matchmaking.Text;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>The benchmark's listings: made from the seeds, the same for the same seed, in every language of the seeds.</summary>
public sealed class ListingGeneratorTests
{
    private static readonly SeedCorpus s_corpus = SeedCorpus.Load(SeedCorpus.FindDirectory());

    // Records compare their keyword lists by reference; JSON compares what they hold.
    private static List<string> Snapshot(IEnumerable<Listing> listings) => listings.Select(l => JsonSerializer.Serialize(l)).ToList();

    [Fact]
    public void The_same_seed_gives_the_same_listings_and_queries()
    {
        var first = new ListingGenerator(s_corpus, seed: 7);
        var second = new ListingGenerator(s_corpus, seed: 7);

        Assert.Equal(Snapshot(first.Generate(ListingKind.Technology, 50)), Snapshot(second.Generate(ListingKind.Technology, 50)));
        Assert.Equal(Snapshot(first.Generate(ListingKind.Need, 50)), Snapshot(second.Generate(ListingKind.Need, 50)));
        Assert.Equal(first.NextSearchQuery(), second.NextSearchQuery());
    }

    [Fact]
    public void Another_seed_gives_other_listings()
    {
        var one = Snapshot(new ListingGenerator(s_corpus, seed: 7).Generate(ListingKind.Need, 20));
        var other = Snapshot(new ListingGenerator(s_corpus, seed: 8).Generate(ListingKind.Need, 20));

        Assert.NotEqual(one, other);
    }

    [Fact]
    public void It_makes_the_requested_number_of_each_kind_with_distinct_ids()
    {
        var generator = new ListingGenerator(s_corpus, seed: 1);

        var technologies = generator.Generate(ListingKind.Technology, 1_000).ToList();
        var needs = generator.Generate(ListingKind.Need, 700).ToList();

        Assert.Equal(1_000, technologies.Count);
        Assert.Equal(700, needs.Count);
        Assert.All(technologies, t => Assert.Equal(ListingKind.Technology, t.Kind));
        Assert.All(needs, n => Assert.Equal(ListingKind.Need, n.Kind));
        Assert.Equal(1_700, technologies.Concat(needs).Select(l => l.Id).Distinct().Count());
    }

    [Fact]
    public void Listings_come_in_English_and_Chinese_with_text_in_the_stated_script()
    {
        var generator = new ListingGenerator(s_corpus, seed: 3);
        var listings = generator.Generate(ListingKind.Technology, 500).Concat(generator.Generate(ListingKind.Need, 500)).ToList();

        foreach (var kind in new[] { ListingKind.Technology, ListingKind.Need })
        {
            Assert.Contains(listings, l => l.Kind == kind && l.Language == "en");
            Assert.Contains(listings, l => l.Kind == kind && l.Language.StartsWith("zh", StringComparison.Ordinal));
        }

        Assert.All(listings, l => Assert.Equal(l.Language != "en", Scripts.ContainsHan(l.Body)));
        Assert.Contains(listings, l => l.Language == "zh-Hant");
        Assert.Contains(listings, l => l.Language == "zh-Hans");
    }

    [Fact]
    public void Listings_are_varied_and_carry_what_the_engine_filters_on()
    {
        var generator = new ListingGenerator(s_corpus, seed: 5);
        var listings = generator.Generate(ListingKind.Technology, 300).Concat(generator.Generate(ListingKind.Need, 300)).ToList();

        // Recombined, not copied: far more distinct bodies and titles than there are seed listings.
        Assert.True(listings.Select(l => l.Body).Distinct().Count() > 500);
        Assert.True(listings.Select(l => l.Title).Distinct().Count() > s_corpus.Listings.Count);
        Assert.All(listings, l => Assert.True(l.Open));
        Assert.All(listings, l => Assert.InRange(l.Keywords.Count, 1, 7));
        Assert.All(listings, l => Assert.Contains(l.Sector, s_corpus.Sectors));
        Assert.All(listings.Where(l => l.Kind == ListingKind.Technology), t => Assert.InRange(t.Trl ?? 0, 1, 9));
        Assert.All(listings.Where(l => l.Kind == ListingKind.Technology), t => Assert.Equal(ListingVisibility.Public, t.Visibility));
        Assert.Equal(
            [ListingVisibility.Anonymous, ListingVisibility.Public, ListingVisibility.StaffOnly],
            listings.Where(l => l.Kind == ListingKind.Need).Select(n => n.Visibility).Distinct().Order(StringComparer.Ordinal));
        Assert.True(listings.Select(l => l.OrganisationId).Distinct().Count() > 50);
    }
}
