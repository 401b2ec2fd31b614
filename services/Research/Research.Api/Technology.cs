using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Text;
using Matchmaking.ServiceDefaults.Web;
using Matchmaking.Text;

namespace Matchmaking.Research.Api;

public static class TechnologyStatus
{
    public const string Published = "published";
    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All = [Published, Withdrawn];
}

public static class IpStatus
{
    public static readonly IReadOnlyList<string> All = ["none", "filed", "granted"];
}

public static class LicenceModel
{
    public static readonly IReadOnlyList<string> All = ["exclusive", "non-exclusive", "field-of-use", "assignment", "collaboration"];
}

/// <summary>
/// A technology as the API shows it; <see cref="Details"/> is null and <see cref="DetailsLocked"/> true for callers not
/// entitled to the NDA part (anyone but the owner, staff, and enterprises whose deal with it reached nda-signed).
/// </summary>
public sealed record TechnologyResponse(
    Guid Id,
    Guid OrganisationId,
    string Title,
    string Summary,
    string? Details,
    string Sector,
    IReadOnlyList<string> Keywords,
    int? Trl,
    string? IpStatus,
    IReadOnlyList<string> PatentNumbers,
    IReadOnlyList<string> LicenceModels,
    string Language,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool DetailsLocked = false);

/// <summary>The body of publish and update: what the owning university writes (never its organisation or status).</summary>
public sealed record TechnologyBody(
    string? Title,
    string? Summary,
    string? Details,
    string? Sector,
    IReadOnlyList<string>? Keywords,
    int? Trl,
    string? IpStatus,
    IReadOnlyList<string>? PatentNumbers,
    IReadOnlyList<string>? LicenceModels,
    string? Language)
{
    public const int TitleMaxLength = 200;
    public const int SummaryMaxLength = 4_000;
    public const int DetailsMaxLength = 20_000;
    public const int MaxKeywords = 30;
    public const int KeywordMaxLength = 100;
    public const int MaxPatentNumbers = 50;
    public const int PatentNumberMaxLength = 64;

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors()
            .Required("title", Title, TitleMaxLength)
            .Required("summary", Summary, SummaryMaxLength)
            .MaxLength("details", Details, DetailsMaxLength)
            .Items("keywords", Keywords, MaxKeywords, KeywordMaxLength)
            .Range("trl", Trl, 1, 9)
            .OneOf("ipStatus", IpStatus, Api.IpStatus.All)
            .Items("patentNumbers", PatentNumbers, MaxPatentNumbers, PatentNumberMaxLength)
            .Items("licenceModels", LicenceModels, LicenceModel.All.Count, KeywordMaxLength)
            .OneOf("language", Language, LanguageDetector.Supported);

        if (string.IsNullOrWhiteSpace(Sector))
        {
            errors.Add("sector", "'sector' is required.");
        }
        else
        {
            errors.SectorCode("sector", Sector);
        }

        if (LicenceModels?.Any(m => m is not null && !LicenceModel.All.Contains(m)) == true)
        {
            errors.Add("licenceModels", $"each item of 'licenceModels' must be one of: {string.Join(", ", LicenceModel.All)}.");
        }

        // A patent number without a filed or granted patent would tell licensees something untrue.
        if (PatentNumbers is { Count: > 0 } && IpStatus is not ("filed" or "granted"))
        {
            errors.Add("patentNumbers", "'patentNumbers' needs 'ipStatus' filed or granted.");
        }

        return errors;
    }

    /// <summary>The language as given, else detected from the public text.</summary>
    public string ResolveLanguage() => Language ?? LanguageDetector.Detect($"{Title}\n{Summary}");

    /// <summary>Parameters for the columns the body writes, plus the ones publish and update add around them.</summary>
    internal object ToSqlParameters(Guid id, string language, DateTimeOffset now, Caller caller) => new
    {
        Id = id,
        OrganisationId = caller.OrganisationId,
        Title,
        Summary,
        Details,
        Sector,
        Keywords = JsonList.Format(Keywords),
        Trl,
        IpStatus,
        PatentNumbers = JsonList.Format(PatentNumbers),
        LicenceModels = JsonList.Format(LicenceModels?.Distinct().ToList()),
        Language = language,
        Status = TechnologyStatus.Published,
        Now = now,
        CreatedBy = caller.UserId,
    };

    /// <summary>The technology this body describes once written (the owner's view, details included).</summary>
    internal TechnologyResponse ToResponse(Guid id, Guid organisationId, string language, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(
        id, organisationId, Title!, Summary!, Details, Sector!, Keywords ?? [], Trl, IpStatus, PatentNumbers ?? [],
        LicenceModels?.Distinct().ToList() ?? [], language, TechnologyStatus.Published, createdAt, updatedAt);
}

/// <summary>Outcome of a write slice, mapped to HTTP by its endpoint and read as is by the Host's seeder.</summary>
public enum TechnologyOutcome
{
    Ok,
    Created,
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
}

public sealed record TechnologyResult(TechnologyOutcome Outcome, TechnologyResponse? Technology = null, ValidationErrors? Errors = null)
{
    public static TechnologyResult Invalid(ValidationErrors errors) => new(TechnologyOutcome.Invalid, Errors: errors);

    public static readonly TechnologyResult NotFound = new(TechnologyOutcome.NotFound);

    public static readonly TechnologyResult Forbidden = new(TechnologyOutcome.Forbidden);

    public static readonly TechnologyResult Conflict = new(TechnologyOutcome.Conflict);

    /// <summary>The HTTP answer for every outcome but <see cref="TechnologyOutcome.Created"/>, which needs its Location.</summary>
    public IResult ToHttp() => Outcome switch
    {
        TechnologyOutcome.Ok or TechnologyOutcome.Created => TypedResults.Ok(Technology),
        TechnologyOutcome.Invalid => Errors!.ToResult(),
        TechnologyOutcome.NotFound => TypedResults.Problem(title: "Technology not found.", statusCode: StatusCodes.Status404NotFound),
        TechnologyOutcome.Forbidden => TypedResults.Problem(
            title: "Only the owning organisation may change this technology.", statusCode: StatusCodes.Status403Forbidden),
        TechnologyOutcome.Conflict => TypedResults.Problem(
            title: "The technology is withdrawn and cannot change.", statusCode: StatusCodes.Status409Conflict),
        _ => throw new InvalidOperationException($"Unknown outcome {Outcome}"),
    };
}

/// <summary>A technologies row as read by the slices.</summary>
internal sealed class TechnologyRow
{
    /// <summary>The select list every read uses, aliased to this class's properties.</summary>
    public const string Columns = """
        id AS Id, organisation_id AS OrganisationId, title AS Title, summary AS Summary, details AS Details,
        sector AS Sector, keywords AS Keywords, trl AS Trl, ip_status AS IpStatus, patent_numbers AS PatentNumbers,
        licence_models AS LicenceModels, language AS Language, status AS Status, created_at AS CreatedAt,
        updated_at AS UpdatedAt
        """;

    public Guid Id { get; init; }
    public Guid OrganisationId { get; init; }
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public string? Details { get; init; }
    public string Sector { get; init; } = "";
    public string Keywords { get; init; } = "[]";
    public int? Trl { get; init; }
    public string? IpStatus { get; init; }
    public string PatentNumbers { get; init; } = "[]";
    public string LicenceModels { get; init; } = "[]";
    public string Language { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsWithdrawn => Status == TechnologyStatus.Withdrawn;

    public bool IsOwnedBy(Caller caller) => OrganisationId == caller.OrganisationId;

    /// <summary>A withdrawn technology exists only for its owner and staff.</summary>
    public bool IsVisibleTo(Caller caller) => !IsWithdrawn || IsOwnedBy(caller) || caller.IsStaff;

    /// <summary>Whether <paramref name="caller"/> may read the NDA details: owner, staff, or an enterprise with an NDA signed in a deal.</summary>
    public bool DetailsOpenTo(Caller caller, bool ndaSigned) => IsOwnedBy(caller) || caller.IsStaff || ndaSigned;

    /// <summary>The NDA details go to the owner, staff, and enterprises whose deal with it reached nda-signed.</summary>
    public TechnologyResponse ToResponse(Caller caller, bool ndaSigned = false) => new(
        Id, OrganisationId, Title, Summary,
        DetailsOpenTo(caller, ndaSigned) ? Details : null,
        Sector, JsonList.Parse(Keywords), Trl, IpStatus, JsonList.Parse(PatentNumbers), JsonList.Parse(LicenceModels),
        Language, Status, CreatedAt, UpdatedAt, !DetailsOpenTo(caller, ndaSigned));

    public static Task<TechnologyRow?> FindAsync(
        DbConnection connection, Guid id, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<TechnologyRow>(new CommandDefinition(
            $"""
            SELECT {Columns}
            FROM technologies
            WHERE id = @Id
            """,
            new { Id = id },
            transaction,
            cancellationToken: cancellationToken));
}

/// <summary>Lists are stored as JSON text; non-ASCII is kept as is so a LIKE search finds Chinese keywords.</summary>
internal static class JsonList
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(IReadOnlyList<string>? values) => JsonSerializer.Serialize(values ?? [], Options);

    public static IReadOnlyList<string> Parse(string json) => JsonSerializer.Deserialize<string[]>(json, Options) ?? [];
}
