using System.Data;
using System.Text.Json;
using Dapper;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// GET /api/matches?status=new|accepted|rejected (staff): the suggestions still served (both sides open), newest first,
/// for the review queue. Rejected by feedback (not-relevant), accepted when Brokerage opens a deal for the pair.
/// </summary>
public static class ReviewQueue
{
    public const string New = "new";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";

    public static readonly IReadOnlyList<string> Statuses = [New, Accepted, Rejected];

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public sealed record Request(string? Status, int Page, int PageSize);

    public sealed record Item(
        Guid MatchId, Guid TechnologyId, string TechnologyTitle, Guid TechnologyOrganisationId,
        Guid NeedId, string NeedTitle, Guid NeedOrganisationId,
        double Score, string Status, MatchExplanation Explanation, DateTimeOffset CreatedAt);

    public sealed record Response(long Total, int Page, int PageSize, IReadOnlyList<Item> Items);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/matches",
                async (string? status, string? page, string? pageSize, MatchingDatabase database, CancellationToken ct) =>
                {
                    var errors = new ValidationErrors();
                    var (pageNumber, size) = Paging.Parse(errors, page, pageSize);
                    if (!string.IsNullOrEmpty(status))
                    {
                        errors.OneOf("status", status, Statuses);
                    }

                    if (errors.Any)
                    {
                        return errors.ToResult();
                    }

                    return Results.Ok(await HandleAsync(new Request(string.IsNullOrEmpty(status) ? null : status, pageNumber, size), database, ct));
                })
            .RequireAuthorization(Policies.Staff)
            .WithName(nameof(ReviewQueue))
            .WithTags("Matching")
            .Produces<Response>()
            .ProducesValidationProblem();

    public static async Task<Response> HandleAsync(Request request, MatchingDatabase database, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        parameters.Add("Status", request.Status, DbType.String);
        parameters.Add("Take", request.PageSize);
        parameters.Add("Skip", (long)(request.Page - 1) * request.PageSize);
        const string From =
            """
            FROM matches m
            JOIN listings t ON t.id = m.technology_id
            JOIN listings n ON n.id = m.need_id
            WHERE m.active = 1 AND t.open = 1 AND n.open = 1
              AND (@Status IS NULL OR m.status = @Status)
            """;

        await using var connection = await database.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) AS Total {From}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT m.match_id AS MatchId, m.technology_id AS TechnologyId, t.title AS TechnologyTitle,
                   m.technology_organisation_id AS TechnologyOrganisationId, m.need_id AS NeedId, n.title AS NeedTitle,
                   m.need_organisation_id AS NeedOrganisationId, m.score AS Score, m.status AS Status,
                   m.explanation AS Explanation, m.created_at AS CreatedAt
            {From}
            ORDER BY m.created_at DESC, m.match_id
            LIMIT @Take OFFSET @Skip
            """,
            parameters,
            cancellationToken: ct));
        var items = rows.Select(row => new Item(
                row.MatchId, row.TechnologyId, row.TechnologyTitle, row.TechnologyOrganisationId,
                row.NeedId, row.NeedTitle, row.NeedOrganisationId, row.Score, row.Status,
                JsonSerializer.Deserialize<MatchExplanation>(row.Explanation, s_json)
                    ?? new MatchExplanation("", [], new Dictionary<string, double>()),
                row.CreatedAt))
            .ToList();
        return new Response(total, request.Page, request.PageSize, items);
    }

    private sealed class Row
    {
        public Guid MatchId { get; init; }

        public Guid TechnologyId { get; init; }

        public string TechnologyTitle { get; init; } = "";

        public Guid TechnologyOrganisationId { get; init; }

        public Guid NeedId { get; init; }

        public string NeedTitle { get; init; } = "";

        public Guid NeedOrganisationId { get; init; }

        public double Score { get; init; }

        public string Status { get; init; } = "";

        public string Explanation { get; init; } = "{}";

        public DateTimeOffset CreatedAt { get; init; }
    }
}
