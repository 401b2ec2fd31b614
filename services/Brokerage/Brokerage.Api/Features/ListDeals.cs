using System.Data;
using System.Globalization;
using Dapper;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>The deals a caller may see, most recently changed first, optionally at one stage.</summary>
public static class ListDeals
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public sealed record Request(string? Stage, int Page, int PageSize);

    public sealed record Response(long Total, int Page, int PageSize, IReadOnlyList<DealSummary> Items);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        // page and pageSize bind as text so that a non-number is a validation problem naming the parameter.
        endpoints.MapGet("/api/deals", async (string? stage, bool? mine, string? page, string? pageSize, HttpContext http, BrokerageDatabase database,
                BrokerageOptions options, CancellationToken ct) =>
            {
                var errors = new ValidationErrors();
                var pageNumber = ParsePositive(errors, "page", page, 1, int.MaxValue, 1);
                var size = ParsePositive(errors, "pageSize", pageSize, 1, MaxPageSize, DefaultPageSize);
                if (!string.IsNullOrEmpty(stage))
                {
                    errors.OneOf("stage", stage, DealStages.All);
                }

                if (errors.Any)
                {
                    return errors.ToResult();
                }

                var request = new Request(string.IsNullOrEmpty(stage) ? null : stage, pageNumber, size);
                // mine=true is what a university or enterprise always gets (its own deals); staff see every deal either way.
                return Results.Ok(await HandleAsync(request, Caller.From(http.User), database, ct, options));
            })
            .RequireAuthorization()
            .WithName(nameof(ListDeals))
            .WithTags("Deals")
            .Produces<Response>()
            .ProducesValidationProblem();

    public static async Task<Response> HandleAsync(
        Request request, Caller caller, BrokerageDatabase database, CancellationToken ct, BrokerageOptions? options = null)
    {
        var parameters = DealQueries.VisibilityParameters(caller);
        // Typed, so that PostgreSQL can tell what a null parameter is.
        parameters.Add("Stage", request.Stage, DbType.String);
        parameters.Add("Take", request.PageSize);
        parameters.Add("Skip", (long)(request.Page - 1) * request.PageSize);
        var filter =
            $"""
            WHERE (@Stage IS NULL OR d.stage = @Stage)
              AND {DealQueries.VisibleToCaller}
            """;

        await using var connection = await database.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(
            $"""
            SELECT COUNT(*) AS Total
            FROM deals d
            {filter}
            """,
            parameters);
        var rows = await connection.QueryAsync<DealQueries.DealListRow>(
            $"""
            SELECT {DealQueries.ListColumns}
            {DealQueries.ListFrom}
            {filter}
            ORDER BY d.updated_at DESC, d.id
            LIMIT @Take OFFSET @Skip
            """,
            parameters);
        options ??= new BrokerageOptions();
        var now = DateTimeOffset.UtcNow;
        var items = rows.Select(d => d.ToSummary(options, now)).ToList();
        return new Response(total, request.Page, request.PageSize, items);
    }

    private static int ParsePositive(ValidationErrors errors, string field, string? value, int min, int max, int fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            errors.Add(field, $"'{field}' must be a whole number between {min} and {max}.");
            return fallback;
        }

        return number;
    }
}
