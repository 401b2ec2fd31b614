using System.Text.Json;
using Matchmaking.Portal.Ui;

namespace Matchmaking.Portal.Pages.Deals;

public sealed class IndexModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public static readonly IReadOnlyList<string> AllStages = ["suggested", "introduced", "nda-signed", "negotiating", "agreed", "completed", "declined"];

    public IReadOnlyList<string> Stages => AllStages;

    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public long Total { get; private set; }

    private readonly Dictionary<string, string> _technologies = [];
    private readonly Dictionary<string, string> _needs = [];

    public async Task OnGetAsync()
    {
        var result = await GetAsync("/api/deals?pageSize=100" + (IsStaff ? "" : "&mine=true"));
        if (!result.Ok)
        {
            Error = Describe(result);
            return;
        }

        Items = ListOf(result);
        Total = result.Body.Obj("total")?.GetInt64() ?? Items.Count;
        // Older answers carry ids only; look the titles up where the list does not name them.
        await Titles.FillAsync(this, "technologies", Items.Where(d => d.Str("technologyTitle") is null).Select(d => d.Str("technologyId")), _technologies);
        await Titles.FillAsync(this, "needs", Items.Where(d => d.Str("needTitle") is null).Select(d => d.Str("needId")), _needs);
    }

    public string TechnologyTitle(JsonElement deal) =>
        deal.Str("technologyTitle") ?? _technologies.GetValueOrDefault(deal.Str("technologyId") ?? "") ?? T["deal.technology"];

    public string NeedTitle(JsonElement deal) =>
        deal.Str("needTitle") ?? _needs.GetValueOrDefault(deal.Str("needId") ?? "") ?? T["deal.need"];
}
