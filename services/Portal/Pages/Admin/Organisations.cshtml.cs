using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Admin;

public sealed class OrganisationsModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public async Task OnGetAsync() => Items = ListOf(await GetAsync("/api/organisations"));

    public async Task<IActionResult> OnPostAsync(string? name, string? nameZh, string? kind, string? sector)
    {
        var result = await PostAsync("/api/organisations", new
        {
            name,
            nameZh = string.IsNullOrWhiteSpace(nameZh) ? null : nameZh,
            kind,
            sector = string.IsNullOrWhiteSpace(sector) ? null : sector,
        });
        if (result.Ok)
        {
            return Back("admin.saved", "/admin/organisations");
        }

        Error = Describe(result);
        await OnGetAsync();
        return Page();
    }
}
