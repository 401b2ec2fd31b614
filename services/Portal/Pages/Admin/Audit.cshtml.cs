using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Admin;

public sealed class AuditModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public string? ResourceType { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ResourceId { get; set; }

    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public long Total { get; private set; }

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync()
    {
        var path = $"/api/audit?page={PageNo}&pageSize=50"
                   + (string.IsNullOrWhiteSpace(ResourceType) ? "" : $"&resourceType={Uri.EscapeDataString(ResourceType)}")
                   + (string.IsNullOrWhiteSpace(ResourceId) ? "" : $"&resourceId={Uri.EscapeDataString(ResourceId)}");
        var result = await GetAsync(path);
        Unavailable = result.NotAvailable;
        Items = ListOf(result);
        Total = result.Ok ? result.Body.Obj("total")?.GetInt64() ?? Items.Count : 0;
    }
}
