namespace Matchmaking.Matching.Engine;

/// <summary>Why a candidate was suggested.</summary>
/// <param name="Summary">One sentence a broker can read.</param>
/// <param name="Terms">The words both listings share, strongest first, as written in the listing being matched.</param>
/// <param name="Features">Each feature's contribution to the score (today: <c>title</c>, <c>body</c>, <c>keywords</c>); they add up to the score.</param>
public sealed record MatchExplanation(string Summary, IReadOnlyList<string> Terms, IReadOnlyDictionary<string, double> Features);

/// <summary>A listing of the opposite kind proposed for a match, with its score and explanation.</summary>
public sealed record MatchCandidate(Guid Id, Guid OrganisationId, double Score, MatchExplanation Explanation);
