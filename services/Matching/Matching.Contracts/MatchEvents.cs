namespace Matchmaking.Matching.Contracts;

/// <summary>The engine matched a new or changed listing against the other side and stored these suggestions.</summary>
/// <param name="ListingId">The technology or need that was matched.</param>
/// <param name="ListingKind">"technology" or "need".</param>
/// <param name="Matches">The suggestions, best first.</param>
/// <param name="OccurredAt">When they were computed.</param>
public sealed record MatchesSuggested(
    Guid ListingId,
    string ListingKind,
    IReadOnlyList<SuggestedMatch> Matches,
    DateTimeOffset OccurredAt);

/// <summary>One suggested pair.</summary>
/// <param name="MatchId">The match, as served by the matches endpoints.</param>
/// <param name="TechnologyId">The technology.</param>
/// <param name="TechnologyOrganisationId">The university that owns the technology.</param>
/// <param name="NeedId">The need.</param>
/// <param name="NeedOrganisationId">The enterprise that owns the need.</param>
/// <param name="Score">The engine's score; higher is better.</param>
/// <param name="NeedVisibility">The need's visibility (public, anonymous, staff-only); null from older publishers.</param>
public sealed record SuggestedMatch(
    Guid MatchId,
    Guid TechnologyId,
    Guid TechnologyOrganisationId,
    Guid NeedId,
    Guid NeedOrganisationId,
    double Score,
    string? NeedVisibility = null);
