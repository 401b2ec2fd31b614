namespace Matchmaking.Matching.Engine;

/// <summary>
/// What the ranking model sees of one candidate. The text features are shares of the best candidate's text score
/// (so 1 for the best text match, whatever the query): words the two listings share (<see cref="Text"/>), and the
/// glossary, dictionary and symptom-to-method bridges. The structured ones lie in [0, 1]: sector fit (1 same,
/// 0.5 related), TRL fit (1 when the technology meets the need's minimum TRL, 0.5 when either is unknown, less for
/// each level short), and freshness (1 for a listing updated today, halving over about eight months).
/// </summary>
public sealed record RankingFeatures(
    double Text, double Glossary, double Dictionary, double Symptoms, double Sector, double Trl, double Freshness)
{
    /// <summary>The feature names, in the order of <see cref="ToArray"/>; also the keys of an explanation's features.</summary>
    public static readonly IReadOnlyList<string> Names = ["text", "glossary", "dictionary", "symptoms", "sector", "trl", "freshness"];

    public double[] ToArray() => [Text, Glossary, Dictionary, Symptoms, Sector, Trl, Freshness];

    /// <summary>
    /// The sentence-vector fit fused into the score when semantic ranking is on and the listing has a vector; fixed
    /// by <see cref="MatchingEngineOptions.SemanticWeight"/>, not learned, so not among <see cref="Names"/>.
    /// </summary>
    public Semantic.SemanticFit? Semantic { get; init; }

    public static RankingFeatures FromArray(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != Names.Count)
        {
            throw new ArgumentException($"Expected {Names.Count} feature values.", nameof(values));
        }

        return new RankingFeatures(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
    }
}

/// <summary>
/// The weights of the linear ranking model: a candidate's score is the weighted sum of its <see cref="RankingFeatures"/>.
/// The defaults rank by text (bridges counted like shared words, their lower trust already in the query) and let
/// sector, TRL and freshness reorder near ties only; staff feedback can learn others (Matching.Api).
/// </summary>
public sealed record RankingWeights(
    double Text, double Glossary, double Dictionary, double Symptoms, double Sector, double Trl, double Freshness)
{
    public static RankingWeights Default { get; } = new(1.0, 1.0, 1.0, 1.0, 0.10, 0.05, 0.02);

    public double[] ToArray() => [Text, Glossary, Dictionary, Symptoms, Sector, Trl, Freshness];

    public static RankingWeights FromArray(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != RankingFeatures.Names.Count)
        {
            throw new ArgumentException($"Expected {RankingFeatures.Names.Count} weights.", nameof(values));
        }

        return new RankingWeights(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
    }

    public double Score(RankingFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var x = features.ToArray();
        var w = ToArray();
        var score = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            score += w[i] * x[i];
        }

        return score;
    }
}
