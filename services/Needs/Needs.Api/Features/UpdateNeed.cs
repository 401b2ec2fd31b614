using System.Security.Claims;
using Dapper;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Needs.Api.Features;

/// <summary>
/// PUT /api/needs/{id}: the owning enterprise replaces the need's fields (same body and rules as post). An omitted
/// visibility keeps the current one, so a client that forgets it never widens a staff-only need to public. Anyone
/// else gets 404 for a need they cannot see and 403 for one they can; a closed need is 409.
/// </summary>
public static class UpdateNeed
{
    internal static void Map(RouteGroupBuilder needs) =>
        needs.MapPut("{id:guid}", EndpointAsync)
            .WithName(nameof(UpdateNeed))
            .Produces<NeedResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<IResult> EndpointAsync(
        Guid id, NeedBody body, ClaimsPrincipal user, NeedsDatabase database, ConfidentialText confidential,
        CancellationToken cancellationToken) =>
        (await HandleAsync(id, body, Caller.From(user), database, confidential, cancellationToken))
            .ToHttp("Only the owning organisation may change this need.", "The need is closed and cannot change.");

    public static Task<NeedResult> HandleAsync(
        Guid id, NeedBody body, Caller caller, NeedsDatabase database, ConfidentialText confidential,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var row = await NeedRow.FindAsync(connection, id, cancellationToken, transaction);
            if (row is null || !row.IsVisibleTo(caller))
            {
                return NeedResult.NotFound;
            }

            if (!row.IsOwnedBy(caller))
            {
                return NeedResult.Forbidden;
            }

            if (row.IsClosed)
            {
                return NeedResult.Conflict;
            }

            var now = DateTimeOffset.UtcNow;
            var errors = body.Validate(DateOnly.FromDateTime(now.UtcDateTime), row.Deadline);
            if (errors.Any)
            {
                return NeedResult.Invalid(errors);
            }

            var visibility = body.Visibility ?? row.Visibility;
            var language = body.ResolveLanguage();
            // The status condition catches a close that committed after the read above.
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE needs
                SET title = @Title, problem = @Problem, sector = @Sector, keywords = @Keywords, min_trl = @MinTrl,
                    budget_min = @BudgetMin, budget_max = @BudgetMax, budget_currency = @BudgetCurrency,
                    deadline = @Deadline, visibility = @Visibility, language = @Language, updated_at = @Now
                WHERE id = @Id AND organisation_id = @OrganisationId AND status = @Status
                """,
                body.ToSqlParameters(id, caller.OrganisationId, visibility, language, now, caller),
                transaction,
                cancellationToken: cancellationToken));
            if (updated == 0)
            {
                return NeedResult.Conflict;
            }

            var need = body.ToResponse(id, caller.OrganisationId, visibility, language, row.CreatedAt, now);
            // A staff-only need's text is sealed on the bus (see PostNeed).
            var staffOnly = need.Visibility == NeedVisibility.StaffOnly;
            await Outbox.AddAsync(connection, transaction, new NeedUpdated(
                need.Id, caller.OrganisationId, confidential.SealIf(staffOnly, need.Title), confidential.SealIf(staffOnly, need.Problem),
                confidential.SealIf(staffOnly, need.Keywords), need.Sector, need.MinTrl, need.Visibility, need.Language, now));
            return new NeedResult(NeedOutcome.Ok, need);
        }, cancellationToken);
}
