using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages;

public sealed class ReviewModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public static readonly IReadOnlyList<string> RejectReasons = ["not-relevant", "trl-too-low", "budget-mismatch", "sector-mismatch", "duplicate", "other"];

    public IReadOnlyList<JsonElement> Items { get; private set; } = [];

    public bool Unavailable { get; private set; }

    public long Total { get; private set; }

    public async Task OnGetAsync()
    {
        var result = await GetAsync($"/api/matches?status=new&page={PageNo}&pageSize=20");
        Unavailable = result.NotAvailable;
        Items = ListOf(result);
        Total = result.Ok ? result.Body.Obj("total")?.GetInt64() ?? Items.Count : 0;
    }

    public async Task<IActionResult> OnPostAcceptAsync(Guid matchId)
    {
        var result = await PostAsync("/api/deals", new { matchId });
        if (result.Ok)
        {
            return Back("deal.opened", $"/deals/{result.Body.Str("id")}");
        }

        Error = Describe(result);
        await OnGetAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid matchId, string? reason)
    {
        var code = RejectReasons.Contains(reason) ? reason! : "other";
        var result = await PostAsync($"/api/matches/{matchId}/feedback", new { verdict = "not-relevant", reason = code });
        if (result.Ok)
        {
            return Back("review.rejected", "/review");
        }

        Error = Describe(result);
        await OnGetAsync();
        return Page();
    }
}
