using System.Globalization;
using System.Text.Json.Serialization;
using Matchmaking.Matching.Engine;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Text;

namespace Matchmaking.Matching.Elasticsearch;

// A listing as stored in Elasticsearch: the listing itself (read back whole by Get and by searches), and the engine's
// own analysis of it (the terms the Lucene adapter indexes, field by field), which the engine's query plan is run
// against, so that both adapters find and score candidates on the same terms.
internal sealed class ListingSource
{
    [JsonPropertyName(ListingFields.Id)]
    public string Id { get; set; } = "";

    [JsonPropertyName(ListingFields.Kind)]
    public string Kind { get; set; } = "";

    [JsonPropertyName(ListingFields.Organisation)]
    public string Organisation { get; set; } = "";

    [JsonPropertyName(ListingFields.Title)]
    public string Title { get; set; } = "";

    [JsonPropertyName(ListingFields.Body)]
    public string Body { get; set; } = "";

    [JsonPropertyName(ListingFields.Keywords)]
    public List<string> Keywords { get; set; } = [];

    [JsonPropertyName(ListingFields.Sector)]
    public string? Sector { get; set; }

    [JsonPropertyName(ListingFields.Trl)]
    public int? Trl { get; set; }

    [JsonPropertyName(ListingFields.Language)]
    public string Language { get; set; } = LanguageDetector.English;

    [JsonPropertyName(ListingFields.Visibility)]
    public string Visibility { get; set; } = ListingVisibility.Public;

    [JsonPropertyName(ListingFields.Open)]
    public bool Open { get; set; }

    // Round-trip text ("O"), so a listing reads back with its offset; the mapping parses it as a date.
    [JsonPropertyName(ListingFields.UpdatedAt)]
    public string UpdatedAt { get; set; } = "";

    // The analysis version the listing was indexed with (NeedsRebuild).
    [JsonPropertyName(ListingFields.Version)]
    public string Version { get; set; } = "";

    [JsonPropertyName(ListingFields.Engine)]
    public EngineTerms Engine { get; set; } = new();

    public static ListingSource From(Listing listing, ListingProfile profile, IReadOnlyList<Token> translated, string version) => new()
    {
        Id = ListingFields.IdValue(listing.Id),
        Kind = ListingDocument.KindValue(listing.Kind),
        Organisation = ListingFields.IdValue(listing.OrganisationId),
        Title = listing.Title ?? "",
        Body = listing.Body ?? "",
        Keywords = [.. listing.Keywords ?? []],
        Sector = string.IsNullOrEmpty(listing.Sector) ? null : listing.Sector,
        Trl = listing.Trl,
        Language = listing.Language ?? LanguageDetector.English,
        Visibility = listing.Visibility ?? ListingVisibility.Public,
        Open = listing.Open,
        UpdatedAt = listing.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        Version = version,
        Engine = new EngineTerms
        {
            All = Terms(ListingDocument.AllTokens(profile)),
            Title = Terms(profile[ListingDocument.Title].Tokens),
            Body = Terms(profile[ListingDocument.Body].Tokens),
            Keywords = Terms(profile[ListingDocument.Keywords].Tokens),
            Translated = Terms(translated),
            Concepts = Terms(ListingDocument.ConceptTokens(profile, ConceptKind.Term)),
            Symptoms = Terms(ListingDocument.ConceptTokens(profile, ConceptKind.Symptom)),
            Methods = Terms(ListingDocument.ConceptTokens(profile, ConceptKind.Method)),
        },
    };

    public Listing ToListing() => new(
        Guid.ParseExact(Id, "N"),
        ListingDocument.ParseKind(Kind),
        Guid.ParseExact(Organisation, "N"),
        Title,
        Body,
        Keywords,
        Sector,
        Trl,
        Language,
        Visibility,
        Open,
        DateTimeOffset.ParseExact(UpdatedAt, "O", CultureInfo.InvariantCulture, DateTimeStyles.None));

    public CandidateFacts ToFacts() => new(
        Guid.ParseExact(Id, "N"),
        Guid.ParseExact(Organisation, "N"),
        Sector,
        Trl,
        DateTimeOffset.TryParseExact(UpdatedAt, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var updated) ? updated : null,
        Language);

    // One array element per token: the field's analyzer keeps each element whole, so term frequencies and field
    // lengths are the token counts, as in the Lucene index.
    private static List<string> Terms(IReadOnlyList<Token> tokens) => tokens.Select(token => token.Term).ToList();
}

// The engine's terms of a listing, by the Lucene adapter's field names (ListingDocument), under "engine.".
internal sealed class EngineTerms
{
    [JsonPropertyName(ListingDocument.All)]
    public List<string> All { get; set; } = [];

    [JsonPropertyName(ListingDocument.Title)]
    public List<string> Title { get; set; } = [];

    [JsonPropertyName(ListingDocument.Body)]
    public List<string> Body { get; set; } = [];

    [JsonPropertyName(ListingDocument.Keywords)]
    public List<string> Keywords { get; set; } = [];

    [JsonPropertyName(ListingDocument.Translated)]
    public List<string> Translated { get; set; } = [];

    [JsonPropertyName(ListingDocument.Concepts)]
    public List<string> Concepts { get; set; } = [];

    [JsonPropertyName(ListingDocument.Symptoms)]
    public List<string> Symptoms { get; set; } = [];

    [JsonPropertyName(ListingDocument.Methods)]
    public List<string> Methods { get; set; } = [];
}

// The index's field names.
internal static class ListingFields
{
    public const string Id = "id";
    public const string Kind = "kind";
    public const string Organisation = "org";
    public const string Title = "title";
    public const string Body = "body";
    public const string Keywords = "keywords";
    public const string Sector = "sector";
    public const string Trl = "trl";
    public const string Language = "language";
    public const string Visibility = "visibility";
    public const string Open = "open";
    public const string UpdatedAt = "updated";
    public const string Version = "version";
    public const string Engine = "engine";

    // The sub-field of each text field analysed for Chinese; the field itself is analysed for English.
    public const string Chinese = "zh";

    // The keyword twin of each engine field, for term statistics (document frequencies) by terms aggregation.
    public const string Exact = "exact";

    // The engine fields the query plan looks terms up in, by the Lucene adapter's names.
    public static readonly string[] EngineFields =
    [
        ListingDocument.All, ListingDocument.Title, ListingDocument.Body, ListingDocument.Keywords,
        ListingDocument.Translated, ListingDocument.Concepts, ListingDocument.Symptoms, ListingDocument.Methods,
    ];

    public static string IdValue(Guid id) => id.ToString("N");

    // Where a query clause's field (a Lucene field name) lives in the index.
    public static string EngineField(string field) => $"{Engine}.{field}";

    public static string EngineExactField(string field) => $"{Engine}.{field}.{Exact}";
}
