using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>One deal with its history. Staff see every deal; a university or enterprise only the deals of its own listings, and 404 otherwise.</summary>
public static class GetDeal
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/deals/{id:guid}", async (Guid id, HttpContext http, BrokerageDatabase database, BrokerageOptions options, CancellationToken ct) =>
                await HandleAsync(id, Caller.From(http.User), database, ct, options) is { } deal
                    ? Results.Ok(deal)
                    : Results.Problem(title: "Deal not found.", statusCode: StatusCodes.Status404NotFound))
            .RequireAuthorization()
            .WithName(nameof(GetDeal))
            .WithTags("Deals")
            .Produces<DealView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<DealView?> HandleAsync(Guid id, Caller caller, BrokerageDatabase database, CancellationToken ct, BrokerageOptions? options = null)
    {
        await using var connection = await database.OpenAsync(ct);
        return await DealQueries.FindAsync(connection, id, caller, options: options);
    }
}
