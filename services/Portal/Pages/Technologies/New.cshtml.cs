using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Technologies;

public sealed class NewModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty]
    public TechnologyForm Form { get; set; } = new();

    public ApiResult? Result { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Result = await PostAsync("/api/technologies", Form.ToBody());
        if (!Result.Ok)
        {
            Error = Describe(Result);
            return Page();
        }

        return Back("tech.published", $"/technologies/{Result.Body.Str("id")}");
    }
}
