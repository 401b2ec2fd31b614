namespace Matchmaking.Matching.Engine;

/// <summary>A free-text search with filters. An empty or blank query matches everything, newest first.</summary>
/// <param name="MinTrl">Keeps listings whose TRL (a need's minimum TRL) is at least this.</param>
/// <param name="IncludeStaffOnly">Staff see staff-only needs.</param>
/// <param name="ViewerOrganisationId">An owner sees its own staff-only needs.</param>
public sealed record SearchRequest(
    string? Query,
    ListingKind? Kind,
    string? Sector,
    int? MinTrl,
    bool IncludeStaffOnly,
    Guid? ViewerOrganisationId,
    int Skip,
    int Take);

/// <summary>One search result; <see cref="Snippet"/> is plain text from the body.</summary>
public sealed record SearchHit(
    Guid Id,
    ListingKind Kind,
    Guid OrganisationId,
    string Title,
    string Snippet,
    double Score,
    string Language,
    string Visibility);

/// <summary>A page of hits, the total number of hits, and sector counts over all hits.</summary>
public sealed record SearchResult(int Total, IReadOnlyList<SearchHit> Items, IReadOnlyDictionary<string, int> SectorFacets);
