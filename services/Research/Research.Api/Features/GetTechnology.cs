using System.Security.Claims;
using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.Research.Api.Features;

/// <summary>GET /api/technologies/{id}: any signed-in caller; the NDA details only for the owner, staff, and an enterprise whose deal with it reached nda-signed (a read by anyone but the owner is audited).</summary>
public static class GetTechnology
{
    internal static void Map(RouteGroupBuilder technologies) =>
        technologies.MapGet("{id:guid}", EndpointAsync)
            .WithName(nameof(GetTechnology))
            .Produces<TechnologyResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> EndpointAsync(
        Guid id, ClaimsPrincipal user, ResearchDatabase database, CancellationToken cancellationToken) =>
        await HandleAsync(id, Caller.From(user), database, cancellationToken) is { } technology
            ? TypedResults.Ok(technology)
            : TechnologyResult.NotFound.ToHttp();

    /// <returns>The technology as <paramref name="caller"/> may see it, or null when it does not exist for them.</returns>
    public static async Task<TechnologyResponse?> HandleAsync(
        Guid id, Caller caller, ResearchDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await TechnologyRow.FindAsync(connection, id, cancellationToken);
        if (row is null || !row.IsVisibleTo(caller))
        {
            return null;
        }

        var ndaSigned = await NdaAccess.IsGrantedAsync(connection, id, caller, cancellationToken);
        if (!row.IsOwnedBy(caller) && row.DetailsOpenTo(caller, ndaSigned) && row.Details is not null)
        {
            await NdaAccess.AuditReadAsync(database, id, caller, cancellationToken);
        }

        return row.ToResponse(caller, ndaSigned);
    }
}
