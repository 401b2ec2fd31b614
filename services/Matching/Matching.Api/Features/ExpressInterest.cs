using System.Security.Claims;
using Dapper;
using Matchmaking.Matching.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// POST /api/matches/{matchId}/interest: the enterprise that owns the match's need (or staff on its behalf) says it is
/// interested. Idempotent: 201 the first time, 200 with the same interest afterwards. Anyone else, or a match that is
/// no longer served, gets 404.
/// </summary>
public static class ExpressInterest
{
    public const int MaxMessageLength = 2000;

    public sealed record Request(string? Message);

    public sealed record Response(Guid InterestId, Guid MatchId, Guid TechnologyId, Guid NeedId, string? Message, DateTimeOffset CreatedAt);

    public enum Outcome
    {
        Created,
        Existing,
        Invalid,
        NotFound,
    }

    public sealed record Result(Outcome Outcome, Response? Interest = null, ValidationErrors? Errors = null);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/matches/{matchId:guid}/interest",
                async (Guid matchId, [FromBody] Request? request, ClaimsPrincipal user, MatchingDatabase database, CancellationToken ct) =>
                {
                    var result = await HandleAsync(matchId, request ?? new Request(null), Caller.From(user), database, ct);
                    return result.Outcome switch
                    {
                        Outcome.Created => Results.Created($"/api/interests?needId={result.Interest!.NeedId}", result.Interest),
                        Outcome.Existing => Results.Ok(result.Interest),
                        Outcome.Invalid => result.Errors!.ToResult(),
                        _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such match."),
                    };
                })
            .RequireAuthorization(Policies.EnterpriseOrStaff)
            .WithName(nameof(ExpressInterest))
            .WithTags("Matching")
            .Produces<Response>(StatusCodes.Status201Created)
            .Produces<Response>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<Result> HandleAsync(Guid matchId, Request request, Caller caller, MatchingDatabase database, CancellationToken ct)
    {
        var errors = new ValidationErrors().MaxLength("message", request.Message, MaxMessageLength);
        if (errors.Any)
        {
            return new Result(Outcome.Invalid, Errors: errors);
        }

        var message = string.IsNullOrWhiteSpace(request.Message) ? null : request.Message.Trim();
        return await database.WriteAsync(async (connection, transaction) =>
        {
            // The match must be served (active, both sides open) and the caller must own its need (or be staff).
            var match = await connection.QuerySingleOrDefaultAsync<MatchRow>(
                """
                SELECT m.match_id AS MatchId, m.technology_id AS TechnologyId, m.need_id AS NeedId,
                       m.technology_organisation_id AS TechnologyOrganisationId, m.need_organisation_id AS NeedOrganisationId,
                       n.visibility AS NeedVisibility
                FROM matches m
                JOIN listings t ON t.id = m.technology_id
                JOIN listings n ON n.id = m.need_id
                WHERE m.match_id = @MatchId AND m.active = 1 AND t.open = 1 AND n.open = 1
                """,
                new { MatchId = matchId },
                transaction);
            if (match is null || (!caller.IsStaff && match.NeedOrganisationId != caller.OrganisationId))
            {
                return new Result(Outcome.NotFound);
            }

            var existing = await FindAsync(connection, transaction, matchId);
            if (existing is not null)
            {
                return new Result(Outcome.Existing, existing);
            }

            var interest = new Response(Guid.NewGuid(), match.MatchId, match.TechnologyId, match.NeedId, message, DateTimeOffset.UtcNow);
            // A concurrent first call loses on the unique match_id and then reads the winner's row.
            var inserted = await connection.ExecuteAsync(
                """
                INSERT INTO interests (id, match_id, technology_id, need_id, technology_organisation_id, need_organisation_id,
                                       message, expressed_by, created_at)
                VALUES (@Id, @MatchId, @TechnologyId, @NeedId, @TechnologyOrganisationId, @NeedOrganisationId,
                        @Message, @ExpressedBy, @CreatedAt)
                ON CONFLICT (match_id) DO NOTHING
                """,
                new
                {
                    Id = interest.InterestId,
                    match.MatchId,
                    match.TechnologyId,
                    match.NeedId,
                    match.TechnologyOrganisationId,
                    match.NeedOrganisationId,
                    Message = message,
                    ExpressedBy = caller.UserId,
                    interest.CreatedAt,
                },
                transaction);
            if (inserted == 0)
            {
                return new Result(Outcome.Existing, await FindAsync(connection, transaction, matchId));
            }

            await Outbox.AddAsync(connection, transaction, new InterestExpressed(
                interest.InterestId, match.MatchId, match.TechnologyId, match.TechnologyOrganisationId,
                match.NeedId, match.NeedOrganisationId, match.NeedVisibility, caller.UserId, interest.CreatedAt));
            return new Result(Outcome.Created, interest);
        }, ct);
    }

    private static Task<Response?> FindAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, Guid matchId) =>
        connection.QuerySingleOrDefaultAsync<Response?>(
            """
            SELECT i.id AS InterestId, i.match_id AS MatchId, i.technology_id AS TechnologyId, i.need_id AS NeedId,
                   i.message AS Message, i.created_at AS CreatedAt
            FROM interests i
            WHERE i.match_id = @MatchId
            """,
            new { MatchId = matchId },
            transaction);

    private sealed class MatchRow
    {
        public Guid MatchId { get; init; }

        public Guid TechnologyId { get; init; }

        public Guid NeedId { get; init; }

        public Guid TechnologyOrganisationId { get; init; }

        public Guid NeedOrganisationId { get; init; }

        public string NeedVisibility { get; init; } = "";
    }
}
