using System.Data;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>GET /api/audit?resourceType=&amp;resourceId=&amp;page= (admin): the append-only audit log, newest first.</summary>
public static class ListAudit
{
    public sealed record Item(Guid Id, DateTimeOffset At, Guid? ActorUserId, string? ActorRole, string Action, string ResourceType, Guid ResourceId, string? Detail);

    public sealed record Response(long Total, int Page, int PageSize, IReadOnlyList<Item> Items);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/audit", async (string? resourceType, Guid? resourceId, string? page, string? pageSize, BrokerageDatabase database, CancellationToken ct) =>
            {
                var errors = new ValidationErrors().MaxLength("resourceType", resourceType, 40);
                var (pageNumber, size) = Paging.Parse(errors, page, pageSize);
                if (errors.Any)
                {
                    return errors.ToResult();
                }

                return Results.Ok(await HandleAsync(resourceType, resourceId, pageNumber, size, database, ct));
            })
            .RequireAuthorization(Policies.Admin)
            .WithName(nameof(ListAudit))
            .WithTags("Audit")
            .Produces<Response>()
            .ProducesValidationProblem();

    public static async Task<Response> HandleAsync(string? resourceType, Guid? resourceId, int page, int pageSize, BrokerageDatabase database, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        parameters.Add("ResourceType", string.IsNullOrEmpty(resourceType) ? null : resourceType, DbType.String);
        parameters.Add("ResourceId", resourceId?.ToString("D"), DbType.String);
        parameters.Add("Take", pageSize);
        parameters.Add("Skip", (long)(page - 1) * pageSize);
        const string From =
            """
            FROM audit_log a
            WHERE (@ResourceType IS NULL OR a.resource_type = @ResourceType)
              AND (@ResourceId IS NULL OR a.resource_id = @ResourceId)
            """;
        await using var connection = await database.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) AS Total {From}", parameters);
        var rows = await connection.QueryAsync<Row>(
            $"""
            SELECT a.id AS Id, a.at AS At, a.actor_user_id AS ActorUserId, a.actor_role AS ActorRole, a.action AS Action,
                   a.resource_type AS ResourceType, a.resource_id AS ResourceId, a.detail AS Detail
            {From}
            ORDER BY a.at DESC, a.id
            LIMIT @Take OFFSET @Skip
            """,
            parameters);
        return new Response(total, page, pageSize,
            rows.Select(r => new Item(r.Id, r.At, r.ActorUserId, r.ActorRole, r.Action, r.ResourceType, r.ResourceId, r.Detail)).ToList());
    }

    private sealed class Row
    {
        public Guid Id { get; init; }

        public DateTimeOffset At { get; init; }

        public Guid? ActorUserId { get; init; }

        public string? ActorRole { get; init; }

        public string Action { get; init; } = "";

        public string ResourceType { get; init; } = "";

        public Guid ResourceId { get; init; }

        public string? Detail { get; init; }
    }
}
