using System.Security.Claims;
using Dapper;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Needs.Api.Features;

/// <summary>
/// POST /api/needs/{id}/close: the owner or staff close a need; from then on only they see it, and NeedClosed tells
/// matching to stop suggesting it. Closing a closed need changes nothing and answers the need again, so a retried
/// request is harmless. Anyone else gets 404 for a need they cannot see and 403 for one they can.
/// </summary>
public static class CloseNeed
{
    internal static void Map(RouteGroupBuilder needs) =>
        needs.MapPost("{id:guid}/close", EndpointAsync)
            .WithName(nameof(CloseNeed))
            .Produces<NeedResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> EndpointAsync(
        Guid id, ClaimsPrincipal user, NeedsDatabase database, CancellationToken cancellationToken) =>
        (await HandleAsync(id, Caller.From(user), database, cancellationToken))
            .ToHttp("Only the owning organisation or centre staff may close this need.", "The need cannot be closed.");

    public static Task<NeedResult> HandleAsync(Guid id, Caller caller, NeedsDatabase database, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var row = await NeedRow.FindAsync(connection, id, cancellationToken, transaction);
            if (row is null || !row.IsVisibleTo(caller))
            {
                return NeedResult.NotFound;
            }

            if (!row.IsOwnedBy(caller) && !caller.IsStaff)
            {
                return NeedResult.Forbidden;
            }

            var now = DateTimeOffset.UtcNow;
            // Only the request that actually moves the need from open to closed writes the event.
            var closed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE needs
                SET status = @Closed, updated_at = @Now
                WHERE id = @Id AND status = @Open
                """,
                new { Id = id, Closed = NeedStatus.Closed, Open = NeedStatus.Open, Now = now },
                transaction,
                cancellationToken: cancellationToken));
            if (closed == 1)
            {
                await Outbox.AddAsync(connection, transaction, new NeedClosed(id, row.OrganisationId!.Value, now));
            }

            var current = await NeedRow.FindAsync(connection, id, cancellationToken, transaction);
            return new NeedResult(NeedOutcome.Ok, current!.ToResponse(caller));
        }, cancellationToken);
}
