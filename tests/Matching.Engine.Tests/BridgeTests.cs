namespace Matchmaking.Matching.Engine.Tests;

public sealed class BridgeTests : IDisposable
{
    private readonly TempIndex _temp = new();

    private LuceneListingIndex Index => _temp.Index;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Traditional_and_Simplified_Chinese_meet_on_the_same_words()
    {
        var simplified = Listings.Technology("注塑件翘曲控制", "优化模具冷却，减少注塑件翘曲。", language: "zh-Hans");
        var unrelated = Listings.Technology("锂电池管理系统", "用于电动车电池的荷电状态估计。", language: "zh-Hans");
        Index.UpsertMany([simplified, unrelated]);

        var candidates = Index.Match(Listings.Need("注塑件翹曲", "我們的注塑件冷卻後翹曲嚴重。", language: "zh-Hant"), 10);

        Assert.Equal(simplified.Id, candidates[0].Id);
        Assert.Contains("翹曲", candidates[0].Explanation.Terms);
    }

    [Fact]
    public void Written_Cantonese_is_read_as_Mandarin()
    {
        var technology = Listings.Technology("注塑件缩水控制", "通过保压优化减少注塑件缩水和凹痕。", language: "zh-Hans");
        var unrelated = Listings.Technology("服装面料缩水", "纺织面料洗涤后缩水的预缩处理。", language: "zh-Hans");
        Index.UpsertMany([technology, unrelated]);

        // 啤件 is HK factory Cantonese for 注塑件 (moulded part); 我哋, 嘅 and 咗 are Cantonese grammar words.
        var candidates = Index.Match(Listings.Need("啤件縮水", "我哋嘅啤件啤咗出嚟成日縮水。", language: "zh-Hant"), 10);

        Assert.Equal(technology.Id, candidates[0].Id);
        Assert.Contains("啤件", candidates[0].Explanation.Terms);
        Assert.DoesNotContain("我哋", candidates[0].Explanation.Terms);
    }

    [Fact]
    public void A_Chinese_need_finds_an_English_technology_through_the_glossary_and_says_so()
    {
        var technology = Listings.Technology("Warpage control for injection moulded parts", "Simulation-guided mould design that keeps housings flat.", sector: "plastics");
        var unrelated = Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells.", sector: "batteries-energy-storage");
        Index.UpsertMany([technology, unrelated]);

        var candidates = Index.Match(Listings.Need("注塑件翹曲", "外殼啤出嚟翹曲。", sector: "plastics", language: "zh-Hant"), 10);

        var candidate = Assert.Single(candidates);
        Assert.Equal(technology.Id, candidate.Id);
        Assert.Contains("翹曲 → warpage (glossary, plastics)", candidate.Explanation.Bridges);
        Assert.True(candidate.Explanation.Features["glossary"] > 0);
        Assert.StartsWith("Matched through 翹曲 → warpage (glossary, plastics)", candidate.Explanation.Summary);
    }

    [Fact]
    public void A_word_both_listings_use_is_a_term_not_a_bridge_to_itself()
    {
        var technology = Listings.Technology("Warpage control for injection moulded parts", "Simulation-guided mould design that keeps housings flat.", sector: "plastics");
        Index.UpsertMany([technology]);

        var candidate = Assert.Single(Index.Match(Listings.Need("Warpage of moulded housings", "Our housings show warpage after moulding.", sector: "plastics"), 10));

        Assert.Contains("warpage", candidate.Explanation.Terms);
        Assert.True(candidate.Explanation.Features["glossary"] > 0, "the shared glossary term still counts in the ranking");
        Assert.DoesNotContain(candidate.Explanation.Bridges, bridge => bridge.StartsWith("warpage → warpage", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void An_English_need_finds_a_Chinese_technology()
    {
        var technology = Listings.Technology("注塑件翘曲控制", "优化模具冷却，减少注塑件翘曲。", sector: "plastics", language: "zh-Hans");
        var unrelated = Listings.Technology("锂电池管理系统", "用于电动车电池的荷电状态估计。", sector: "batteries-energy-storage", language: "zh-Hans");
        Index.UpsertMany([technology, unrelated]);

        var candidates = Index.Match(Listings.Need("Warpage of moulded parts", "Our moulded housings warp after cooling.", sector: "plastics"), 10);

        Assert.Equal(technology.Id, candidates[0].Id);
        Assert.Contains(candidates[0].Explanation.Bridges, bridge => bridge.Contains("→ 翘曲", StringComparison.Ordinal));
    }

    [Fact]
    public void Words_the_glossary_lacks_cross_over_through_the_dictionary()
    {
        var technology = Listings.Technology("Umbrella canopy fabric", "A waterproof fabric for umbrellas.", sector: "textiles");
        var unrelated = Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells.", sector: "batteries-energy-storage");
        Index.UpsertMany([technology, unrelated]);

        var candidates = Index.Match(Listings.Need("雨傘", "我們需要更好的雨傘布料。", sector: "textiles", language: "zh-Hant"), 10);

        Assert.Equal(technology.Id, candidates[0].Id);
        Assert.Contains(candidates[0].Explanation.Bridges, bridge => bridge.EndsWith("(dictionary)", StringComparison.Ordinal));
        Assert.True(candidates[0].Explanation.Features["dictionary"] > 0);
    }

    [Fact]
    public void A_symptom_in_a_need_reaches_the_method_a_technology_names()
    {
        var technology = Listings.Technology("Mould flow simulation service", "Mould flow simulation for new tools before steel is cut.", sector: "plastics");
        var unrelated = Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells.", sector: "batteries-energy-storage");
        Index.UpsertMany([technology, unrelated]);

        var candidates = Index.Match(Listings.Need("Housings", "Our housings bend out of shape.", sector: "plastics"), 10);

        var candidate = Assert.Single(candidates);
        Assert.Equal(technology.Id, candidate.Id);
        Assert.Contains(candidate.Explanation.Bridges, bridge => bridge.EndsWith("(symptom → method)", StringComparison.Ordinal));
        Assert.True(candidate.Explanation.Features["symptoms"] > 0);
    }

    [Fact]
    public void Sector_and_trl_fit_show_in_the_features_and_the_summary()
    {
        var fitting = Listings.Technology("Mould cooling", "Conformal cooling for moulds.", sector: "plastics", trl: 7);
        var short_ = Listings.Technology("Mould cooling too", "Conformal cooling for moulds.", sector: "textiles", trl: 3);
        Index.UpsertMany([fitting, short_]);

        var candidates = Index.Match(Listings.Need("Mould cooling", "Faster mould cooling.", sector: "plastics", minTrl: 6), 10);

        Assert.Equal([fitting.Id, short_.Id], candidates.Select(c => c.Id));
        Assert.Equal(1.0, candidates[0].Features.Sector);
        Assert.Equal(1.0, candidates[0].Features.Trl);
        Assert.Equal(0.0, candidates[1].Features.Sector);
        Assert.True(candidates[1].Features.Trl < 1.0);
        Assert.Contains("Same sector (plastics).", candidates[0].Explanation.Summary);
        Assert.Contains("TRL 3 is below the minimum of 6.", candidates[1].Explanation.Summary);
    }

    [Fact]
    public void Related_sectors_count_half()
    {
        var related = Listings.Technology("Mould cooling", "Conformal cooling for moulds.", sector: "moulds-dies");
        Index.Upsert(related);

        var candidate = Assert.Single(Index.Match(Listings.Need("Mould cooling", "Faster mould cooling.", sector: "plastics"), 10));

        Assert.Equal(0.5, candidate.Features.Sector);
    }

    [Fact]
    public void New_weights_change_the_ranking_of_the_next_match()
    {
        var wordy = Listings.Technology("Mould cooling for moulds", "Mould cooling, faster mould cooling, conformal mould cooling.", sector: "textiles");
        var fitting = Listings.Technology("Mould temperature", "Cooling of moulds.", sector: "plastics");
        Index.UpsertMany([wordy, fitting]);
        var need = Listings.Need("Mould cooling", "Faster mould cooling.", sector: "plastics");
        Assert.Equal(wordy.Id, Index.Match(need, 10)[0].Id);

        Index.Weights = RankingWeights.Default with { Sector = 2.0 };

        var candidates = Index.Match(need, 10);
        Assert.Equal(fitting.Id, candidates[0].Id);
        Assert.Equal(2.0, candidates[0].Explanation.Features["sector"], precision: 9);
    }

    [Fact]
    public void An_index_written_by_this_engine_needs_no_rebuild()
    {
        Index.Upsert(Listings.Technology("Mould cooling", "Conformal cooling for moulds."));

        _temp.Reopen();

        Assert.False(Index.NeedsRebuild);
        Assert.Equal(1, Index.Count(ListingKind.Technology));
    }
}
