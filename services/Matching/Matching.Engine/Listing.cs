namespace Matchmaking.Matching.Engine;

/// <summary>Which side of the market a listing stands on.</summary>
public enum ListingKind
{
    Technology,
    Need,
}

/// <summary>
/// What the engine knows about a technology or a need: only the public text and the fields that filter and rank.
/// </summary>
/// <param name="Body">Technology: the public summary (never the NDA-only details). Need: the problem statement.</param>
/// <param name="Trl">A technology's TRL, or a need's minimum TRL.</param>
/// <param name="Language"><c>en</c>, <c>zh-Hant</c> or <c>zh-Hans</c>.</param>
/// <param name="Visibility"><c>public</c>, <c>anonymous</c> or <c>staff-only</c>; technologies are always public.</param>
/// <param name="Open">A published technology or an open need; closed and withdrawn listings are never matched or found.</param>
public sealed record Listing(
    Guid Id,
    ListingKind Kind,
    Guid OrganisationId,
    string Title,
    string Body,
    IReadOnlyList<string> Keywords,
    string? Sector,
    int? Trl,
    string Language,
    string Visibility,
    bool Open,
    DateTimeOffset UpdatedAt);

/// <summary>The visibility values a listing can carry.</summary>
public static class ListingVisibility
{
    public const string Public = "public";
    public const string Anonymous = "anonymous";
    public const string StaffOnly = "staff-only";
}
