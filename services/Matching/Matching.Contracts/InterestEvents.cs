namespace Matchmaking.Matching.Contracts;

/// <summary>
/// An enterprise (or staff on its behalf) expressed interest in a suggested match. Ids and codes only: the message the
/// enterprise wrote stays in Matching.
/// </summary>
/// <param name="InterestId">The interest.</param>
/// <param name="MatchId">The match it is about.</param>
/// <param name="TechnologyId">The technology.</param>
/// <param name="TechnologyOrganisationId">The university that owns the technology.</param>
/// <param name="NeedId">The need.</param>
/// <param name="NeedOrganisationId">The enterprise that owns the need.</param>
/// <param name="NeedVisibility">public, anonymous or staff-only: who else may be told.</param>
/// <param name="ExpressedBy">The user who expressed it.</param>
/// <param name="OccurredAt">When.</param>
public sealed record InterestExpressed(
    Guid InterestId,
    Guid MatchId,
    Guid TechnologyId,
    Guid TechnologyOrganisationId,
    Guid NeedId,
    Guid NeedOrganisationId,
    string NeedVisibility,
    Guid ExpressedBy,
    DateTimeOffset OccurredAt);
