using System.Security.Claims;
using Dapper;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Research.Api.Features;

/// <summary>
/// POST /api/technologies/{id}/withdraw: the owning university or staff take a technology out of matching.
/// Idempotent: withdrawing a withdrawn technology is 200 with it as it is and no second event, so a client may
/// retry after a lost answer.
/// </summary>
public static class WithdrawTechnology
{
    internal static void Map(RouteGroupBuilder technologies) =>
        technologies.MapPost("{id:guid}/withdraw", EndpointAsync)
            .RequireAuthorization(Policies.UniversityOrStaff)
            .WithName(nameof(WithdrawTechnology))
            .Produces<TechnologyResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> EndpointAsync(
        Guid id, ClaimsPrincipal user, ResearchDatabase database, CancellationToken cancellationToken) =>
        (await HandleAsync(id, Caller.From(user), database, cancellationToken)).ToHttp();

    public static Task<TechnologyResult> HandleAsync(
        Guid id, Caller caller, ResearchDatabase database, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var row = await TechnologyRow.FindAsync(connection, id, cancellationToken, transaction);
            if (row is null || !row.IsVisibleTo(caller))
            {
                return TechnologyResult.NotFound;
            }

            if (!row.IsOwnedBy(caller) && !caller.IsStaff)
            {
                return TechnologyResult.Forbidden;
            }

            var now = DateTimeOffset.UtcNow;
            var withdrawn = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE technologies
                SET status = @Withdrawn, updated_at = @Now
                WHERE id = @Id AND status = @Published
                """,
                new { Id = id, Now = now, TechnologyStatus.Withdrawn, TechnologyStatus.Published },
                transaction,
                cancellationToken: cancellationToken));
            if (withdrawn == 0)
            {
                // Already withdrawn (before the read or by a concurrent call): nothing changes, nothing is announced.
                var current = await TechnologyRow.FindAsync(connection, id, cancellationToken, transaction);
                return new TechnologyResult(TechnologyOutcome.Ok, current!.ToResponse(caller));
            }

            await Outbox.AddAsync(connection, transaction, new TechnologyWithdrawn(id, row.OrganisationId, now));
            var technology = row.ToResponse(caller) with { Status = TechnologyStatus.Withdrawn, UpdatedAt = now };
            return new TechnologyResult(TechnologyOutcome.Ok, technology);
        }, cancellationToken);
}
