using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages;

/// <summary>
/// What a page answers instead of an empty error: a missing page or record (404), a page the account's role may not
/// open (403, where sign-in sends a signed-in user it refuses), a form that no longer fits the session (400: its
/// antiforgery token was issued to another sign-in) and anything else, in the reader's language. A failed POST is
/// re-executed here as a POST, whose antiforgery token is the one that failed, so this page checks none.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [FromRoute]
    public int Code { get; set; }

    public string Heading => Code switch
    {
        400 => "status.400.title",
        403 => "status.403.title",
        404 => "status.404.title",
        _ => "status.other.title",
    };

    public string Message => Code switch
    {
        400 => "status.400.text",
        403 => "status.403.text",
        404 => "status.404.text",
        _ => "error.generic",
    };

    public void OnGet() => Answer();

    public void OnPost() => Answer();

    public void OnPut() => Answer();

    public void OnPatch() => Answer();

    public void OnDelete() => Answer();

    // The page itself answers with the status it explains (a 403 reached through sign-in's redirect included); an
    // address no page answers comes here as the fallback, without a code: 404.
    private void Answer()
    {
        Code = Code is >= 400 and < 600 ? Code : StatusCodes.Status404NotFound;
        Response.StatusCode = Code;
    }
}
