namespace Matchmaking.Research.Contracts;

/// <summary>A university published a technology. Carries the public, indexable part only; the NDA details never leave Research.</summary>
/// <param name="TechnologyId">The technology.</param>
/// <param name="OrganisationId">The university that owns it.</param>
/// <param name="Title">Public title.</param>
/// <param name="Summary">Public summary.</param>
/// <param name="Keywords">Keywords as entered.</param>
/// <param name="Sector">Taxonomy code.</param>
/// <param name="Trl">Technology readiness level, 1–9.</param>
/// <param name="LicenceModels">Licence models offered.</param>
/// <param name="Language">en, zh-Hant or zh-Hans.</param>
/// <param name="OccurredAt">When it was published.</param>
public sealed record TechnologyPublished(
    Guid TechnologyId,
    Guid OrganisationId,
    string Title,
    string Summary,
    IReadOnlyList<string> Keywords,
    string Sector,
    int? Trl,
    IReadOnlyList<string> LicenceModels,
    string Language,
    DateTimeOffset OccurredAt);

/// <summary>A published technology changed; the fields are its new public state.</summary>
/// <param name="TechnologyId">The technology.</param>
/// <param name="OrganisationId">The university that owns it.</param>
/// <param name="Title">Public title.</param>
/// <param name="Summary">Public summary.</param>
/// <param name="Keywords">Keywords as entered.</param>
/// <param name="Sector">Taxonomy code.</param>
/// <param name="Trl">Technology readiness level, 1–9.</param>
/// <param name="LicenceModels">Licence models offered.</param>
/// <param name="Language">en, zh-Hant or zh-Hans.</param>
/// <param name="OccurredAt">When it changed.</param>
public sealed record TechnologyUpdated(
    Guid TechnologyId,
    Guid OrganisationId,
    string Title,
    string Summary,
    IReadOnlyList<string> Keywords,
    string Sector,
    int? Trl,
    IReadOnlyList<string> LicenceModels,
    string Language,
    DateTimeOffset OccurredAt);

/// <summary>A technology was withdrawn and must no longer be matched.</summary>
/// <param name="TechnologyId">The technology.</param>
/// <param name="OrganisationId">The university that owns it.</param>
/// <param name="OccurredAt">When it was withdrawn.</param>
public sealed record TechnologyWithdrawn(Guid TechnologyId, Guid OrganisationId, DateTimeOffset OccurredAt);
