using Matchmaking.Portal.Ui;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Needs;

public sealed class EditModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public NeedForm Form { get; set; } = new();

    public ApiResult? Result { get; private set; }

    /// <summary>The title as stored, for the heading: a refused save shows the form as typed under the title it had.</summary>
    [BindProperty]
    public string? Heading { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var result = await GetAsync($"/api/needs/{Id}");
        if (!result.Ok)
        {
            return NotFound();
        }

        if (RefuseEdit(result.Body, Roles.Enterprise, "open", $"/needs/{Id}") is { } refusal)
        {
            return refusal;
        }

        Form = NeedForm.From(result.Body);
        Heading = Form.Title;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Result = await PutAsync($"/api/needs/{Id}", Form.ToBody());
        if (!Result.Ok)
        {
            Error = Describe(Result);
            return Page();
        }

        return Back("need.saved", $"/needs/{Id}");
    }
}
