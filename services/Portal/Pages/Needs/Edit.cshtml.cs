using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Needs;

public sealed class EditModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public NeedForm Form { get; set; } = new();

    public ApiResult? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var result = await GetAsync($"/api/needs/{Id}");
        if (!result.Ok)
        {
            return NotFound();
        }

        // Only the owner edits, and only while it is open: anyone else would fill a form the API refuses to save.
        if (!IsEnterprise || result.Body.Str("organisationId") != OrganisationId.ToString())
        {
            return Forbid(UiModule.CookieScheme);
        }

        if (result.Body.Str("status") != "open")
        {
            return LocalRedirect($"/needs/{Id}");
        }

        Form = NeedForm.From(result.Body);
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
