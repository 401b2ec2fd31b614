using System.Text.Json;
using Matchmaking.Portal.Ui;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Portal.Pages.Deals;

public sealed class DetailsModel(PortalApi api, Tr text) : UiPage(api, text)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public JsonElement Deal { get; private set; }

    public string TechnologyTitle { get; private set; } = "";

    public string NeedTitle { get; private set; } = "";

    public sealed record Entry(DateTimeOffset At, string? FromStage, string? ToStage, string? Reason, string? Text);

    /// <summary>Stage changes and notes together, newest first.</summary>
    public IReadOnlyList<Entry> Timeline { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var result = await GetAsync($"/api/deals/{Id}");
        if (!result.Ok)
        {
            return NotFound();
        }

        Deal = result.Body;
        Timeline = Deal.Array("history")
            .Select(h => new Entry(h.Date("changedAt") ?? DateTimeOffset.MinValue, h.Str("fromStage"), h.Str("toStage"), h.Str("reason"), h.Str("note")))
            .Concat(Deal.Array("notes").Select(n => new Entry(n.Date("createdAt") ?? DateTimeOffset.MinValue, null, null, null, n.Str("text"))))
            .OrderByDescending(e => e.At)
            .ToList();
        var technologies = new Dictionary<string, string>();
        var needs = new Dictionary<string, string>();
        await Task.WhenAll(
            Titles.FillAsync(this, "technologies", [Deal.Str("technologyTitle") is null ? Deal.Str("technologyId") : null], technologies),
            Titles.FillAsync(this, "needs", [Deal.Str("needTitle") is null ? Deal.Str("needId") : null], needs));
        TechnologyTitle = Deal.Str("technologyTitle") ?? technologies.GetValueOrDefault(Deal.Str("technologyId") ?? "") ?? T["deal.technology"];
        NeedTitle = Deal.Str("needTitle") ?? needs.GetValueOrDefault(Deal.Str("needId") ?? "") ?? T["deal.need"];
        return Page();
    }

    /// <summary>What the staff member typed into the forms, shown again when the API refused it.</summary>
    public sealed record TypedForms(string? Stage = null, string? Reason = null, string? Note = null, string? Text = null);

    public TypedForms Typed { get; private set; } = new();

    public async Task<IActionResult> OnPostMoveAsync(string? stage, string? reason, string? note)
    {
        Typed = new TypedForms(Stage: stage, Reason: reason, Note: note);
        var result = await PostAsync($"/api/deals/{Id}/stage", new
        {
            stage,
            note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            reason = string.IsNullOrWhiteSpace(reason) ? null : reason,
        });
        if (result.Ok)
        {
            return Back("deal.moved", $"/deals/{Id}");
        }

        Error = Describe(result);
        return await OnGetAsync();
    }

    public async Task<IActionResult> OnPostNoteAsync(string? text)
    {
        Typed = new TypedForms(Text: text);
        var result = await PostAsync($"/api/deals/{Id}/notes", new { text = text?.Trim() ?? "" });
        if (result.Ok)
        {
            return Back("deal.noted", $"/deals/{Id}");
        }

        Error = Describe(result);
        return await OnGetAsync();
    }
}
