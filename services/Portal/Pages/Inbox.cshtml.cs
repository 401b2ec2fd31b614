using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages;

public sealed class InboxModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public long Total { get; private set; }

    public long Unread { get; private set; }

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync()
    {
        var result = await GetAsync($"/api/notifications?page={PageNo}&pageSize=20");
        Unavailable = result.NotAvailable;
        Items = ListOf(result);
        Total = result.Ok ? result.Body.Obj("total")?.GetInt64() ?? Items.Count : 0;
        Unread = result.Ok ? result.Body.Obj("unread")?.GetInt64() ?? 0 : 0;
    }

    public async Task<IActionResult> OnPostReadAsync(Guid id)
    {
        await PostAsync($"/api/notifications/{id}/read", null);
        return LocalRedirect("/inbox");
    }

    public async Task<IActionResult> OnPostReadAllAsync()
    {
        await PostAsync("/api/notifications/read-all", null);
        return LocalRedirect("/inbox");
    }
}
