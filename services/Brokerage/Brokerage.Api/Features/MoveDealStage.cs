using Dapper;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>
/// Staff move a deal one step: to the next stage of the pipeline, or to <c>declined</c> with a reason code. A skipped
/// or backward step, or any move of a closed deal, is a conflict that says which steps are allowed.
/// </summary>
public static class MoveDealStage
{
    public const int MaxNoteLength = 2000;

    public sealed record Request(string? Stage, string? Note, string? Reason);

    public abstract record Result
    {
        private Result()
        {
        }

        public sealed record Moved(DealView Deal) : Result;

        public sealed record Invalid(ValidationErrors Errors) : Result;

        public sealed record NotFound : Result;

        /// <summary>The step is not the next one from <paramref name="CurrentStage"/>; <paramref name="AllowedStages"/> are.</summary>
        public sealed record StepNotAllowed(string CurrentStage, string RequestedStage, IReadOnlyList<string> AllowedStages) : Result;

        public sealed record Forbidden : Result;
    }

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/deals/{id:guid}/stage", async (Guid id, [FromBody] Request? request, HttpContext http, BrokerageDatabase database, CancellationToken ct) =>
            {
                var result = await HandleAsync(id, request, Caller.From(http.User), database, ct);
                return result switch
                {
                    Result.Moved moved => Results.Ok(moved.Deal),
                    Result.Invalid invalid => invalid.Errors.ToResult(),
                    Result.NotFound => Results.Problem(title: "Deal not found.", statusCode: StatusCodes.Status404NotFound),
                    Result.StepNotAllowed conflict => Results.Problem(
                        title: "This stage change is not allowed.",
                        detail: Explain(conflict),
                        statusCode: StatusCodes.Status409Conflict,
                        extensions: new Dictionary<string, object?>
                        {
                            ["currentStage"] = conflict.CurrentStage,
                            ["allowedStages"] = conflict.AllowedStages,
                        }),
                    _ => Results.Forbid(),
                };
            })
            .RequireAuthorization(Policies.Staff)
            .WithName(nameof(MoveDealStage))
            .WithTags("Deals")
            .Produces<DealView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    public static async Task<Result> HandleAsync(
        Guid dealId, Request? request, Caller caller, BrokerageDatabase database, CancellationToken ct)
    {
        if (!caller.IsStaff)
        {
            return new Result.Forbidden();
        }

        var errors = Validate(request);
        if (errors.Any)
        {
            return new Result.Invalid(errors);
        }

        var to = request!.Stage!;
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note;
        return await database.WriteAsync<Result>(async (connection, transaction) =>
        {
            var deal = await connection.QuerySingleOrDefaultAsync<DealQueries.DealRow>(
                """
                SELECT d.id AS Id, d.technology_id AS TechnologyId, d.need_id AS NeedId, d.match_id AS MatchId,
                       d.stage AS Stage, d.created_at AS CreatedAt, d.updated_at AS UpdatedAt
                FROM deals d
                WHERE d.id = @Id
                """,
                new { Id = dealId },
                transaction);
            if (deal is null)
            {
                return new Result.NotFound();
            }

            var allowed = DealStages.NextFrom(deal.Stage);
            if (!allowed.Contains(to))
            {
                return new Result.StepNotAllowed(deal.Stage, to, allowed);
            }

            var now = DateTimeOffset.UtcNow;
            // The stage in the WHERE clause makes a concurrent move of the same deal lose instead of skipping a step.
            var updated = await connection.ExecuteAsync(
                """
                UPDATE deals
                SET stage = @To, updated_at = @Now
                WHERE id = @Id AND stage = @From
                """,
                new { Id = dealId, From = deal.Stage, To = to, Now = now },
                transaction);
            if (updated == 0)
            {
                var current = await connection.ExecuteScalarAsync<string>(
                    "SELECT d.stage AS Stage FROM deals d WHERE d.id = @Id", new { Id = dealId }, transaction);
                return new Result.StepNotAllowed(current!, to, DealStages.NextFrom(current!));
            }

            await StageChange.RecordAsync(connection, transaction, dealId, deal.TechnologyId, deal.NeedId,
                deal.Stage, to, note, to == DealStages.Declined ? request.Reason : null, caller.UserId, now, caller.Role);
            return new Result.Moved((await DealQueries.FindAsync(connection, dealId, caller: null, transaction))!);
        }, ct);
    }

    private static ValidationErrors Validate(Request? request)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            return errors.Add("stage", "'stage' is required.");
        }

        errors.Required("stage", request.Stage, 40).OneOf("stage", request.Stage, DealStages.All);
        errors.MaxLength("note", request.Note, MaxNoteLength);
        if (request.Stage == DealStages.Declined)
        {
            if (string.IsNullOrWhiteSpace(request.Reason))
            {
                errors.Add("reason", $"'reason' is required to decline a deal; one of: {string.Join(", ", DeclineReasons.All)}.");
            }
            else
            {
                errors.OneOf("reason", request.Reason, DeclineReasons.All);
            }
        }
        else if (request.Reason is not null)
        {
            errors.Add("reason", "'reason' is given only when declining a deal.");
        }

        return errors;
    }

    private static string Explain(Result.StepNotAllowed conflict)
    {
        if (conflict.AllowedStages.Count == 0)
        {
            return $"The deal is {conflict.CurrentStage} and closed; it cannot move to '{conflict.RequestedStage}' or anywhere else.";
        }

        var next = conflict.AllowedStages.First(stage => stage != DealStages.Declined);
        return $"The deal is at '{conflict.CurrentStage}'; the next step allowed is '{next}' (or '{DealStages.Declined}' with a reason), not '{conflict.RequestedStage}'.";
    }
}
