using System.Globalization;
using System.Text.Json;

namespace Matchmaking.Portal.Ui;

/// <summary>The technology form: the fields of API.md, as a browser posts them.</summary>
public sealed class TechnologyForm
{
    public static readonly IReadOnlyList<string> IpStatuses = ["none", "filed", "granted"];
    public static readonly IReadOnlyList<string> LicenceModels = ["exclusive", "non-exclusive", "field-of-use", "assignment", "collaboration"];

    public string? Title { get; set; }
    public string? Summary { get; set; }
    public string? Details { get; set; }
    public string? Sector { get; set; }
    public string? Keywords { get; set; }
    public int? Trl { get; set; }
    public string? IpStatus { get; set; }
    public string? PatentNumbers { get; set; }
    public List<string> Licences { get; set; } = [];
    public string? Language { get; set; }

    /// <summary>The JSON body of POST and PUT /api/technologies: exactly the documented fields.</summary>
    public object ToBody() => new
    {
        title = Title?.Trim(),
        summary = Summary?.Trim(),
        details = Blank(Details),
        sector = Blank(Sector),
        keywords = Split(Keywords),
        trl = Trl,
        ipStatus = Blank(IpStatus),
        patentNumbers = Split(PatentNumbers),
        licenceModels = Licences.Where(l => !string.IsNullOrWhiteSpace(l)).Distinct().ToList(),
        language = Blank(Language),
    };

    public static TechnologyForm From(JsonElement t) => new()
    {
        Title = t.Str("title"),
        Summary = t.Str("summary"),
        Details = t.Str("details"),
        Sector = t.Str("sector"),
        Keywords = string.Join(", ", t.Strings("keywords")),
        Trl = t.Int("trl"),
        IpStatus = t.Str("ipStatus"),
        PatentNumbers = string.Join(", ", t.Strings("patentNumbers")),
        Licences = t.Strings("licenceModels").ToList(),
        Language = t.Str("language"),
    };

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A comma- (or 、，;) separated list as the API's array.</summary>
    internal static List<string> Split(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split([',', '，', '、', ';', '；', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

/// <summary>The need form, in plain language: the fields of API.md.</summary>
public sealed class NeedForm
{
    public static readonly IReadOnlyList<string> Visibilities = ["public", "anonymous", "staff-only"];

    public string? Title { get; set; }
    public string? Problem { get; set; }
    public string? Sector { get; set; }
    public string? Keywords { get; set; }
    public int? MinTrl { get; set; }
    public decimal? BudgetMin { get; set; }
    public decimal? BudgetMax { get; set; }
    public string? Currency { get; set; } = "HKD";
    public DateOnly? Deadline { get; set; }
    public string Visibility { get; set; } = "public";
    public string? Language { get; set; }

    public object ToBody() => new
    {
        title = Title?.Trim(),
        problem = Problem?.Trim(),
        sector = TechnologyForm.Blank(Sector),
        keywords = TechnologyForm.Split(Keywords),
        minTrl = MinTrl,
        budget = BudgetMin is null && BudgetMax is null
            ? null
            : new { min = BudgetMin ?? 0, max = BudgetMax ?? BudgetMin, currency = TechnologyForm.Blank(Currency) ?? "HKD" },
        deadline = Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        visibility = Visibility,
        language = TechnologyForm.Blank(Language),
    };

    public static NeedForm From(JsonElement n)
    {
        var budget = n.Obj("budget");
        return new NeedForm
        {
            Title = n.Str("title"),
            Problem = n.Str("problem"),
            Sector = n.Str("sector"),
            Keywords = string.Join(", ", n.Strings("keywords")),
            MinTrl = n.Int("minTrl"),
            BudgetMin = budget is { } b && b.Num("min") is { } min ? (decimal)min : null,
            BudgetMax = budget is { } c && c.Num("max") is { } max ? (decimal)max : null,
            Currency = budget?.Str("currency") ?? "HKD",
            Deadline = DateOnly.TryParse(n.Str("deadline"), CultureInfo.InvariantCulture, out var d) ? d : null,
            Visibility = n.Str("visibility") ?? "public",
            Language = n.Str("language"),
        };
    }
}
