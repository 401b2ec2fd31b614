using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Technologies;

public sealed class EditModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public TechnologyForm Form { get; set; } = new();

    public ApiResult? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var result = await GetAsync($"/api/technologies/{Id}");
        if (!result.Ok)
        {
            return NotFound();
        }

        // Only the owner edits, and only while it is published: anyone else would fill a form the API refuses to save.
        if (!IsUniversity || result.Body.Str("organisationId") != OrganisationId.ToString())
        {
            return Forbid(UiModule.CookieScheme);
        }

        if (result.Body.Str("status") != "published")
        {
            return LocalRedirect($"/technologies/{Id}");
        }

        Form = TechnologyForm.From(result.Body);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Result = await PutAsync($"/api/technologies/{Id}", Form.ToBody());
        if (!Result.Ok)
        {
            Error = Describe(Result);
            return Page();
        }

        return Back("tech.saved", $"/technologies/{Id}");
    }
}
