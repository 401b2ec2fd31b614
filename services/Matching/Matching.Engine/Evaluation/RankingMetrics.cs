namespace Matchmaking.Matching.Engine;

/// <summary>
/// Per-query ranking metrics as trec_eval computes them. <c>judgements</c> maps a document id to its graded
/// relevance; a grade above zero is relevant.
/// </summary>
public static class RankingMetrics
{
    /// <summary>nDCG@k with linear gains (the grade itself) and a log2(rank + 1) discount; ideal order from the judgements.</summary>
    public static double NdcgAt(int k, IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgements)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(judgements);
        var ideal = judgements.Values.Where(grade => grade > 0).OrderDescending().Take(k).Select((grade, i) => grade / Math.Log2(i + 2)).Sum();
        if (ideal == 0)
        {
            return 0;
        }

        var actual = ranking.Take(k).Select((id, i) => Math.Max(0, judgements.GetValueOrDefault(id)) / Math.Log2(i + 2)).Sum();
        return actual / ideal;
    }

    /// <summary>The share of relevant documents found in the first k.</summary>
    public static double RecallAt(int k, IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgements)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(judgements);
        var relevant = judgements.Count(x => x.Value > 0);
        if (relevant == 0)
        {
            return 0;
        }

        return (double)ranking.Take(k).Distinct().Count(id => judgements.GetValueOrDefault(id) > 0) / relevant;
    }

    /// <summary>One over the rank of the first relevant document in the first k, or zero.</summary>
    public static double ReciprocalRankAt(int k, IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judgements)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(judgements);
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            if (judgements.GetValueOrDefault(ranking[i]) > 0)
            {
                return 1.0 / (i + 1);
            }
        }

        return 0;
    }
}
