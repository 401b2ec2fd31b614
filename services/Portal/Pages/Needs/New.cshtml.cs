using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Needs;

public sealed class NewModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty]
    public NeedForm Form { get; set; } = new();

    public ApiResult? Result { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Result = await PostAsync("/api/needs", Form.ToBody());
        if (!Result.Ok)
        {
            Error = Describe(Result);
            return Page();
        }

        return Back("need.posted", $"/needs/{Result.Body.Str("id")}");
    }
}
