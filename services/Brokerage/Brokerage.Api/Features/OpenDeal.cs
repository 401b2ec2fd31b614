using System.Data.Common;
using Dapper;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>
/// Staff open a deal for a suggested match, or for any technology and need Brokerage knows of. It starts at
/// <c>suggested</c>; a pair has at most one open deal.
/// </summary>
public static class OpenDeal
{
    /// <summary>Either <paramref name="MatchId"/>, or <paramref name="TechnologyId"/> and <paramref name="NeedId"/>.</summary>
    public sealed record Request(Guid? MatchId, Guid? TechnologyId, Guid? NeedId);

    public abstract record Result
    {
        private Result()
        {
        }

        public sealed record Opened(DealView Deal) : Result;

        public sealed record Invalid(ValidationErrors Errors) : Result;

        /// <summary>The body is well formed but names a match, technology or need Brokerage cannot open a deal for (422).</summary>
        public sealed record Unprocessable(IReadOnlyDictionary<string, string[]> Errors) : Result;

        public sealed record AlreadyOpen(Guid DealId) : Result;

        public sealed record Forbidden : Result;
    }

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/deals", async ([FromBody] Request? request, HttpContext http, BrokerageDatabase database, CancellationToken ct) =>
            {
                var result = await HandleAsync(request, Caller.From(http.User), database, ct);
                return result switch
                {
                    Result.Opened opened => Results.Created($"/api/deals/{opened.Deal.Id}", opened.Deal),
                    Result.Invalid invalid => invalid.Errors.ToResult(),
                    Result.Unprocessable unprocessable => Results.ValidationProblem(
                        unprocessable.Errors.ToDictionary(),
                        statusCode: StatusCodes.Status422UnprocessableEntity,
                        title: "A deal cannot be opened for what the request names."),
                    Result.AlreadyOpen open => Results.Problem(
                        title: "This technology and need already have an open deal.",
                        detail: $"Deal {open.DealId} is still open; move it on or decline it before opening another.",
                        statusCode: StatusCodes.Status409Conflict,
                        extensions: new Dictionary<string, object?> { ["dealId"] = open.DealId }),
                    _ => Results.Forbid(),
                };
            })
            .RequireAuthorization(Policies.Staff)
            .WithName(nameof(OpenDeal))
            .WithTags("Deals")
            .Produces<DealView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);

    /// <param name="id">A fixed id makes seeding idempotent: when a deal with it exists, that deal is returned unchanged.</param>
    public static async Task<Result> HandleAsync(
        Request? request, Caller caller, BrokerageDatabase database, CancellationToken ct, Guid? id = null)
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

        var dealId = id ?? Guid.NewGuid();
        try
        {
            return await database.WriteAsync((connection, transaction) => OpenAsync(connection, transaction, request!, caller, dealId, id is not null), ct);
        }
        catch (DbException exception) when (IsUniqueViolation(exception))
        {
            // Another request opened the pair (or the fixed id) between our check and our insert.
            await using var connection = await database.OpenAsync(ct);
            if (id is not null && await DealQueries.FindAsync(connection, dealId, caller: null) is { } existing)
            {
                return new Result.Opened(existing);
            }

            var pair = await ResolveAsync(connection, null, request!);
            var open = pair.Listings is { } listings
                ? await DealQueries.FindOpenForPairAsync(connection, listings.TechnologyId, listings.NeedId)
                : null;
            if (open is { } openId)
            {
                return new Result.AlreadyOpen(openId);
            }

            throw;
        }
    }

    private static ValidationErrors Validate(Request? request)
    {
        var errors = new ValidationErrors();
        const string oneForm = "Give either 'matchId', or both 'technologyId' and 'needId'.";
        if (request is null || (request.MatchId is null && request.TechnologyId is null && request.NeedId is null))
        {
            return errors.Add("matchId", oneForm).Add("technologyId", oneForm).Add("needId", oneForm);
        }

        if (request.MatchId is not null)
        {
            if (request.TechnologyId is not null)
            {
                errors.Add("technologyId", "Give 'technologyId' and 'needId' without 'matchId', or 'matchId' alone.");
            }

            if (request.NeedId is not null)
            {
                errors.Add("needId", "Give 'technologyId' and 'needId' without 'matchId', or 'matchId' alone.");
            }

            return errors;
        }

        if (request.TechnologyId is null)
        {
            errors.Add("technologyId", "'technologyId' is required with 'needId' (or give 'matchId' alone).");
        }

        if (request.NeedId is null)
        {
            errors.Add("needId", "'needId' is required with 'technologyId' (or give 'matchId' alone).");
        }

        return errors;
    }

    private static async Task<Result> OpenAsync(
        DbConnection connection, DbTransaction transaction, Request request, Caller caller, Guid dealId, bool fixedId)
    {
        if (fixedId && await DealQueries.FindAsync(connection, dealId, caller: null, transaction) is { } existing)
        {
            return new Result.Opened(existing);
        }

        var resolved = await ResolveAsync(connection, transaction, request);
        if (resolved.Listings is not { } listings)
        {
            return new Result.Unprocessable(resolved.Errors);
        }

        if (await DealQueries.FindOpenForPairAsync(connection, listings.TechnologyId, listings.NeedId, transaction) is { } openId)
        {
            return new Result.AlreadyOpen(openId);
        }

        var now = DateTimeOffset.UtcNow;
        await connection.ExecuteAsync(
            """
            INSERT INTO deals (id, technology_id, need_id, match_id, technology_organisation_id, need_organisation_id,
                               stage, created_at, updated_at, created_by)
            VALUES (@Id, @TechnologyId, @NeedId, @MatchId, @TechnologyOrganisationId, @NeedOrganisationId,
                    @Stage, @Now, @Now, @CreatedBy)
            """,
            new
            {
                Id = dealId,
                listings.TechnologyId,
                listings.NeedId,
                listings.MatchId,
                listings.TechnologyOrganisationId,
                listings.NeedOrganisationId,
                Stage = DealStages.Suggested,
                Now = now,
                CreatedBy = caller.UserId,
            },
            transaction);
        await StageChange.RecordAsync(connection, transaction, dealId, listings.TechnologyId, listings.NeedId,
            fromStage: null, DealStages.Suggested, note: null, reason: null, caller.UserId, now, caller.Role);
        return new Result.Opened((await DealQueries.FindAsync(connection, dealId, caller: null, transaction))!);
    }

    private sealed record Listings(Guid TechnologyId, Guid TechnologyOrganisationId, Guid NeedId, Guid NeedOrganisationId, Guid? MatchId);

    private sealed record Resolution(Listings? Listings, Dictionary<string, string[]> Errors);

    private sealed record ListingRow(Guid OrganisationId, string Status);

    /// <summary>The pair the request names, from Brokerage's own read models; or which field names something unknown or gone.</summary>
    private static async Task<Resolution> ResolveAsync(DbConnection connection, DbTransaction? transaction, Request request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Listings listings;
        if (request.MatchId is { } matchId)
        {
            var match = await connection.QuerySingleOrDefaultAsync<Listings>(
                """
                SELECT s.technology_id AS TechnologyId, s.technology_organisation_id AS TechnologyOrganisationId,
                       s.need_id AS NeedId, s.need_organisation_id AS NeedOrganisationId, s.match_id AS MatchId
                FROM suggestions s
                WHERE s.match_id = @MatchId
                """,
                new { MatchId = matchId },
                transaction);
            if (match is null)
            {
                errors["matchId"] = [$"No match '{matchId}' is known to Brokerage."];
                return new Resolution(null, errors);
            }

            listings = match;
        }
        else
        {
            var technologyId = request.TechnologyId!.Value;
            var needId = request.NeedId!.Value;
            var technology = await FindTechnologyAsync(connection, transaction, technologyId);
            var need = await FindNeedAsync(connection, transaction, needId);
            if (technology is null)
            {
                errors["technologyId"] = [$"No technology '{technologyId}' is known to Brokerage."];
            }

            if (need is null)
            {
                errors["needId"] = [$"No need '{needId}' is known to Brokerage."];
            }

            if (technology is null || need is null)
            {
                return new Resolution(null, errors);
            }

            // A deal opened by pair still links the engine's suggestion when there is one, for the reports.
            var latestMatch = await connection.QueryFirstOrDefaultAsync<Guid?>(
                """
                SELECT s.match_id AS MatchId
                FROM suggestions s
                WHERE s.technology_id = @TechnologyId AND s.need_id = @NeedId
                ORDER BY s.suggested_at DESC
                """,
                new { TechnologyId = technologyId, NeedId = needId },
                transaction);
            listings = new Listings(technologyId, technology.OrganisationId, needId, need.OrganisationId, latestMatch);
        }

        // Read models may lag (a match can arrive before its listings), so only a listing known to be gone stops a deal.
        var technologyField = request.MatchId is null ? "technologyId" : "matchId";
        var needField = request.MatchId is null ? "needId" : "matchId";
        if (await FindTechnologyAsync(connection, transaction, listings.TechnologyId) is { Status: "withdrawn" })
        {
            errors[technologyField] = [$"Technology '{listings.TechnologyId}' has been withdrawn."];
        }

        if (await FindNeedAsync(connection, transaction, listings.NeedId) is { Status: "closed" })
        {
            errors[needField] = errors.TryGetValue(needField, out var earlier)
                ? [.. earlier, $"Need '{listings.NeedId}' has been closed."]
                : [$"Need '{listings.NeedId}' has been closed."];
        }

        return new Resolution(errors.Count == 0 ? listings : null, errors);
    }

    private static Task<ListingRow?> FindTechnologyAsync(DbConnection connection, DbTransaction? transaction, Guid id) =>
        connection.QuerySingleOrDefaultAsync<ListingRow?>(
            """
            SELECT t.organisation_id AS OrganisationId, t.status AS Status
            FROM technologies t
            WHERE t.id = @Id
            """,
            new { Id = id },
            transaction);

    private static Task<ListingRow?> FindNeedAsync(DbConnection connection, DbTransaction? transaction, Guid id) =>
        connection.QuerySingleOrDefaultAsync<ListingRow?>(
            """
            SELECT n.organisation_id AS OrganisationId, n.status AS Status
            FROM needs n
            WHERE n.id = @Id
            """,
            new { Id = id },
            transaction);

    private static bool IsUniqueViolation(DbException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
