using System.Globalization;
using System.Text.Json;
using Matchmaking.Portal.Ui;

namespace Matchmaking.Portal.Pages;

public sealed class ReportsModel(PortalApi api, Tr text) : UiPage(api, text)
{
    private const int MaxDealsMeasured = 100;

    public IReadOnlyList<Charts.Row> Funnel { get; private set; } = [];

    public IReadOnlyList<Charts.Row> TimeInStage { get; private set; } = [];

    public IReadOnlyList<JsonElement> OneToN { get; private set; } = [];

    public int DealsMeasured { get; private set; }

    public async Task OnGetAsync()
    {
        var funnelTask = GetAsync("/api/reports/funnel");
        var oneToNTask = GetAsync("/api/reports/one-to-n");
        var dealsTask = GetAsync($"/api/deals?pageSize={MaxDealsMeasured}");
        var funnel = await funnelTask;
        if (funnel.Ok)
        {
            var rows = new List<Charts.Row>();
            var suggested = funnel.Body.Obj("suggested")?.GetDouble() ?? 0;
            rows.Add(new(T["report.suggestions"], suggested, suggested.ToString("0", CultureInfo.CurrentCulture)));
            if (funnel.Body.Obj("stages") is { ValueKind: JsonValueKind.Object } stages)
            {
                foreach (var stage in Deals.IndexModel.AllStages)
                {
                    var count = stages.TryGetProperty(stage, out var value) && value.TryGetDouble(out var n) ? n : 0;
                    rows.Add(new(T["stage." + stage], count, count.ToString("0", CultureInfo.CurrentCulture)));
                }
            }

            Funnel = rows;
        }
        else
        {
            Error = Describe(funnel);
        }

        OneToN = ListOf(await oneToNTask)
            .OrderByDescending(r => r.Obj("dealsAgreed")?.GetInt64() ?? 0)
            .ThenByDescending(r => r.Obj("needsMatched")?.GetInt64() ?? 0)
            .Take(50).ToList();

        // Time in each stage, from the deals' histories: from entering a stage to leaving it (or to now, if still there).
        var deals = ListOf(await dealsTask).Select(d => d.Str("id")).OfType<string>().Take(MaxDealsMeasured).ToList();
        var details = await Task.WhenAll(deals.Select(id => FetchAsync($"/api/deals/{id}")));
        var durations = new Dictionary<string, List<double>>();
        var now = DateTimeOffset.UtcNow;
        foreach (var deal in details.Where(d => d.Ok).Select(d => d.Body))
        {
            var history = deal.Array("history")
                .Select(h => (Stage: h.Str("toStage"), At: h.Date("changedAt")))
                .Where(h => h.Stage is not null && h.At is not null)
                .OrderBy(h => h.At).ToList();
            for (var i = 0; i < history.Count; i++)
            {
                var end = i + 1 < history.Count ? history[i + 1].At!.Value : now;
                if (history[i].Stage is "completed" or "declined")
                {
                    continue;
                }

                (durations.TryGetValue(history[i].Stage!, out var list) ? list : durations[history[i].Stage!] = []).Add((end - history[i].At!.Value).TotalDays);
            }
        }

        DealsMeasured = details.Count(d => d.Ok);
        TimeInStage = Deals.IndexModel.AllStages
            .Where(s => s is not "completed" and not "declined")
            .Select(s =>
            {
                var average = durations.TryGetValue(s, out var list) && list.Count > 0 ? list.Average() : 0;
                var shown = average >= 1
                    ? T.Format("report.days", average.ToString("0.0", CultureInfo.CurrentCulture))
                    : T.Format("report.hours", (average * 24).ToString("0.0", CultureInfo.CurrentCulture));
                return new Charts.Row(T["stage." + s], average, shown);
            })
            .ToList();
    }
}
