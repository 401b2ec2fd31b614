using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Matchmaking.Matching.Engine.Tests;

public sealed class TranslationTests : IDisposable
{
    private readonly TempIndex _temp = new();

    private LuceneListingIndex Index => _temp.Index;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_contraction_meets_its_first_word()
    {
        var technology = Listings.Technology("You're welcome", "You're always welcome here.");
        Index.UpsertMany([technology, Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells.")]);

        var candidate = Assert.Single(Index.Match(Listings.Need("Where are you", "Are you there?"), 10));

        Assert.Equal(technology.Id, candidate.Id);
        Assert.Contains("you", candidate.Explanation.Terms);
    }

    [Fact]
    public void An_irregular_verb_form_meets_its_base_form()
    {
        var technology = Listings.Technology("Moulds we bought", "Tooling that we bought from a supplier.");
        Index.UpsertMany([technology, Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells.")]);

        var candidate = Assert.Single(Index.Match(Listings.Need("Where to buy", "We want to buy spare parts."), 10));

        Assert.Equal(technology.Id, candidate.Id);
        Assert.Contains("buy", candidate.Explanation.Terms);
    }

    [Fact]
    public void Everyday_Cantonese_words_meet_their_Mandarin()
    {
        var technology = Listings.Technology("协作机器人", "工人和机器人一起工作。", language: "zh-Hans");
        Index.UpsertMany([technology, Listings.Technology("电池荷电状态估计", "锂电池的卡尔曼滤波。", language: "zh-Hans")]);

        var candidates = Index.Match(Listings.Need("一齊做嘢", "我哋想同部機一齊做嘢。", language: "zh-Hant"), 10);

        Assert.Equal(technology.Id, candidates[0].Id);
        Assert.Contains("一齊", candidates[0].Explanation.Terms);
    }

    [Fact]
    public void A_word_with_many_senses_counts_once_however_many_a_candidate_contains()
    {
        // 想 is glossed "to think; to believe; to suppose; to wish; to want; to miss": a candidate holding several of
        // its senses is credited with the best of them (and a tenth of the rest), not with their sum.
        var many = Listings.Technology("Think", "Think, believe, suppose, wish and want.");
        var one = Listings.Technology("Think", "Think.");
        Index.UpsertMany([many, one]);

        var candidates = Index.Match(Listings.Need("想", "想", language: "zh-Hans"), 10);

        Assert.Equal(2, candidates.Count);
        var scores = candidates.ToDictionary(c => c.Id, c => c.Features.Dictionary);
        Assert.True(scores[many.Id] < 1.5 * scores[one.Id], $"{scores[many.Id]} against {scores[one.Id]}");
        Assert.Contains(candidates.Single(c => c.Id == many.Id).Explanation.Bridges, bridge => bridge.StartsWith("想 → ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_first_pass_keeps_or_leaves_out_a_group_of_alternatives_whole()
    {
        static QueryClause Clause(string term, int documentFrequency, string? group) =>
            new(ClauseKind.Dictionary, "all", term, term, 1, new TermQuery(new Term("all", term))) { DocumentFrequency = documentFrequency, Group = group };

        var rare = Clause("rare", 5, null);
        var rareAlternative = Clause("warp", 10, "翘曲");
        var commonAlternative = Clause("bend", 50_000, "翘曲");

        var firstPass = QueryPlan.FirstPass([commonAlternative, rare, rareAlternative], postingsBudget: 100, minimumClauses: 1);

        Assert.Equal([rare], firstPass);
        Assert.Equal(3, QueryPlan.FirstPass([commonAlternative, rare, rareAlternative], postingsBudget: 100_000, minimumClauses: 1).Count);
        Assert.Equal(2, QueryPlan.Units([commonAlternative, rare, rareAlternative]).Count);
    }
}
