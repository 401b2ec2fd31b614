using System.Net;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages;

public sealed class SignInModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // The same endpoint every API client uses: its rate limit and lock-out hold for the form too.
        var result = await Api.PostAsync("/api/auth/token", new { email = Email ?? "", password = Password ?? "" }, Ct);
        if (!result.Ok)
        {
            Error = result.Status switch
            {
                HttpStatusCode.TooManyRequests => T["signin.tooMany"],
                HttpStatusCode.Unauthorized => T["signin.wrong"],
                _ => Describe(result),
            };
            return Page();
        }

        var body = result.Body;
        var expiresAt = body.Date("expiresAt") ?? DateTimeOffset.UtcNow.AddHours(1);
        var principal = UiModule.Principal(body.Str("accessToken")!, expiresAt, body.Str("role")!,
            Guid.Parse(body.Str("organisationId")!), Email!.Trim());
        await HttpContext.SignInAsync(UiModule.CookieScheme, principal, new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = expiresAt,
            AllowRefresh = false,
        });
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
