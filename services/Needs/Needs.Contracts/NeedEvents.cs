namespace Matchmaking.Needs.Contracts;

/// <summary>
/// An enterprise posted a need. Carries what matching needs to index it and its visibility; the company's identity
/// travels only as an id, never as a name, so an anonymous need stays anonymous downstream.
/// </summary>
/// <param name="NeedId">The need.</param>
/// <param name="OrganisationId">The enterprise that owns it.</param>
/// <param name="Title">Title.</param>
/// <param name="Problem">The problem in the enterprise's words.</param>
/// <param name="Keywords">Keywords as entered.</param>
/// <param name="Sector">Taxonomy code, if given.</param>
/// <param name="MinTrl">Lowest technology readiness level acceptable, if given.</param>
/// <param name="Visibility">public, anonymous or staff-only.</param>
/// <param name="Language">en, zh-Hant or zh-Hans.</param>
/// <param name="OccurredAt">When it was posted.</param>
public sealed record NeedPosted(
    Guid NeedId,
    Guid OrganisationId,
    string Title,
    string Problem,
    IReadOnlyList<string> Keywords,
    string? Sector,
    int? MinTrl,
    string Visibility,
    string Language,
    DateTimeOffset OccurredAt);

/// <summary>An open need changed; the fields are its new state.</summary>
/// <param name="NeedId">The need.</param>
/// <param name="OrganisationId">The enterprise that owns it.</param>
/// <param name="Title">Title.</param>
/// <param name="Problem">The problem in the enterprise's words.</param>
/// <param name="Keywords">Keywords as entered.</param>
/// <param name="Sector">Taxonomy code, if given.</param>
/// <param name="MinTrl">Lowest technology readiness level acceptable, if given.</param>
/// <param name="Visibility">public, anonymous or staff-only.</param>
/// <param name="Language">en, zh-Hant or zh-Hans.</param>
/// <param name="OccurredAt">When it changed.</param>
public sealed record NeedUpdated(
    Guid NeedId,
    Guid OrganisationId,
    string Title,
    string Problem,
    IReadOnlyList<string> Keywords,
    string? Sector,
    int? MinTrl,
    string Visibility,
    string Language,
    DateTimeOffset OccurredAt);

/// <summary>A need was closed and must no longer be matched.</summary>
/// <param name="NeedId">The need.</param>
/// <param name="OrganisationId">The enterprise that owns it.</param>
/// <param name="OccurredAt">When it was closed.</param>
public sealed record NeedClosed(Guid NeedId, Guid OrganisationId, DateTimeOffset OccurredAt);
