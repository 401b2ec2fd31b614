using Dapper;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>
/// How far deals get: the distinct pairs the engine suggested, then per stage the deals that ever reached it (from
/// their history, so a deal declined after an introduction still counts as introduced), and why deals were declined.
/// </summary>
public static class FunnelReport
{
    public sealed record Response(long Suggested, IReadOnlyDictionary<string, long> Stages, IReadOnlyDictionary<string, long> DeclineReasons);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/reports/funnel", async (BrokerageDatabase database, CancellationToken ct) =>
                Results.Ok(await HandleAsync(database, ct)))
            .RequireAuthorization(Policies.Staff)
            .WithName(nameof(FunnelReport))
            .WithTags("Reports")
            .Produces<Response>();

    public static async Task<Response> HandleAsync(BrokerageDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var suggested = await connection.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) AS Pairs
            FROM (SELECT DISTINCT s.technology_id, s.need_id FROM suggestions s) pairs
            """);
        var reached = (await connection.QueryAsync<StageCount>(
                """
                SELECT h.to_stage AS Name, COUNT(DISTINCT h.deal_id) AS Deals
                FROM deal_history h
                GROUP BY h.to_stage
                """))
            .ToDictionary(row => row.Name, row => row.Deals, StringComparer.Ordinal);
        var reasons = (await connection.QueryAsync<StageCount>(
                """
                SELECT h.reason AS Name, COUNT(DISTINCT h.deal_id) AS Deals
                FROM deal_history h
                WHERE h.to_stage = 'declined' AND h.reason IS NOT NULL
                GROUP BY h.reason
                """))
            .ToDictionary(row => row.Name, row => row.Deals, StringComparer.Ordinal);

        // Every stage and reason is present, zero or not, so a client never has to guess whether a key is missing.
        var stages = DealStages.All.ToDictionary(stage => stage, stage => reached.GetValueOrDefault(stage), StringComparer.Ordinal);
        var declineReasons = DeclineReasons.All.ToDictionary(reason => reason, reason => reasons.GetValueOrDefault(reason), StringComparer.Ordinal);
        return new Response(suggested, stages, declineReasons);
    }

    // A class, not a positional record: on an empty result SQLite reports computed columns as BLOB, and Dapper's
    // constructor matching would refuse them; property mapping converts each value as it reads it.
    private sealed class StageCount
    {
        public string Name { get; init; } = "";
        public long Deals { get; init; }
    }
}
