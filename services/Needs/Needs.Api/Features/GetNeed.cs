using System.Security.Claims;
using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.Needs.Api.Features;

/// <summary>
/// GET /api/needs/{id}. Owner and staff see everything. Anyone else: a staff-only or closed need is 404 (its existence
/// is not revealed), an anonymous one comes without its organisation, a public one in full.
/// </summary>
public static class GetNeed
{
    internal static void Map(RouteGroupBuilder needs) =>
        needs.MapGet("{id:guid}", EndpointAsync)
            .WithName(nameof(GetNeed))
            .Produces<NeedResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> EndpointAsync(
        Guid id, ClaimsPrincipal user, NeedsDatabase database, CancellationToken cancellationToken)
    {
        var need = await HandleAsync(id, Caller.From(user), database, cancellationToken);
        return need is null
            ? TypedResults.Problem(title: "Need not found.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(need);
    }

    /// <returns>The need as <paramref name="caller"/> may see it, or null when it may not know it exists.</returns>
    public static async Task<NeedResponse?> HandleAsync(Guid id, Caller caller, NeedsDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await NeedRow.FindAsync(connection, id, cancellationToken);
        if (row is null || !row.IsVisibleTo(caller))
        {
            return null;
        }

        var introduced = await Introductions.IsIntroducedAsync(connection, id, caller, cancellationToken);
        if (!row.IsOwnedBy(caller) && row.Visibility is NeedVisibility.StaffOnly or NeedVisibility.Anonymous)
        {
            await Introductions.AuditReadAsync(database, id, caller, row.Visibility, cancellationToken);
        }

        return row.ToResponse(caller, introduced);
    }
}
