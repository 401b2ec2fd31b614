using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Admin;

public sealed class UsersModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public IReadOnlyList<JsonElement> Organisations { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var users = GetAsync("/api/users");
        var organisations = GetAsync("/api/organisations");
        Items = ListOf(await users);
        Organisations = ListOf(await organisations);
    }

    public string OrganisationName(string? id) =>
        Organisations.FirstOrDefault(o => o.Str("id") == id) is { ValueKind: JsonValueKind.Object } o ? o.Str("name") ?? "" : id ?? "";

    /// <summary>What the admin typed (not the password), shown again when the API refused it.</summary>
    public sealed record TypedUser(string? Email = null, string? DisplayName = null, string? Role = null, string? OrganisationId = null);

    public TypedUser Typed { get; private set; } = new();

    public async Task<IActionResult> OnPostAsync(string? email, string? displayName, string? role, Guid? organisationId, string? password)
    {
        Typed = new TypedUser(email, displayName, role, organisationId?.ToString());
        var result = await PostAsync("/api/users", new { email, displayName, role, organisationId, password });
        if (result.Ok)
        {
            return Back("admin.saved", "/admin/users");
        }

        Error = Describe(result);
        await OnGetAsync();
        return Page();
    }
}
