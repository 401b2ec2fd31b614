using System.Security.Claims;
using Dapper;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Needs.Api.Features;

/// <summary>POST /api/needs: an enterprise posts a need; NeedPosted leaves through the outbox in the same transaction.</summary>
public static class PostNeed
{
    internal static void Map(RouteGroupBuilder needs) =>
        needs.MapPost("", EndpointAsync)
            .RequireAuthorization(Policies.Enterprise)
            .WithName(nameof(PostNeed))
            .Produces<NeedResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    private static async Task<IResult> EndpointAsync(
        NeedBody body, ClaimsPrincipal user, HttpContext http, NeedsDatabase database, ConfidentialText confidential,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var (invalid, key, id) = IdempotencyKey.ForRequest(http.Request, "need", caller.OrganisationId, caller.UserId);
        if (invalid is not null)
        {
            return invalid;
        }

        var result = await HandleAsync(body, caller, database, confidential, cancellationToken, id);
        if (result.Outcome == NeedOutcome.Created)
        {
            return TypedResults.Created($"/api/needs/{result.Need!.Id}", result.Need);
        }

        if (key is not null && result is { Outcome: NeedOutcome.Ok, Need: { } existing })
        {
            var requested = body.ToResponse(existing.Id, caller.OrganisationId, body.Visibility ?? NeedVisibility.Public,
                body.ResolveLanguage(), existing.CreatedAt, existing.UpdatedAt);
            return IdempotencyKey.Replay(http.Response, $"/api/needs/{existing.Id}", existing, requested);
        }

        return result.ToHttp("Only an enterprise may post a need.", "The need cannot be posted.");
    }

    /// <param name="id">A fixed id makes a replayed seed a no-op: the existing need comes back as <see cref="NeedOutcome.Ok"/>.</param>
    public static async Task<NeedResult> HandleAsync(
        NeedBody body, Caller caller, NeedsDatabase database, ConfidentialText confidential, CancellationToken cancellationToken,
        Guid? id = null)
    {
        // The endpoint's policy already says so; the check is repeated for callers that come without HTTP (the seeder).
        if (caller.Role != Roles.Enterprise)
        {
            return NeedResult.Forbidden;
        }

        var now = DateTimeOffset.UtcNow;
        var errors = body.Validate(DateOnly.FromDateTime(now.UtcDateTime));
        if (errors.Any)
        {
            return NeedResult.Invalid(errors);
        }

        var needId = id ?? Guid.NewGuid();
        var visibility = body.Visibility ?? NeedVisibility.Public;
        var language = body.ResolveLanguage();
        var need = body.ToResponse(needId, caller.OrganisationId, visibility, language, now, now);
        // A staff-only need's text is sealed on the bus: only the services that hold the deployment's key read it.
        var staffOnly = need.Visibility == NeedVisibility.StaffOnly;
        var inserted = await Outbox.InsertWithEventAsync(
            database,
            """
            INSERT INTO needs (
                id, organisation_id, title, problem, sector, keywords, min_trl, budget_min, budget_max,
                budget_currency, deadline, visibility, language, status, created_at, updated_at, created_by)
            VALUES (
                @Id, @OrganisationId, @Title, @Problem, @Sector, @Keywords, @MinTrl, @BudgetMin, @BudgetMax,
                @BudgetCurrency, @Deadline, @Visibility, @Language, @Status, @Now, @Now, @CreatedBy)
            ON CONFLICT (id) DO NOTHING
            """,
            body.ToSqlParameters(needId, caller.OrganisationId, visibility, language, now, caller),
            new NeedPosted(
                need.Id, caller.OrganisationId, confidential.SealIf(staffOnly, need.Title), confidential.SealIf(staffOnly, need.Problem),
                confidential.SealIf(staffOnly, need.Keywords), need.Sector, need.MinTrl, need.Visibility, need.Language, now),
            cancellationToken);
        if (!inserted)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var existing = await NeedRow.FindAsync(connection, needId, cancellationToken);
            return new NeedResult(NeedOutcome.Ok, existing!.ToResponse(caller));
        }

        return new NeedResult(NeedOutcome.Created, need);
    }
}
