namespace Matchmaking.Portal.Ui;

/// <summary>Titles of listings a page refers to by id, fetched from their owners' APIs in parallel (what the caller may see).</summary>
public static class Titles
{
    public static async Task FillAsync(UiPage page, string kind, IEnumerable<string?> ids, IDictionary<string, string> into)
    {
        var wanted = ids.OfType<string>().Distinct().Where(id => !into.ContainsKey(id)).Take(50).ToList();
        var answers = await Task.WhenAll(wanted.Select(id => page.FetchAsync($"/api/{kind}/{id}")));
        for (var i = 0; i < wanted.Count; i++)
        {
            if (answers[i].Ok && answers[i].Body.Str("title") is { } title)
            {
                into[wanted[i]] = title;
            }
        }
    }
}
