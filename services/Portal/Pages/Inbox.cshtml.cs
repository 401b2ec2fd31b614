using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages;

public sealed class InboxModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public long Total { get; private set; }

    public long Unread { get; private set; }

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync()
    {
        var result = await GetAsync($"/api/notifications?page={PageNo}&pageSize=20");
        Unavailable = result.NotAvailable;
        Items = ListOf(result);
        Total = result.Ok ? result.Body.Obj("total")?.GetInt64() ?? Items.Count : 0;
        Unread = result.Ok ? result.Body.Obj("unread")?.GetInt64() ?? 0 : 0;
    }

    /// <summary>
    /// A notification's title and text in the reader's language, from its template (a text key and values: stages and
    /// listing kinds are named in words); the stored English text for one without a template or with a key the
    /// pages do not know.
    /// </summary>
    public (string Title, string Body) Say(JsonElement notification)
    {
        var english = (notification.Str("title") ?? "", notification.Str("body") ?? "");
        if (notification.Obj("template") is not { ValueKind: JsonValueKind.Object } template
            || template.Str("key") is not { } key
            || !T.Has("notice." + key + ".title"))
        {
            return english;
        }

        var args = template.Obj("args") is { ValueKind: JsonValueKind.Object } values
            ? values.EnumerateObject().ToDictionary(p => p.Name, p => Word(p.Name, p.Value.GetString() ?? ""))
            : [];
        return (Fill(T["notice." + key + ".title"], args), Fill(T["notice." + key + ".body"], args));
    }

    private string Word(string name, string value) => name switch
    {
        "from" or "to" or "stage" => T["stage." + value],
        "listingKind" => T.IsChinese ? T["type." + value] : T["type." + value].ToLowerInvariant(),
        _ => value,
    };

    private static string Fill(string text, IReadOnlyDictionary<string, string> args) =>
        args.Aggregate(text, (filled, arg) => filled.Replace("{" + arg.Key + "}", arg.Value, StringComparison.Ordinal));

    public async Task<IActionResult> OnPostReadAsync(Guid id)
    {
        await PostAsync($"/api/notifications/{id}/read", null);
        return LocalRedirect("/inbox");
    }

    public async Task<IActionResult> OnPostReadAllAsync()
    {
        await PostAsync("/api/notifications/read-all", null);
        return LocalRedirect("/inbox");
    }
}
