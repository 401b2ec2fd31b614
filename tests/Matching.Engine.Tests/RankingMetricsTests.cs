namespace Matchmaking.Matching.Engine.Tests;

public sealed class RankingMetricsTests
{
    private static readonly Dictionary<string, int> s_judgements = new() { ["a"] = 2, ["b"] = 1, ["c"] = 0 };

    [Fact]
    public void Ndcg_is_one_for_the_ideal_ranking()
    {
        Assert.Equal(1.0, RankingMetrics.NdcgAt(10, ["a", "b", "x"], s_judgements), precision: 12);
    }

    [Fact]
    public void Ndcg_uses_graded_gains_and_a_log2_discount()
    {
        // DCG = 0/log2(2) + 1/log2(3) + 2/log2(4); IDCG = 2/log2(2) + 1/log2(3).
        var expected = (1 / Math.Log2(3) + 2 / 2.0) / (2 + 1 / Math.Log2(3));

        Assert.Equal(expected, RankingMetrics.NdcgAt(10, ["x", "b", "a"], s_judgements), precision: 12);
        Assert.Equal(0.6199, expected, precision: 4);
    }

    [Fact]
    public void Ndcg_ignores_what_lies_beyond_the_cut_off()
    {
        Assert.Equal(0.0, RankingMetrics.NdcgAt(2, ["x", "c", "a"], s_judgements));
    }

    [Fact]
    public void Recall_is_the_share_of_relevant_documents_found()
    {
        Assert.Equal(0.5, RankingMetrics.RecallAt(100, ["x", "c", "b"], s_judgements));
        Assert.Equal(1.0, RankingMetrics.RecallAt(100, ["a", "b"], s_judgements));
        Assert.Equal(0.5, RankingMetrics.RecallAt(1, ["a", "b"], s_judgements));
    }

    [Fact]
    public void Reciprocal_rank_is_one_over_the_rank_of_the_first_relevant_document()
    {
        Assert.Equal(1.0 / 3, RankingMetrics.ReciprocalRankAt(10, ["x", "c", "b", "a"], s_judgements), precision: 12);
        Assert.Equal(0.0, RankingMetrics.ReciprocalRankAt(2, ["x", "c", "b"], s_judgements));
    }

    [Fact]
    public void A_query_without_relevant_documents_scores_zero_everywhere()
    {
        var none = new Dictionary<string, int> { ["c"] = 0 };

        Assert.Equal(0.0, RankingMetrics.NdcgAt(10, ["c"], none));
        Assert.Equal(0.0, RankingMetrics.RecallAt(100, ["c"], none));
        Assert.Equal(0.0, RankingMetrics.ReciprocalRankAt(10, ["c"], none));
    }
}
