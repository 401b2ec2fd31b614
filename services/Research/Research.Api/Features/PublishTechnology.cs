using System.Security.Claims;
using Dapper;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Research.Api.Features;

/// <summary>POST /api/technologies: a university publishes a technology; TechnologyPublished leaves through the outbox.</summary>
public static class PublishTechnology
{
    internal static void Map(RouteGroupBuilder technologies) =>
        technologies.MapPost("", EndpointAsync)
            .RequireAuthorization(Policies.University)
            .WithName(nameof(PublishTechnology))
            .Produces<TechnologyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> EndpointAsync(
        TechnologyBody body, ClaimsPrincipal user, HttpContext http, ResearchDatabase database, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var (invalid, key, id) = IdempotencyKey.ForRequest(http.Request, "technology", caller.OrganisationId, caller.UserId);
        if (invalid is not null)
        {
            return invalid;
        }

        var result = await HandleAsync(body, caller, database, cancellationToken, id);
        if (result.Outcome == TechnologyOutcome.Created)
        {
            return TypedResults.Created($"/api/technologies/{result.Technology!.Id}", result.Technology);
        }

        if (key is not null && result is { Outcome: TechnologyOutcome.Ok, Technology: { } existing })
        {
            var requested = body.ToResponse(existing.Id, caller.OrganisationId, body.ResolveLanguage(), existing.CreatedAt, existing.UpdatedAt);
            return IdempotencyKey.Replay(http.Response, $"/api/technologies/{existing.Id}", existing, requested);
        }

        return result.ToHttp();
    }

    /// <param name="id">A fixed id makes a replayed seed a no-op: the existing technology comes back as <see cref="TechnologyOutcome.Ok"/>.</param>
    public static async Task<TechnologyResult> HandleAsync(
        TechnologyBody body, Caller caller, ResearchDatabase database, CancellationToken cancellationToken, Guid? id = null)
    {
        var errors = body.Validate();
        if (errors.Any)
        {
            return TechnologyResult.Invalid(errors);
        }

        var technologyId = id ?? Guid.NewGuid();
        var language = body.ResolveLanguage();
        var now = DateTimeOffset.UtcNow;
        var technology = body.ToResponse(technologyId, caller.OrganisationId, language, now, now);
        var inserted = await Outbox.InsertWithEventAsync(
            database,
            """
            INSERT INTO technologies (
                id, organisation_id, title, summary, details, sector, keywords, trl, ip_status, patent_numbers,
                licence_models, language, status, created_at, updated_at, created_by)
            VALUES (
                @Id, @OrganisationId, @Title, @Summary, @Details, @Sector, @Keywords, @Trl, @IpStatus, @PatentNumbers,
                @LicenceModels, @Language, @Status, @Now, @Now, @CreatedBy)
            ON CONFLICT (id) DO NOTHING
            """,
            body.ToSqlParameters(technologyId, language, now, caller),
            new TechnologyPublished(
                technology.Id, technology.OrganisationId, technology.Title, technology.Summary, technology.Keywords,
                technology.Sector, technology.Trl, technology.LicenceModels, technology.Language, now),
            cancellationToken);
        if (!inserted)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var existing = await TechnologyRow.FindAsync(connection, technologyId, cancellationToken);
            return new TechnologyResult(TechnologyOutcome.Ok, existing!.ToResponse(caller));
        }

        return new TechnologyResult(TechnologyOutcome.Created, technology);
    }
}
