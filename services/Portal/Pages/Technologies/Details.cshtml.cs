using System.Text.Json;
using Matchmaking.Portal.Ui;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Technologies;

public sealed class DetailsModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public JsonElement Technology { get; private set; }

    /// <summary>The owner and staff see the technology's matches and interests and may withdraw it.</summary>
    public bool CanManage { get; private set; }

    /// <summary>The caller's organisation published the technology: only it edits it.</summary>
    public bool IsOwner { get; private set; }

    public IReadOnlyList<JsonElement> Matches { get; private set; } = [];

    public Dictionary<string, string> NeedTitles { get; } = [];

    public IReadOnlyList<JsonElement> Interests { get; private set; } = [];

    public bool InterestsUnavailable { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var result = await GetAsync($"/api/technologies/{Id}");
        if (!result.Ok)
        {
            return NotFound();
        }

        Technology = result.Body;
        IsOwner = Owns(Technology, Roles.University);
        CanManage = IsStaff || IsOwner;
        if (!CanManage)
        {
            return Page();
        }

        var matches = GetAsync($"/api/technologies/{Id}/matches?top=10");
        var interests = GetAsync($"/api/interests?technologyId={Id}&pageSize=50");
        Matches = ListOf(await matches);
        var interestAnswer = await interests;
        InterestsUnavailable = interestAnswer.NotAvailable;
        Interests = ListOf(interestAnswer);
        await Titles.FillAsync(this, "needs", Matches.Select(m => m.Str("needId")), NeedTitles);
        return Page();
    }

    public async Task<IActionResult> OnPostWithdrawAsync()
    {
        var result = await PostAsync($"/api/technologies/{Id}/withdraw", null);
        if (!result.Ok)
        {
            Flash = null;
            Error = Describe(result);
            return await OnGetAsync();
        }

        return Back("tech.withdrawn", $"/technologies/{Id}");
    }

    public async Task<IActionResult> OnPostOpenDealAsync(Guid matchId)
    {
        var result = await PostAsync("/api/deals", new { matchId });
        return result.Ok
            ? Back("deal.opened", $"/deals/{result.Body.Str("id")}")
            : Back("error.generic", $"/technologies/{Id}");
    }
}
