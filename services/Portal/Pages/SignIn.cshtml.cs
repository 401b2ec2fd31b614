using Matchmaking.Portal.Features;
using Matchmaking.Portal.Ui;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Matchmaking.Portal.Pages;

[EnableRateLimiting(PortalModule.SignInRateLimit)]
public sealed class SignInModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>Set by the rate limiter's redirect when this address posted the form too often.</summary>
    [BindProperty(SupportsGet = true, Name = "error")]
    public string? ErrorCode { get; set; }

    public void OnGet()
    {
        if (ErrorCode == TooManyCode)
        {
            Error = T["signin.tooMany"];
        }
    }

    public const string TooManyCode = "too-many";

    public async Task<IActionResult> OnPostAsync(
        [FromServices] PortalDatabase database, [FromServices] IPasswordHasher<PortalUser> hasher,
        [FromServices] TokenIssuer issuer, [FromServices] IOptions<PortalOptions> options)
    {
        // The token endpoint's own handler, in process: its lock-out holds for the form too, and the page carries the
        // endpoint's rate-limit policy, so the limit counts the browser's address (an HTTP call to the endpoint would
        // come from this server's loopback address and put every browser in one partition).
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Error = T["signin.wrong"];
            return Page();
        }

        var response = await IssueToken.HandleAsync(Email, Password, database, hasher, issuer, options.Value, Ct);
        if (response is null)
        {
            Error = T["signin.wrong"];
            return Page();
        }

        var principal = UiModule.Principal(response.AccessToken, response.ExpiresAt, response.Role, response.OrganisationId, Email.Trim());
        await HttpContext.SignInAsync(UiModule.CookieScheme, principal, new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = response.ExpiresAt,
            AllowRefresh = false,
        });
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
