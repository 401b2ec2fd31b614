using System.Data.Common;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Text;
using Matchmaking.ServiceDefaults.Web;
using Matchmaking.Text;

namespace Matchmaking.Needs.Api;

public static class NeedStatus
{
    public const string Open = "open";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Open, Closed];
}

public static class NeedVisibility
{
    public const string Public = "public";
    /// <summary>Shown to everyone signed in, but without the owning organisation.</summary>
    public const string Anonymous = "anonymous";
    /// <summary>Seen only by its owner and centre staff; to anyone else it does not exist.</summary>
    public const string StaffOnly = "staff-only";

    public static readonly IReadOnlyList<string> All = [Public, Anonymous, StaffOnly];
}

public sealed record BudgetResponse(decimal Min, decimal Max, string Currency);

/// <summary>A need as the API shows it; <see cref="OrganisationId"/> is null when the caller may not know the owner.</summary>
public sealed record NeedResponse(
    Guid Id,
    Guid? OrganisationId,
    string Title,
    string Problem,
    string? Sector,
    IReadOnlyList<string> Keywords,
    int? MinTrl,
    BudgetResponse? Budget,
    DateOnly? Deadline,
    string Visibility,
    string Language,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record BudgetBody(decimal? Min, decimal? Max, string? Currency);

/// <summary>
/// The body of post and update: what the owning enterprise writes (never its organisation or status; unknown
/// fields are refused by the JSON options, so they cannot be smuggled in).
/// </summary>
public sealed partial record NeedBody(
    string? Title,
    string? Problem,
    string? Sector,
    IReadOnlyList<string>? Keywords,
    int? MinTrl,
    BudgetBody? Budget,
    DateOnly? Deadline,
    string? Visibility,
    string? Language)
{
    public const int TitleMaxLength = 200;
    public const int ProblemMaxLength = 8_000;
    public const int MaxKeywords = 30;
    public const int KeywordMaxLength = 100;
    /// <summary>Far above any real budget; keeps amounts within what both databases store exactly.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <param name="today">The current date (UTC); a deadline before it is refused.</param>
    /// <param name="storedDeadline">On update, the need's current deadline, which may be kept even once it has passed.</param>
    public ValidationErrors Validate(DateOnly today, DateOnly? storedDeadline = null)
    {
        var errors = new ValidationErrors()
            .Required("title", Title, TitleMaxLength)
            .Required("problem", Problem, ProblemMaxLength)
            .Items("keywords", Keywords, MaxKeywords, KeywordMaxLength)
            .Range("minTrl", MinTrl, 1, 9)
            .OneOf("visibility", Visibility, NeedVisibility.All)
            .OneOf("language", Language, LanguageDetector.Supported)
            .SectorCode("sector", Sector);

        if (Deadline is { } deadline && deadline < today && deadline != storedDeadline)
        {
            errors.Add("deadline", "'deadline' must not be in the past.");
        }

        if (Budget is { } budget)
        {
            ValidateBudget(budget, errors);
        }

        return errors;
    }

    /// <summary>The language as given, else detected from the title and the problem.</summary>
    public string ResolveLanguage() => Language ?? LanguageDetector.Detect($"{Title}\n{Problem}");

    internal object ToSqlParameters(Guid id, Guid organisationId, string visibility, string language, DateTimeOffset now, Caller caller) => new
    {
        Id = id,
        OrganisationId = organisationId,
        Title,
        Problem,
        Sector,
        Keywords = JsonList.Format(Keywords),
        MinTrl,
        BudgetMin = Budget?.Min,
        BudgetMax = Budget?.Max,
        BudgetCurrency = Budget?.Currency,
        Deadline = Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Visibility = visibility,
        Language = language,
        Status = NeedStatus.Open,
        Now = now,
        CreatedBy = caller.UserId,
    };

    /// <summary>The need as written, seen by its owner.</summary>
    internal NeedResponse ToResponse(
        Guid id, Guid organisationId, string visibility, string language, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(
        id, organisationId, Title!, Problem!, Sector, Keywords ?? [], MinTrl,
        Budget is { Min: { } min, Max: { } max, Currency: { } currency }
            ? new BudgetResponse(Amount.Normalise(min), Amount.Normalise(max), currency)
            : null,
        Deadline, visibility, language, NeedStatus.Open, createdAt, updatedAt);

    private static void ValidateBudget(BudgetBody budget, ValidationErrors errors)
    {
        if (budget.Min is not { } min)
        {
            errors.Add("budget.min", "'budget.min' is required when a budget is given.");
        }
        else if (min < 0 || min > MaxAmount)
        {
            errors.Add("budget.min", $"'budget.min' must be between 0 and {MaxAmount:0}.");
        }

        if (budget.Max is not { } max)
        {
            errors.Add("budget.max", "'budget.max' is required when a budget is given.");
        }
        else if (max > MaxAmount)
        {
            errors.Add("budget.max", $"'budget.max' must be at most {MaxAmount:0}.");
        }
        else if (budget.Min is { } lower && max < lower)
        {
            errors.Add("budget.max", "'budget.max' must not be less than 'budget.min'.");
        }

        if (budget.Currency is null || !CurrencyCode().IsMatch(budget.Currency))
        {
            errors.Add("budget.currency", "'budget.currency' must be an ISO 4217 code of three upper-case letters, such as HKD, CNY, USD or EUR.");
        }
    }

    // Echoing a huge unknown value back would bloat the problem response.
    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}

/// <summary>Outcome of a write slice, mapped to HTTP by its endpoint and read as is by the Host's seeder.</summary>
public enum NeedOutcome
{
    Ok,
    Created,
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
}

public sealed record NeedResult(NeedOutcome Outcome, NeedResponse? Need = null, ValidationErrors? Errors = null)
{
    public static readonly NeedResult NotFound = new(NeedOutcome.NotFound);

    public static readonly NeedResult Forbidden = new(NeedOutcome.Forbidden);

    public static readonly NeedResult Conflict = new(NeedOutcome.Conflict);

    public static NeedResult Invalid(ValidationErrors errors) => new(NeedOutcome.Invalid, Errors: errors);

    /// <summary>The HTTP answer for every outcome but <see cref="NeedOutcome.Created"/>, which needs its Location.</summary>
    public IResult ToHttp(string forbiddenTitle, string conflictTitle) => Outcome switch
    {
        NeedOutcome.Ok or NeedOutcome.Created => TypedResults.Ok(Need),
        NeedOutcome.Invalid => Errors!.ToResult(),
        NeedOutcome.NotFound => TypedResults.Problem(title: "Need not found.", statusCode: StatusCodes.Status404NotFound),
        NeedOutcome.Forbidden => TypedResults.Problem(title: forbiddenTitle, statusCode: StatusCodes.Status403Forbidden),
        NeedOutcome.Conflict => TypedResults.Problem(title: conflictTitle, statusCode: StatusCodes.Status409Conflict),
        _ => throw new InvalidOperationException($"Unknown outcome {Outcome}"),
    };
}

/// <summary>A needs row as read by the slices.</summary>
internal sealed class NeedRow
{
    /// <summary>
    /// The select list after the organisation, aliased to this class's properties; each read chooses how it selects
    /// <c>organisation_id</c> (the list hides it in SQL). Amounts are read as text: SQLite hands back numeric values
    /// as integer or real row by row, text is exact in both dialects.
    /// </summary>
    public const string ColumnsAfterOrganisation = """
        title AS Title, problem AS Problem, sector AS Sector, keywords AS Keywords, min_trl AS MinTrl,
        CAST(budget_min AS text) AS BudgetMin, CAST(budget_max AS text) AS BudgetMax, budget_currency AS BudgetCurrency,
        deadline AS Deadline, visibility AS Visibility, language AS Language, status AS Status,
        created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public Guid Id { get; init; }
    public Guid? OrganisationId { get; init; }
    public string Title { get; init; } = "";
    public string Problem { get; init; } = "";
    public string? Sector { get; init; }
    public string Keywords { get; init; } = "[]";
    public int? MinTrl { get; init; }
    public string? BudgetMin { get; init; }
    public string? BudgetMax { get; init; }
    public string? BudgetCurrency { get; init; }
    public DateOnly? Deadline { get; init; }
    public string Visibility { get; init; } = "";
    public string Language { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsClosed => Status == NeedStatus.Closed;

    public bool IsOwnedBy(Caller caller) => OrganisationId == caller.OrganisationId;

    /// <summary>Owner and staff see every need; others only open needs that are not staff-only.</summary>
    public bool IsVisibleTo(Caller caller) =>
        IsOwnedBy(caller) || caller.IsStaff || (!IsClosed && Visibility != NeedVisibility.StaffOnly);

    /// <param name="introduced">A deal introduced the caller's university to this need's owner, so an anonymous need shows its owner.</param>
    public NeedResponse ToResponse(Caller caller, bool introduced = false) => new(
        Id,
        IsOwnedBy(caller) || caller.IsStaff || Visibility != NeedVisibility.Anonymous || introduced ? OrganisationId : null,
        Title, Problem, Sector, JsonList.Parse(Keywords), MinTrl,
        BudgetMin is not null && BudgetMax is not null && BudgetCurrency is not null
            ? new BudgetResponse(Amount.Parse(BudgetMin), Amount.Parse(BudgetMax), BudgetCurrency)
            : null,
        Deadline, Visibility, Language, Status, CreatedAt, UpdatedAt);

    public static Task<NeedRow?> FindAsync(
        DbConnection connection, Guid id, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<NeedRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, organisation_id AS OrganisationId, {ColumnsAfterOrganisation}
            FROM needs
            WHERE id = @Id
            """,
            new { Id = id },
            transaction,
            cancellationToken: cancellationToken));
}

internal static class Amount
{
    public static decimal Parse(string text) =>
        Normalise(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>300000.00 and 300000 are one amount; both dialects then answer the same JSON.</summary>
    public static decimal Normalise(decimal value) => value / 1.000000000000000000000000000000000m;
}

/// <summary>Lists are stored as JSON text; non-ASCII is kept as is so a LIKE search finds Chinese keywords.</summary>
internal static class JsonList
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(IReadOnlyList<string>? values) => JsonSerializer.Serialize(values ?? [], Options);

    public static IReadOnlyList<string> Parse(string json) => JsonSerializer.Deserialize<string[]>(json, Options) ?? [];
}
