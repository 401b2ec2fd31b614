using System.Globalization;

namespace Matchmaking.Matching.Engine.Semantic;

/// <summary>
/// The semantic part of one candidate's score. <paramref name="Value"/> is the candidate's cosine similarity to the
/// listing as a share of the best candidate's (so 1 for the closest in meaning, like the text features), or, for a
/// candidate without a vector (not embedded yet), its score as a share of the best score standing in.
/// </summary>
/// <param name="Cosine">The cosine similarity, when the candidate has a vector.</param>
/// <param name="Contribution">What the score gains: the semantic weight times <paramref name="Value"/>.</param>
public sealed record SemanticFit(double? Cosine, double Value, double Contribution)
{
    public bool Embedded => Cosine is not null;
}

/// <summary>
/// Fuses sentence-vector similarity with the engine's score over the candidates the text query found: each gains
/// weight × (cosine / best cosine among them). The text features are shares of the best candidate's text score too, so
/// a weight of 1 counts meaning as much as words, the sound default (not fitted to any data set). A candidate without
/// a vector gains weight × (its score / the best score) instead, as if meaning agreed with the rest of its ranking, so
/// it neither wins nor loses for lacking one (a listing indexed a moment ago, say).
/// Without a vector for the listing, or for every candidate, nothing changes.
/// </summary>
public static class SemanticFusion
{
    /// <summary>The explanation's feature name for the semantic contribution.</summary>
    public const string FeatureName = "semantic";

    /// <returns>One fit per candidate, in order, or null when there is no semantic evidence to fuse.</returns>
    public static IReadOnlyList<SemanticFit>? Fuse(
        float[]? query, IReadOnlyList<float[]?> candidates, IReadOnlyList<double> scores, double weight)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(scores);
        if (candidates.Count != scores.Count)
        {
            throw new ArgumentException("Expected one score per candidate.", nameof(scores));
        }

        if (query is null || weight <= 0)
        {
            return null;
        }

        var cosines = candidates.Select(vector => vector is null ? (double?)null : Cosine(query, vector)).ToList();
        var best = cosines.Where(c => c is not null).Select(c => c!.Value).DefaultIfEmpty(0).Max();
        if (best <= 0)
        {
            return null;
        }

        var bestScore = scores.DefaultIfEmpty(0).Max();
        return cosines
            .Select((cosine, i) =>
            {
                var value = cosine is { } c ? Math.Max(0, c) / best : bestScore > 0 ? Math.Max(0, scores[i]) / bestScore : 0;
                return new SemanticFit(cosine, value, weight * value);
            })
            .ToList();
    }

    /// <summary>The cosine of two vectors (their dot product when, as the embedder's are, both are unit length).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("The vectors differ in length.", nameof(b));
        }

        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }

        return aa > 0 && bb > 0 ? dot / Math.Sqrt(aa * bb) : 0;
    }

    /// <summary>
    /// The explanation with the semantic contribution in it, so the features still add up to the score: its own
    /// feature for a candidate with a vector (and a sentence when it counts), otherwise every feature scaled up by
    /// what stood in for the missing vector.
    /// </summary>
    /// <param name="glossed">Whether either side is Chinese and was compared through its English dictionary gloss
    /// (<see cref="ChineseGloss"/>), which the sentence then says.</param>
    public static MatchExplanation Explain(MatchExplanation explanation, SemanticFit? fit, bool glossed = false)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        if (fit is null || fit.Contribution == 0)
        {
            return explanation;
        }

        var features = new Dictionary<string, double>(explanation.Features, StringComparer.Ordinal);
        if (fit.Embedded)
        {
            features[FeatureName] = fit.Contribution;
            var summary = explanation.Summary + (glossed
                ? string.Create(CultureInfo.InvariantCulture, $" Close in meaning by a word-for-word dictionary gloss of the Chinese (sentence similarity {fit.Cosine:F2}).")
                : string.Create(CultureInfo.InvariantCulture, $" Close in meaning (sentence similarity {fit.Cosine:F2})."));
            return explanation with { Summary = summary, Features = features };
        }

        var total = features.Values.Sum();
        if (total <= 0)
        {
            return explanation;
        }

        var scale = 1 + (fit.Contribution / total);
        foreach (var name in features.Keys.ToList())
        {
            features[name] *= scale;
        }

        return explanation with { Features = features };
    }
}
