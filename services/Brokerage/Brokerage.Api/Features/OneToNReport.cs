using Dapper;
using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>
/// "From one to N": per technology, how many needs and enterprises the engine matched it with, how many enterprises
/// were introduced (their deal reached <c>introduced</c> or later) and how many deals were agreed; widest reach first.
/// </summary>
public static class OneToNReport
{
    // A class, not a positional record: on an empty result SQLite reports computed columns as BLOB, and Dapper's
    // constructor matching would refuse them; property mapping converts each value as it reads it.
    public sealed class Item
    {
        public Guid TechnologyId { get; init; }
        public string? Title { get; init; }
        public string? Status { get; init; }
        public long NeedsMatched { get; init; }
        public long EnterprisesMatched { get; init; }
        public long EnterprisesIntroduced { get; init; }
        public long DealsAgreed { get; init; }
    }

    public sealed record Response(IReadOnlyList<Item> Items);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/reports/one-to-n", async (BrokerageDatabase database, CancellationToken ct) =>
                Results.Ok(await HandleAsync(database, ct)))
            .RequireAuthorization(Policies.Staff)
            .WithName(nameof(OneToNReport))
            .WithTags("Reports")
            .Produces<Response>();

    public static async Task<Response> HandleAsync(BrokerageDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // Technologies come from the read model, the suggestions and the deals alike: events may arrive out of order,
        // and a technology seen only in a suggestion still belongs in the report.
        var items = await connection.QueryAsync<Item>(
            """
            SELECT r.technology_id AS TechnologyId,
                   NULLIF(t.title, '') AS Title,
                   t.status AS Status,
                   (SELECT COUNT(DISTINCT s.need_id) FROM suggestions s
                    WHERE s.technology_id = r.technology_id) AS NeedsMatched,
                   (SELECT COUNT(DISTINCT s.need_organisation_id) FROM suggestions s
                    WHERE s.technology_id = r.technology_id) AS EnterprisesMatched,
                   (SELECT COUNT(DISTINCT d.need_organisation_id) FROM deals d
                    WHERE d.technology_id = r.technology_id
                      AND EXISTS (SELECT 1 FROM deal_history h
                                  WHERE h.deal_id = d.id
                                    AND h.to_stage IN ('introduced', 'nda-signed', 'negotiating', 'agreed', 'completed'))) AS EnterprisesIntroduced,
                   (SELECT COUNT(*) FROM deals d
                    WHERE d.technology_id = r.technology_id
                      AND EXISTS (SELECT 1 FROM deal_history h
                                  WHERE h.deal_id = d.id AND h.to_stage IN ('agreed', 'completed'))) AS DealsAgreed
            FROM (SELECT t.id AS technology_id FROM technologies t
                  UNION SELECT s.technology_id FROM suggestions s
                  UNION SELECT d.technology_id FROM deals d) r
            LEFT JOIN technologies t ON t.id = r.technology_id
            ORDER BY NeedsMatched DESC, EnterprisesMatched DESC, r.technology_id
            """);
        return new Response(items.ToList());
    }
}
