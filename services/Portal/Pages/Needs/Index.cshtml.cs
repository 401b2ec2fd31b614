using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Needs;

public sealed class IndexModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sector { get; set; }

    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public long Total { get; private set; }

    public async Task OnGetAsync()
    {
        var path = $"/api/needs?page={PageNo}&pageSize=20"
                   + (IsEnterprise ? "&mine=true" : "")
                   + (string.IsNullOrWhiteSpace(Q) ? "" : $"&q={Uri.EscapeDataString(Q)}")
                   + (string.IsNullOrWhiteSpace(Sector) ? "" : $"&sector={Uri.EscapeDataString(Sector)}");
        var result = await GetAsync(path);
        if (!result.Ok)
        {
            Error = Describe(result);
            return;
        }

        Items = ListOf(result);
        Total = result.Body.Obj("total")?.GetInt64() ?? Items.Count;
    }
}
