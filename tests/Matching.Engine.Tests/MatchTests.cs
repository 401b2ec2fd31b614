namespace Matchmaking.Matching.Engine.Tests;

public sealed class MatchTests : IDisposable
{
    private readonly TempIndex _temp = new();

    private LuceneListingIndex Index => _temp.Index;

    public void Dispose() => _temp.Dispose();

    private static Listing CoolingTechnology() => Listings.Technology(
        "Conformal cooling channels for injection moulds",
        "Metal 3D printed mould inserts with conformal cooling reduce warpage and cycle time in injection moulding.",
        keywords: ["conformal cooling", "warpage"]);

    private static Listing WarpageNeed() => Listings.Need(
        "Warpage of injection moulded parts",
        "Our housings show warpage after injection moulding; we need better mould cooling.");

    [Fact]
    public void A_need_finds_the_technology_that_shares_its_terms()
    {
        var technology = CoolingTechnology();
        var unrelated = Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells.");
        Index.UpsertMany([technology, unrelated]);

        var candidates = Index.Match(WarpageNeed(), 10);

        var candidate = Assert.Single(candidates);
        Assert.Equal(technology.Id, candidate.Id);
        Assert.Equal(technology.OrganisationId, candidate.OrganisationId);
        Assert.True(candidate.Score > 0);
    }

    [Fact]
    public void A_technology_finds_needs_and_never_other_technologies()
    {
        var technology = CoolingTechnology();
        var similarTechnology = CoolingTechnology() with { Id = Guid.NewGuid() };
        var need = WarpageNeed();
        Index.UpsertMany([technology, similarTechnology, need]);

        var candidates = Index.Match(technology, 10);

        Assert.Equal([need.Id], candidates.Select(c => c.Id));
    }

    [Fact]
    public void A_need_is_offered_only_technologies_and_not_itself()
    {
        var need = WarpageNeed();
        var otherNeed = WarpageNeed() with { Id = Guid.NewGuid() };
        var technology = CoolingTechnology();
        Index.UpsertMany([need, otherNeed, technology]);

        var candidates = Index.Match(need, 10);

        Assert.Equal([technology.Id], candidates.Select(c => c.Id));
    }

    [Fact]
    public void A_listing_is_never_its_own_candidate_even_under_the_other_kind()
    {
        var technology = CoolingTechnology();
        Index.Upsert(technology);

        Assert.Empty(Index.Match(technology with { Kind = ListingKind.Need }, 10));
    }

    [Fact]
    public void Only_open_listings_are_candidates()
    {
        var open = CoolingTechnology();
        var withdrawn = CoolingTechnology() with { Id = Guid.NewGuid(), Open = false };
        Index.UpsertMany([open, withdrawn]);

        var candidates = Index.Match(WarpageNeed(), 10);

        Assert.Equal([open.Id], candidates.Select(c => c.Id));
    }

    [Fact]
    public void A_withdrawn_technology_drops_out_once_upserted_closed()
    {
        var technology = CoolingTechnology();
        Index.Upsert(technology);
        Assert.Single(Index.Match(WarpageNeed(), 10));

        Index.Upsert(technology with { Open = false });

        Assert.Empty(Index.Match(WarpageNeed(), 10));
    }

    [Fact]
    public void A_closed_need_drops_out_once_upserted_closed()
    {
        var need = WarpageNeed();
        var technology = CoolingTechnology();
        Index.UpsertMany([need, technology]);
        Assert.Single(Index.Match(technology, 10));

        Index.Upsert(need with { Open = false });

        Assert.Empty(Index.Match(technology, 10));
    }

    [Fact]
    public void All_visibilities_are_candidates_because_the_caller_filters_them()
    {
        var technology = CoolingTechnology();
        var staffOnly = WarpageNeed() with { Visibility = ListingVisibility.StaffOnly };
        var anonymous = WarpageNeed() with { Id = Guid.NewGuid(), Visibility = ListingVisibility.Anonymous };
        Index.UpsertMany([technology, staffOnly, anonymous]);

        var candidates = Index.Match(technology, 10);

        Assert.Equal(new HashSet<Guid> { staffOnly.Id, anonymous.Id }, candidates.Select(c => c.Id).ToHashSet());
    }

    [Fact]
    public void Nothing_matches_when_no_term_overlaps()
    {
        Index.Upsert(Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells."));

        Assert.Empty(Index.Match(WarpageNeed(), 10));
    }

    [Fact]
    public void Candidates_come_best_first_and_no_more_than_asked()
    {
        var strong = CoolingTechnology();
        var weak = Listings.Technology("Mould release agents", "A coating that helps parts leave the mould.");
        var weaker = Listings.Technology("Cooling towers", "Evaporative cooling for factory buildings.");
        Index.UpsertMany([weaker, weak, strong]);

        var all = Index.Match(WarpageNeed(), 10);
        var firstTwo = Index.Match(WarpageNeed(), 2);

        Assert.Equal(strong.Id, all[0].Id);
        Assert.Equal(all.OrderByDescending(c => c.Score).Select(c => c.Id), all.Select(c => c.Id));
        Assert.Equal(all.Take(2).Select(c => c.Id), firstTwo.Select(c => c.Id));
    }

    [Fact]
    public void The_explanation_names_the_shared_words_and_the_fields_they_matched_in()
    {
        Index.Upsert(CoolingTechnology());

        var explanation = Assert.Single(Index.Match(WarpageNeed(), 10)).Explanation;

        Assert.Contains("warpage", explanation.Terms);
        Assert.Contains("cooling", explanation.Terms);
        Assert.Contains("moulded", explanation.Terms); // the need's first spelling of the stem "mould", as written
        Assert.DoesNotContain("our", explanation.Terms);
        Assert.StartsWith("Matched on '", explanation.Summary);
        Assert.Contains("title", explanation.Summary);
        Assert.Contains("summary", explanation.Summary);
        Assert.EndsWith(".", explanation.Summary);
    }

    [Fact]
    public void The_feature_contributions_add_up_to_the_score()
    {
        Index.UpsertMany([CoolingTechnology(), Listings.Technology("Mould cooling", "Cooling water manifolds for moulds.", keywords: ["cooling"])]);

        var candidates = Index.Match(WarpageNeed(), 10);

        Assert.Equal(2, candidates.Count);
        foreach (var candidate in candidates)
        {
            var features = candidate.Explanation.Features;
            Assert.Equal(["body", "dictionary", "freshness", "glossary", "keywords", "sector", "symptoms", "title", "trl"], features.Keys.Order());
            Assert.All(features.Values, value => Assert.True(value >= 0));
            Assert.True(features["title"] > 0);
            Assert.Equal(candidate.Score, features.Values.Sum(), tolerance: candidate.Score * 1e-4);
        }
    }

    [Fact]
    public void A_shared_words_score_goes_to_the_fields_it_sits_in_as_often_as_it_stands_in_the_scored_text()
    {
        // "kalman" stands three times in the technology's scored text: twice for its title, once for its body.
        Index.UpsertMany(
        [
            Listings.Technology("Kalman filter", "A Kalman filter for lithium cells."),
            Listings.Technology("Lithium cells", "State of charge by a Kalman filter.", keywords: ["battery"]),
        ]);

        var candidates = Index.Match(Listings.Need("Kalman", "Kalman"), 10);

        var titleAndBody = candidates.Single(c => c.Explanation.Features["title"] > 0).Explanation.Features;
        Assert.Equal(2.0, titleAndBody["title"] / titleAndBody["body"], 6);
        Assert.Equal(0, titleAndBody["keywords"]);
        var bodyOnly = candidates.Single(c => c.Explanation.Features["title"] == 0).Explanation;
        Assert.True(bodyOnly.Features["body"] > 0);
        Assert.Equal(0, bodyOnly.Features["keywords"]);
        Assert.Contains("in summary", bodyOnly.Summary);

        var keywords = Index.Match(Listings.Need("Battery", "Battery"), 10);
        Assert.True(Assert.Single(keywords).Explanation.Features["keywords"] > 0);
    }

    [Fact]
    public void A_need_explained_to_a_technology_calls_its_body_the_problem()
    {
        var technology = CoolingTechnology();
        Index.UpsertMany([technology, Listings.Need("Cooling", "Mould cooling is slow and causes warpage.")]);

        var explanation = Assert.Single(Index.Match(technology, 10)).Explanation;

        Assert.Contains("problem", explanation.Summary);
    }

    [Fact]
    public void Chinese_text_matches_Chinese_text()
    {
        var technology = Listings.Technology(
            "注塑模具随形冷却技术",
            "采用金属3D打印制造带随形冷却水路的注塑模具镶件，缩短冷却时间并减少翘曲变形。",
            language: "zh-Hans");
        var unrelated = Listings.Technology("锂电池管理系统", "用于电动车电池的荷电状态估计。", language: "zh-Hans");
        Index.UpsertMany([technology, unrelated]);

        var need = Listings.Need("注塑件翘曲", "我们的注塑 模具 冷却 太慢，产品翘曲严重。", language: "zh-Hans");
        var candidates = Index.Match(need, 10);

        var candidate = Assert.Single(candidates);
        Assert.Equal(technology.Id, candidate.Id);
        Assert.Contains("注塑", candidate.Explanation.Terms);
        Assert.Contains("冷却", candidate.Explanation.Terms);
        Assert.Contains("模具", candidate.Explanation.Terms);
        Assert.DoesNotContain("的", candidate.Explanation.Terms);
    }

    [Fact]
    public void Mixed_Chinese_and_English_text_matches_on_both_languages()
    {
        var technology = Listings.Technology("PCB焊点检测", "Automated optical inspection (AOI) 用于 solder joint 缺陷检测。");
        Index.Upsert(technology);

        var english = Index.Match(Listings.Need("Solder joints", "We need inspection of solder joints."), 10);
        var chinese = Index.Match(Listings.Need("焊点", "需要焊点缺陷检测"), 10);

        Assert.Equal(technology.Id, Assert.Single(english).Id);
        Assert.Equal(technology.Id, Assert.Single(chinese).Id);
        Assert.Contains("焊点", chinese[0].Explanation.Terms);
    }

    [Fact]
    public void English_words_match_across_inflections()
    {
        var technology = Listings.Technology("Reducing warped parts", "Simulation predicts where parts warped.");
        Index.Upsert(technology);

        var candidates = Index.Match(Listings.Need("Warping", "Plastic warping problems."), 10);

        var candidate = Assert.Single(candidates);
        Assert.Equal(technology.Id, candidate.Id);
        Assert.Contains("warping", candidate.Explanation.Terms);
    }

    [Fact]
    public void English_stop_words_alone_match_nothing()
    {
        Index.Upsert(Listings.Technology("The best of the rest", "It is what it is."));

        Assert.Empty(Index.Match(Listings.Need("The", "it is the one"), 10));
    }
}
