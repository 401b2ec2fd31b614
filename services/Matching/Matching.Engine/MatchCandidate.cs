namespace Matchmaking.Matching.Engine;

/// <summary>Why a candidate was suggested.</summary>
/// <param name="Summary">A few sentences a broker can read.</param>
/// <param name="Terms">The words both listings share, strongest first, as written in the listing being matched.</param>
/// <param name="Features">
/// Each feature's contribution to the score; they add up to the score. Shared words by where they matched in the
/// candidate (<c>title</c>, <c>body</c>, <c>keywords</c>), the bridges (<c>glossary</c>, <c>dictionary</c>,
/// <c>symptoms</c>), the structured fit (<c>sector</c>, <c>trl</c>, <c>freshness</c>), and closeness in meaning
/// (<c>semantic</c>, only when both listings have a sentence vector; see Semantic/SemanticFusion).
/// </param>
public sealed record MatchExplanation(string Summary, IReadOnlyList<string> Terms, IReadOnlyDictionary<string, double> Features)
{
    /// <summary>
    /// The cross-language and symptom-to-method bridges that contributed, strongest first ("翹曲 → warpage (glossary,
    /// plastics)"). Not serialised on its own: the API's explanation has only summary, terms and features, so the
    /// service lists the bridges after the shared words in <see cref="Terms"/> (<see cref="WithBridgesInTerms"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Bridges { get; init; } = [];

    /// <summary>The documented shape: the shared words, then the bridges, as the terms matched on both sides.</summary>
    public MatchExplanation WithBridgesInTerms() => this with { Terms = [.. Terms, .. Bridges], Bridges = [] };
}

/// <summary>A listing of the opposite kind proposed for a match, with its score, explanation and the features the score came from.</summary>
public sealed record MatchCandidate(Guid Id, Guid OrganisationId, double Score, MatchExplanation Explanation, RankingFeatures Features);
