using System.Data;
using System.Security.Claims;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// GET /api/interests?technologyId=&amp;needId=: a university sees the interests in its technologies (never those on a
/// staff-only need), an enterprise its own, staff all. The need's organisation is null when the need is anonymous and
/// the caller is neither its owner nor staff, until a deal between the pair reached introduced.
/// </summary>
public static class ListInterests
{
    public sealed record Request(Guid? TechnologyId, Guid? NeedId, int Page, int PageSize);

    public sealed record Item(
        Guid InterestId, Guid MatchId, Guid TechnologyId, string TechnologyTitle, Guid NeedId, string NeedTitle,
        Guid? OrganisationId, string? OrganisationName, string? Message, DateTimeOffset CreatedAt);

    public sealed record Response(long Total, int Page, int PageSize, IReadOnlyList<Item> Items);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/interests",
                async (Guid? technologyId, Guid? needId, string? page, string? pageSize, ClaimsPrincipal user, MatchingDatabase database, CancellationToken ct) =>
                {
                    var errors = new ValidationErrors();
                    var (pageNumber, size) = Paging.Parse(errors, page, pageSize);
                    if (errors.Any)
                    {
                        return errors.ToResult();
                    }

                    return Results.Ok(await HandleAsync(new Request(technologyId, needId, pageNumber, size), Caller.From(user), database, ct));
                })
            .RequireAuthorization()
            .WithName(nameof(ListInterests))
            .WithTags("Matching")
            .Produces<Response>()
            .ProducesValidationProblem();

    public static async Task<Response> HandleAsync(Request request, Caller caller, MatchingDatabase database, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        parameters.Add("TechnologyId", request.TechnologyId?.ToString("D"), DbType.String);
        parameters.Add("NeedId", request.NeedId?.ToString("D"), DbType.String);
        parameters.Add("SeeAll", caller.IsStaff ? 1 : 0);
        parameters.Add("Role", caller.Role);
        parameters.Add("Viewer", caller.OrganisationId);
        parameters.Add("Take", request.PageSize);
        parameters.Add("Skip", (long)(request.Page - 1) * request.PageSize);
        const string From =
            """
            FROM interests i
            JOIN listings t ON t.id = i.technology_id
            JOIN listings n ON n.id = i.need_id
            WHERE (@TechnologyId IS NULL OR i.technology_id = @TechnologyId)
              AND (@NeedId IS NULL OR i.need_id = @NeedId)
              AND (@SeeAll = 1
                   OR (@Role = 'enterprise' AND i.need_organisation_id = @Viewer)
                   OR (@Role = 'university' AND i.technology_organisation_id = @Viewer AND n.visibility <> 'staff-only'))
            """;

        await using var connection = await database.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) AS Total {From}", parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT i.id AS InterestId, i.match_id AS MatchId, i.technology_id AS TechnologyId, t.title AS TechnologyTitle,
                   i.need_id AS NeedId, n.title AS NeedTitle, i.need_organisation_id AS NeedOrganisationId,
                   n.visibility AS NeedVisibility, i.message AS Message, i.created_at AS CreatedAt,
                   CASE WHEN EXISTS (SELECT 1 FROM introductions x WHERE x.technology_id = i.technology_id AND x.need_id = i.need_id)
                        THEN 1 ELSE 0 END AS Introduced
            {From}
            ORDER BY i.created_at DESC, i.id
            LIMIT @Take OFFSET @Skip
            """,
            parameters,
            cancellationToken: ct));
        var items = rows.Select(row => new Item(
                row.InterestId, row.MatchId, row.TechnologyId, row.TechnologyTitle, row.NeedId, row.NeedTitle,
                OrganisationVisible(row, caller) ? row.NeedOrganisationId : null,
                null,
                row.Message,
                row.CreatedAt))
            .ToList();
        return new Response(total, request.Page, request.PageSize, items);
    }

    private static bool OrganisationVisible(Row row, Caller caller) =>
        caller.IsStaff
        || row.NeedOrganisationId == caller.OrganisationId
        || row.NeedVisibility == NeedAccess.Public
        || (row.NeedVisibility == NeedAccess.Anonymous && row.Introduced == 1);

    private sealed class Row
    {
        public Guid InterestId { get; init; }

        public Guid MatchId { get; init; }

        public Guid TechnologyId { get; init; }

        public string TechnologyTitle { get; init; } = "";

        public Guid NeedId { get; init; }

        public string NeedTitle { get; init; } = "";

        public Guid NeedOrganisationId { get; init; }

        public string NeedVisibility { get; init; } = "";

        public string? Message { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public long Introduced { get; init; }
    }
}
