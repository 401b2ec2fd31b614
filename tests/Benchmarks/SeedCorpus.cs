using System.Text.Json;
using System.Text.RegularExpressions;
using Matchmaking.Matching.Engine;

namespace Matchmaking.Benchmarks;

/// <summary>One seed listing cut into the parts the generator recombines.</summary>
public sealed record SeedListing(
    ListingKind Kind,
    string Title,
    IReadOnlyList<string> Sentences,
    IReadOnlyList<string> Keywords,
    string? Sector,
    int? Trl,
    string Language);

/// <summary>
/// The demo technologies and needs from <c>seeds/</c>, with the sector codes of the taxonomy: the vocabulary the
/// benchmark's generated listings are made of, so the index sees the words, scripts and lengths real listings have.
/// </summary>
public sealed partial class SeedCorpus
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public SeedCorpus(IReadOnlyList<SeedListing> listings, IReadOnlyList<string> sectors)
    {
        if (!listings.Any(l => l.Kind == ListingKind.Technology) || !listings.Any(l => l.Kind == ListingKind.Need))
        {
            throw new ArgumentException("The seeds need at least one technology and one need.", nameof(listings));
        }

        Listings = listings;
        Sectors = sectors.Count > 0 ? sectors : [.. listings.Select(l => l.Sector).OfType<string>().Distinct()];
    }

    public IReadOnlyList<SeedListing> Listings { get; }

    public IReadOnlyList<string> Sectors { get; }

    /// <summary>Reads <c>technologies.json</c>, <c>needs.json</c> and (when present) <c>taxonomy.json</c>.</summary>
    public static SeedCorpus Load(string directory)
    {
        var technologies = Read<SeedTechnology>(directory, "technologies.json")
            .Select(t => Cut(ListingKind.Technology, t.Title, t.Summary, t.Keywords, t.Sector, t.Trl, t.Language));
        var needs = Read<SeedNeed>(directory, "needs.json")
            .Select(n => Cut(ListingKind.Need, n.Title, n.Problem, n.Keywords, n.Sector, n.MinTrl, n.Language));
        var taxonomy = File.Exists(Path.Combine(directory, "taxonomy.json"))
            ? Read<SeedSector>(directory, "taxonomy.json").Select(s => s.Code).ToList()
            : [];
        return new SeedCorpus([.. technologies, .. needs], taxonomy);
    }

    /// <summary>
    /// The seeds folder: next to the program (the Host copies it there), else the nearest <c>seeds/</c> above the
    /// program or the working directory (a run from the repository).
    /// </summary>
    public static string FindDirectory()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "seeds");
        if (File.Exists(Path.Combine(beside, "technologies.json")))
        {
            return beside;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "seeds");
                if (File.Exists(Path.Combine(candidate, "technologies.json")) && File.Exists(Path.Combine(candidate, "needs.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("No seeds/ folder with technologies.json and needs.json next to the program or above it.");
    }

    /// <summary>Sentences end at . ! ? followed by a space (English) or at 。！？ (Chinese, which has no spaces).</summary>
    public static IReadOnlyList<string> Sentences(string text) =>
        SentenceEnd().Split(text.Trim()).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    private static SeedListing Cut(ListingKind kind, string title, string body, IReadOnlyList<string>? keywords, string? sector, int? trl, string language) =>
        new(kind, title.Trim(), Sentences(body), keywords ?? [], sector, trl, language);

    private static List<T> Read<T>(string directory, string file)
    {
        using var stream = File.OpenRead(Path.Combine(directory, file));
        return JsonSerializer.Deserialize<List<T>>(stream, s_json) ?? [];
    }

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[\p{Lu}\p{N}""(])|(?<=[。！？])")]
    private static partial Regex SentenceEnd();

    private sealed record SeedTechnology(string Title, string Summary, List<string>? Keywords, string? Sector, int? Trl, string Language);

    private sealed record SeedNeed(string Title, string Problem, List<string>? Keywords, string? Sector, int? MinTrl, string Language);

    private sealed record SeedSector(string Code);
}
