using System.Text;
using System.Text.Json;

namespace Matchmaking.Matching.Engine.Bridging;

/// <summary>One concept of the domain glossary: the same term in English and Chinese, in one sector.</summary>
/// <param name="English">Lowercase English alternates, preferred first.</param>
/// <param name="Chinese">Chinese alternates as written (Simplified, then Traditional), preferred first.</param>
/// <param name="Symptom">A plain-language symptom phrase rather than a technical term.</param>
public sealed record GlossaryTerm(int Id, string Sector, IReadOnlyList<string> English, IReadOnlyList<string> Chinese, bool Symptom);

/// <summary>A symptom in a factory's words and the methods a research result would name for it.</summary>
public sealed record GlossarySymptom(
    int Id, string Sector, IReadOnlyList<string> SymptomEnglish, IReadOnlyList<string> SymptomChinese,
    IReadOnlyList<string> MethodEnglish, IReadOnlyList<string> MethodChinese);

/// <summary>A written-Cantonese word and its standard Mandarin; <see cref="Mandarin"/> is empty for a particle to drop.</summary>
/// <param name="StandaloneOnly">The character also occurs inside ordinary words, so only a token of its own is replaced.</param>
public sealed record CantoneseWord(string Cantonese, string Mandarin, bool StandaloneOnly)
{
    /// <summary>
    /// Every Mandarin equivalent the table gives, <see cref="Mandarin"/> first (佢: 他, 她, 它): the text takes the first,
    /// the dictionary bridge translates them all.
    /// </summary>
    public IReadOnlyList<string> Alternatives { get; init; } = Mandarin.Length == 0 ? [] : [Mandarin];
}

/// <summary>
/// The project's domain glossary (<c>seeds/glossary</c>): bilingual terms by sector, symptoms mapped to methods, and
/// written Cantonese mapped to Mandarin; plus each sector's related sectors from <c>seeds/taxonomy.json</c>.
/// The embedded copy is the default; a folder holding the same files can replace it.
/// </summary>
public sealed class DomainGlossary
{
    private const string ResourcePrefix = "Matchmaking.Matching.Engine.Glossary.";
    private const string GlossaryFile = "glossary.tsv";
    private const string SymptomsFile = "symptoms.tsv";
    private const string CantoneseFile = "cantonese.tsv";
    private const string TaxonomyResource = "Matchmaking.Matching.Engine.taxonomy.json";

    private static readonly Lazy<DomainGlossary> s_embedded = new(LoadEmbedded);

    private DomainGlossary(
        IReadOnlyList<GlossaryTerm> terms,
        IReadOnlyList<GlossarySymptom> symptoms,
        IReadOnlyList<CantoneseWord> cantonese,
        IReadOnlyDictionary<string, IReadOnlyList<string>> relatedSectors)
    {
        Terms = terms;
        Symptoms = symptoms;
        Cantonese = cantonese;
        RelatedSectors = relatedSectors;
    }

    /// <summary>The copy embedded in the engine.</summary>
    public static DomainGlossary Embedded => s_embedded.Value;

    public IReadOnlyList<GlossaryTerm> Terms { get; }

    public IReadOnlyList<GlossarySymptom> Symptoms { get; }

    public IReadOnlyList<CantoneseWord> Cantonese { get; }

    /// <summary>Sector code → the codes the taxonomy lists as related to it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RelatedSectors { get; }

    /// <summary>Reads <c>glossary.tsv</c>, <c>symptoms.tsv</c> and <c>cantonese.tsv</c> from a folder; related sectors from the embedded taxonomy.</summary>
    public static DomainGlossary Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return new DomainGlossary(
            ParseTerms(File.ReadAllText(Path.Combine(folder, GlossaryFile), Encoding.UTF8)),
            ParseSymptoms(File.ReadAllText(Path.Combine(folder, SymptomsFile), Encoding.UTF8)),
            ParseCantonese(File.ReadAllText(Path.Combine(folder, CantoneseFile), Encoding.UTF8)),
            Embedded.RelatedSectors);
    }

    /// <summary>Whether two sectors are the same (1), related in the taxonomy (0.5), or neither or unknown (0).</summary>
    public double SectorAffinity(string? a, string? b)
    {
        if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b))
        {
            return 0;
        }

        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 1;
        }

        return (RelatedSectors.TryGetValue(a, out var related) && related.Contains(b, StringComparer.Ordinal))
            || (RelatedSectors.TryGetValue(b, out var reverse) && reverse.Contains(a, StringComparer.Ordinal))
            ? 0.5
            : 0;
    }

    private static DomainGlossary LoadEmbedded() => new(
        ParseTerms(ReadResource(ResourcePrefix + GlossaryFile)),
        ParseSymptoms(ReadResource(ResourcePrefix + SymptomsFile)),
        ParseCantonese(ReadResource(ResourcePrefix + CantoneseFile)),
        ParseTaxonomy(ReadResource(TaxonomyResource)));

    private static string ReadResource(string name)
    {
        var assembly = typeof(DomainGlossary).Assembly;
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource '{name}' is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // sector, en, zh_hans, zh_hant, kind
    private static List<GlossaryTerm> ParseTerms(string text) =>
        Rows(text, 5)
            .Select((columns, index) => new GlossaryTerm(
                index,
                columns[0],
                Alternates(columns[1]),
                Alternates(columns[2]).Concat(Alternates(columns[3])).Distinct(StringComparer.Ordinal).ToList(),
                string.Equals(columns[4], "symptom", StringComparison.Ordinal)))
            .ToList();

    // sector, symptom_en, symptom_zh_hans, symptom_zh_hant, method_en, method_zh_hans
    private static List<GlossarySymptom> ParseSymptoms(string text) =>
        Rows(text, 6)
            .Select((columns, index) => new GlossarySymptom(
                index,
                columns[0],
                Alternates(columns[1]),
                Alternates(columns[2]).Concat(Alternates(columns[3])).Distinct(StringComparer.Ordinal).ToList(),
                Alternates(columns[4]),
                Alternates(columns[5])))
            .ToList();

    // cantonese, mandarin_hans, note
    private static List<CantoneseWord> ParseCantonese(string text) =>
        Rows(text, 2)
            .Select(columns => new CantoneseWord(
                columns[0].Trim(),
                Alternates(columns[1]).FirstOrDefault() ?? "",
                columns.Length > 2 && columns[2].Contains("standalone word only", StringComparison.OrdinalIgnoreCase))
            {
                Alternatives = Alternates(columns[1]),
            })
            .Where(word => word.Cantonese.Length > 0)
            .ToList();

    private static Dictionary<string, IReadOnlyList<string>> ParseTaxonomy(string json)
    {
        using var document = JsonDocument.Parse(json);
        var related = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var sector in document.RootElement.EnumerateArray())
        {
            if (sector.TryGetProperty("code", out var code) && code.GetString() is { } value)
            {
                related[value] = sector.TryGetProperty("related", out var list)
                    ? list.EnumerateArray().Select(item => item.GetString() ?? "").Where(item => item.Length > 0).ToList()
                    : [];
            }
        }

        return related;
    }

    // Data rows (the header skipped) with at least the given number of columns.
    private static IEnumerable<string[]> Rows(string text, int minimumColumns) =>
        text.Split('\n')
            .Skip(1)
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Where(columns => columns.Length >= minimumColumns);

    private static List<string> Alternates(string cell) =>
        cell.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}
