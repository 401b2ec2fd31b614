using System.Reflection;
using System.Text.Json;

namespace Matchmaking.ServiceDefaults.Text;

/// <summary>The sector taxonomy from <c>seeds/taxonomy.json</c> (embedded at build), shared by every service for validation.</summary>
public sealed class SectorTaxonomy
{
    private static readonly Lazy<SectorTaxonomy> Embedded = new(Load);

    private readonly Dictionary<string, Sector> _byCode;

    public SectorTaxonomy(IEnumerable<Sector> sectors)
    {
        Sectors = sectors.ToList();
        _byCode = Sectors.ToDictionary(s => s.Code, StringComparer.Ordinal);
    }

    public static SectorTaxonomy Default => Embedded.Value;

    public IReadOnlyList<Sector> Sectors { get; }

    public bool Contains(string? code) => code is not null && _byCode.ContainsKey(code);

    public Sector? Find(string code) => _byCode.GetValueOrDefault(code);

    private static SectorTaxonomy Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("taxonomy.json")
            ?? throw new InvalidOperationException("taxonomy.json is not embedded");
        var sectors = JsonSerializer.Deserialize<List<Sector>>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("taxonomy.json is empty");
        return new SectorTaxonomy(sectors);
    }
}

public sealed record Sector(string Code, string En, string ZhHant, string ZhHans, IReadOnlyList<string> Related);
