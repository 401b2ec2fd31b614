using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages;

public sealed class SearchModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sector { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? MinTrl { get; set; }

    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public long Total { get; private set; }

    public IReadOnlyList<(string Code, int Count)> Facets { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Type = Type is "technology" or "need" ? Type : null;
        Sector = string.IsNullOrWhiteSpace(Sector) ? null : Sector;
        var result = await GetAsync($"/api/search?{Query(Sector)}&page={PageNo}&pageSize=20");
        if (!result.Ok)
        {
            Error = Describe(result);
            return;
        }

        Items = ListOf(result);
        Total = result.Body.Obj("total")?.GetInt64() ?? Items.Count;
        if (result.Body.Obj("facets")?.Obj("sector") is { ValueKind: JsonValueKind.Object } sectors)
        {
            Facets = sectors.EnumerateObject()
                .Select(p => (p.Name, p.Value.TryGetInt32(out var n) ? n : 0))
                .OrderByDescending(p => p.Item2).ToList();
        }
    }

    private string Query(string? sector)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            parts.Add($"q={Uri.EscapeDataString(Q.Trim())}");
        }

        if (Type is not null)
        {
            parts.Add($"type={Type}");
        }

        if (sector is not null)
        {
            parts.Add($"sector={Uri.EscapeDataString(sector)}");
        }

        if (MinTrl is >= 1 and <= 9)
        {
            parts.Add($"minTrl={MinTrl}");
        }

        return string.Join("&", parts);
    }

    public string Link(string? sector) => $"/search?{Query(sector)}";
}
