using System.Text.Json;
using Matchmaking.Matching.Engine;

namespace Matchmaking.Matching.Api;

/// <summary>
/// A row of <c>listings</c>: the Matching service's own copy of a technology or need, from which the index can always
/// be rebuilt.
/// </summary>
public sealed class StoredListing
{
    public const string Technology = "technology";
    public const string Need = "need";

    /// <summary>The columns in the order and with the aliases this class reads.</summary>
    public const string Columns =
        """
        id AS Id, kind AS Kind, organisation_id AS OrganisationId, title AS Title, body AS Body, keywords AS Keywords,
        sector AS Sector, trl AS Trl, language AS Language, visibility AS Visibility, open AS Open, updated_at AS UpdatedAt
        """;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; init; }

    public string Kind { get; init; } = "";

    public Guid OrganisationId { get; init; }

    public string Title { get; init; } = "";

    public string Body { get; init; } = "";

    public string Keywords { get; init; } = "[]";

    public string? Sector { get; init; }

    public int? Trl { get; init; }

    public string Language { get; init; } = "";

    public string Visibility { get; init; } = "";

    // integer 0/1 in both dialects; Dapper reads it as a number, not a bool.
    public int Open { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public static string KindValue(ListingKind kind) => kind == ListingKind.Technology ? Technology : Need;

    public static ListingKind ParseKind(string kind) => kind == Technology ? ListingKind.Technology : ListingKind.Need;

    public static string SerializeKeywords(IReadOnlyList<string> keywords) => JsonSerializer.Serialize(keywords, s_json);

    public Listing ToListing() => new(
        Id,
        ParseKind(Kind),
        OrganisationId,
        Title,
        Body,
        JsonSerializer.Deserialize<List<string>>(Keywords, s_json) ?? [],
        Sector,
        Trl,
        Language,
        Visibility,
        Open == 1,
        UpdatedAt);
}
