using System.Text.Json;
using Matchmaking.Portal.Ui;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Needs;

public sealed class DetailsModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public JsonElement Need { get; private set; }

    /// <summary>The need's owner sees its suggestions, may close it (as staff may), edit it and say it is interested.</summary>
    public bool CanManage { get; private set; }

    /// <summary>The caller's organisation posted the need: only it edits the need or expresses interest.</summary>
    public bool IsOwner { get; private set; }

    public IReadOnlyList<JsonElement> Matches { get; private set; } = [];

    public Dictionary<string, string> TechnologyTitles { get; } = [];

    public HashSet<string> InterestedMatches { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var result = await GetAsync($"/api/needs/{Id}");
        if (!result.Ok)
        {
            return NotFound();
        }

        Need = result.Body;
        IsOwner = Owns(Need, Roles.Enterprise);
        CanManage = IsStaff || IsOwner;
        if (!CanManage)
        {
            return Page();
        }

        var matches = GetAsync($"/api/needs/{Id}/matches?top=10");
        var interests = GetAsync($"/api/interests?needId={Id}&pageSize=100");
        Matches = ListOf(await matches);
        foreach (var interest in ListOf(await interests))
        {
            if (interest.Str("matchId") is { } matchId)
            {
                InterestedMatches.Add(matchId);
            }
        }

        await Titles.FillAsync(this, "technologies", Matches.Select(m => m.Str("technologyId")), TechnologyTitles);
        return Page();
    }

    public async Task<IActionResult> OnPostCloseAsync()
    {
        var result = await PostAsync($"/api/needs/{Id}/close", null);
        if (!result.Ok)
        {
            Error = Describe(result);
            return await OnGetAsync();
        }

        return Back("need.closed", $"/needs/{Id}");
    }

    /// <summary>The suggestion an expression of interest was refused for, and its message, shown again there.</summary>
    public (string? MatchId, string? Message) TypedInterest { get; private set; }

    public async Task<IActionResult> OnPostInterestAsync(Guid matchId, string? message)
    {
        TypedInterest = (matchId.ToString(), message);
        var result = await PostAsync($"/api/matches/{matchId}/interest",
            new { message = string.IsNullOrWhiteSpace(message) ? null : message.Trim() });
        if (!result.Ok)
        {
            Error = result.NotAvailable ? T["interest.unavailable"] : Describe(result);
            return await OnGetAsync();
        }

        return Back("interest.sent", $"/needs/{Id}");
    }
}
