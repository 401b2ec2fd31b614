using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages;

public sealed class SignOutModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(UiModule.CookieScheme);
        return LocalRedirect("/signin");
    }
}
