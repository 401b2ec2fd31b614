using System.Security.Claims;
using Dapper;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Matchmaking.Matching.Api.Features;

/// <summary>A broker judges a suggestion relevant or not; the verdicts are what ranking weights are learned from.</summary>
public static class GiveFeedback
{
    public const string Relevant = "relevant";
    public const string NotRelevant = "not-relevant";
    public const int MaxReasonLength = 2000;

    /// <summary>Reason codes for a rejected suggestion; free text is still stored as given.</summary>
    public static readonly IReadOnlyList<string> ReasonCodes = ["not-relevant", "trl-too-low", "budget-mismatch", "sector-mismatch", "duplicate", "other"];

    private static readonly string[] s_verdicts = [Relevant, NotRelevant];

    public sealed record Request(string? Verdict, string? Reason);

    public enum Outcome
    {
        Recorded,
        Invalid,
        UnknownMatch,
    }

    public sealed record Result(Outcome Outcome, Guid? FeedbackId = null, ValidationErrors? Errors = null);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/matches/{matchId:guid}/feedback",
                async (Guid matchId, [FromBody] Request? request, ClaimsPrincipal user, MatchingDatabase database, IListingIndex index, CancellationToken ct) =>
                {
                    var result = await HandleAsync(matchId, request ?? new Request(null, null), Caller.From(user), database, ct);
                    if (result.Outcome == Outcome.Recorded)
                    {
                        // Learning takes milliseconds over thousands of verdicts: the next match already uses it.
                        await LearnRankingWeights.HandleAsync(database, index, RankingWeights.Default, ct);
                    }

                    return result.Outcome switch
                    {
                        Outcome.Recorded => Results.NoContent(),
                        Outcome.Invalid => result.Errors!.ToResult(),
                        _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such match."),
                    };
                })
            .RequireAuthorization(Policies.Staff)
            .WithName("GiveMatchFeedback")
            .WithTags("Matching")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>Records a verdict on <paramref name="matchId"/>; a fixed <paramref name="id"/> makes a repeated call (a seed) a no-op.</summary>
    public static async Task<Result> HandleAsync(
        Guid matchId, Request request, Caller caller, MatchingDatabase database, CancellationToken ct, Guid? id = null)
    {
        var errors = new ValidationErrors()
            .Required("verdict", request.Verdict, 20)
            .OneOf("verdict", string.IsNullOrWhiteSpace(request.Verdict) ? null : request.Verdict, s_verdicts)
            .MaxLength("reason", request.Reason, MaxReasonLength);
        if (errors.Any)
        {
            return new Result(Outcome.Invalid, Errors: errors);
        }

        var feedbackId = id ?? Guid.NewGuid();
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var known = await connection.ExecuteScalarAsync<int>(
                "SELECT COUNT(*) FROM matches WHERE match_id = @MatchId", new { MatchId = matchId }, transaction);
            if (known == 0)
            {
                return new Result(Outcome.UnknownMatch);
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO feedback (id, match_id, verdict, reason, user_id, created_at)
                VALUES (@Id, @MatchId, @Verdict, @Reason, @UserId, @CreatedAt)
                ON CONFLICT (id) DO NOTHING
                """,
                new
                {
                    Id = feedbackId,
                    MatchId = matchId,
                    request.Verdict,
                    Reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason,
                    caller.UserId,
                    CreatedAt = DateTimeOffset.UtcNow,
                },
                transaction);
            // A suggestion judged not relevant leaves the review queue; one already accepted (a deal) stays accepted.
            if (request.Verdict == NotRelevant)
            {
                await connection.ExecuteAsync(
                    """
                    UPDATE matches
                    SET status = 'rejected', status_at = @At
                    WHERE match_id = @MatchId AND status = 'new'
                    """,
                    new { MatchId = matchId, At = DateTimeOffset.UtcNow },
                    transaction);
            }

            return new Result(Outcome.Recorded, feedbackId);
        }, ct);
    }
}
