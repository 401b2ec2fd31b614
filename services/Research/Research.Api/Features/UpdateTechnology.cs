using System.Security.Claims;
using Dapper;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Research.Api.Features;

/// <summary>
/// PUT /api/technologies/{id}: the owning university replaces the technology's fields (same body and rules as
/// publish). Another organisation gets 403 for a technology it can see (a published one) and 404 for one it cannot;
/// a withdrawn technology is 409.
/// </summary>
public static class UpdateTechnology
{
    internal static void Map(RouteGroupBuilder technologies) =>
        technologies.MapPut("{id:guid}", EndpointAsync)
            .RequireAuthorization(Policies.University)
            .WithName(nameof(UpdateTechnology))
            .Produces<TechnologyResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<IResult> EndpointAsync(
        Guid id, TechnologyBody body, ClaimsPrincipal user, ResearchDatabase database, CancellationToken cancellationToken) =>
        (await HandleAsync(id, body, Caller.From(user), database, cancellationToken)).ToHttp();

    public static Task<TechnologyResult> HandleAsync(
        Guid id, TechnologyBody body, Caller caller, ResearchDatabase database, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var row = await TechnologyRow.FindAsync(connection, id, cancellationToken, transaction);
            if (row is null || !row.IsVisibleTo(caller))
            {
                return TechnologyResult.NotFound;
            }

            if (!row.IsOwnedBy(caller))
            {
                return TechnologyResult.Forbidden;
            }

            if (row.IsWithdrawn)
            {
                return TechnologyResult.Conflict;
            }

            var errors = body.Validate();
            if (errors.Any)
            {
                return TechnologyResult.Invalid(errors);
            }

            var language = body.ResolveLanguage();
            var now = DateTimeOffset.UtcNow;
            // The status condition catches a withdrawal that committed after the read above.
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE technologies
                SET title = @Title, summary = @Summary, details = @Details, sector = @Sector, keywords = @Keywords,
                    trl = @Trl, ip_status = @IpStatus, patent_numbers = @PatentNumbers, licence_models = @LicenceModels,
                    language = @Language, updated_at = @Now
                WHERE id = @Id AND organisation_id = @OrganisationId AND status = @Status
                """,
                body.ToSqlParameters(id, language, now, caller),
                transaction,
                cancellationToken: cancellationToken));
            if (updated == 0)
            {
                return TechnologyResult.Conflict;
            }

            var technology = body.ToResponse(id, row.OrganisationId, language, row.CreatedAt, now);
            await Outbox.AddAsync(connection, transaction, new TechnologyUpdated(
                technology.Id, technology.OrganisationId, technology.Title, technology.Summary, technology.Keywords,
                technology.Sector, technology.Trl, technology.LicenceModels, technology.Language, now));
            return new TechnologyResult(TechnologyOutcome.Ok, technology);
        }, cancellationToken);
}
