using System.Net;
using System.Text.Json;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaking.Portal.Ui;

/// <summary>What every page shares: the API client, the text, who is signed in, and a message for the next page.</summary>
public abstract class UiPage(PortalApi api, Tr text) : PageModel
{
    protected PortalApi Api { get; } = api;

    public Tr T { get; } = text;

    public string Role => User.FindFirst(ClaimNames.Role)?.Value ?? "";

    public Guid OrganisationId => Guid.TryParse(User.FindFirst(ClaimNames.Organisation)?.Value, out var id) ? id : Guid.Empty;

    public bool IsStaff => Role is Roles.Staff or Roles.Admin;

    /// <summary>
    /// The page of a paged list, from <c>?page=N</c> (1 when absent or not a positive number). Read from the query
    /// string itself: model binding a property named "page" would take Razor Pages' own route value of that name (the
    /// page's path), fail to convert it, and leave every list on its first page.
    /// </summary>
    public int PageNo => int.TryParse(Request.Query["page"], out var number) && number > 0 ? number : 1;

    public bool IsUniversity => Role == Roles.University;

    public bool IsEnterprise => Role == Roles.Enterprise;

    /// <summary>A message shown once on the next page (after a redirect), as a resource key.</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>An error to show on this page, already in the reader's language.</summary>
    public string? Error { get; set; }

    protected CancellationToken Ct => HttpContext.RequestAborted;

    /// <summary>The token expired or was refused: sign out and send the user to sign in again.</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is SessionExpiredException)
        {
            await HttpContext.SignOutAsync(UiModule.CookieScheme);
            executed.ExceptionHandled = true;
            executed.Result = Redirect($"/signin?returnUrl={Uri.EscapeDataString(Request.Path + Request.QueryString)}");
        }
    }

    protected async Task<ApiResult> GetAsync(string path) => Check(await Api.GetAsync(path, Ct));

    /// <summary>A GET for helpers outside the page class.</summary>
    public Task<ApiResult> FetchAsync(string path) => GetAsync(path);

    protected async Task<ApiResult> PostAsync(string path, object? body) => Check(await Api.PostAsync(path, body, Ct));

    protected async Task<ApiResult> PutAsync(string path, object body) => Check(await Api.PutAsync(path, body, Ct));

    private static ApiResult Check(ApiResult result) =>
        result.Status == HttpStatusCode.Unauthorized ? throw new SessionExpiredException() : result;

    /// <summary>A failed call in words: the API's own title (it names the field), or a plain status message.</summary>
    protected string Describe(ApiResult result) => result.Status switch
    {
        HttpStatusCode.Forbidden => T["error.forbidden"],
        HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => T["error.notAvailable"],
        HttpStatusCode.Conflict => T["error.conflict"] + (result.ProblemTitle is { } t ? " " + t : ""),
        _ => result.Errors.Count > 0
            ? string.Join(" ", result.Errors.SelectMany(e => e.Value))
            : result.ProblemTitle ?? T["error.generic"],
    };

    /// <summary>Items of a list answer (<c>{ items: [...] }</c>), or none.</summary>
    public static IReadOnlyList<JsonElement> ListOf(ApiResult result) =>
        result.Ok && result.Body.ValueKind == JsonValueKind.Object && result.Body.TryGetProperty("items", out var items)
            && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().ToList()
            : [];

    /// <summary>
    /// Whether the caller's organisation posted <paramref name="listing"/> (a need or technology answer) and the caller's
    /// role is the one that posts such listings: only then may it edit the listing.
    /// </summary>
    protected bool Owns(JsonElement listing, string postingRole) =>
        Role == postingRole && listing.Str("organisationId") == OrganisationId.ToString();

    /// <summary>
    /// For an edit page: a refusal when the caller may not edit <paramref name="listing"/> as it is (not its owner: the
    /// 403 page; no longer <paramref name="openStatus"/>: back to <paramref name="page"/>), or null to show the form. Anyone
    /// else would fill in a form the API refuses to save.
    /// </summary>
    protected IActionResult? RefuseEdit(JsonElement listing, string postingRole, string openStatus, string page) =>
        !Owns(listing, postingRole) ? Forbid(UiModule.CookieScheme)
        : listing.Str("status") != openStatus ? LocalRedirect(page)
        : null;

    protected IActionResult Back(string flashKey, string url)
    {
        Flash = flashKey;
        return LocalRedirect(url);
    }
}

public sealed class SessionExpiredException : Exception
{
    public SessionExpiredException()
        : base("The API refused the session's token.")
    {
    }
}

/// <summary>Reading JSON answers in pages without ceremony.</summary>
public static class JsonRead
{
    public static string? Str(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString()
            : null;

    public static JsonElement? Obj(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static IReadOnlyList<string> Strings(this JsonElement element, string name) =>
        element.Obj(name) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(v => v.ToString()).ToList()
            : [];

    public static IReadOnlyList<JsonElement> Array(this JsonElement element, string name) =>
        element.Obj(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray().ToList() : [];

    public static int? Int(this JsonElement element, string name) =>
        element.Obj(name) is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var value) ? value : null;

    public static double? Num(this JsonElement element, string name) =>
        element.Obj(name) is { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : null;

    public static bool Bool(this JsonElement element, string name) =>
        element.Obj(name) is { ValueKind: JsonValueKind.True };

    public static DateTimeOffset? Date(this JsonElement element, string name) =>
        DateTimeOffset.TryParse(element.Str(name), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var value) ? value : null;
}
