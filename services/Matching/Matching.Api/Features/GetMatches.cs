using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// The suggestions for one technology (seen by its university and staff) or one need (seen by its enterprise and
/// staff), best first. Anyone else is told the listing does not exist.
/// </summary>
public static class GetMatches
{
    public const int DefaultTop = 10;
    public const int MaxTop = 100;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public sealed record Request(ListingKind Kind, Guid ListingId, int Top);

    public sealed record Response(IReadOnlyList<Item> Items);

    public sealed record Item(Guid MatchId, Guid TechnologyId, Guid NeedId, double Score, MatchExplanation Explanation);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/technologies/{id:guid}/matches",
                (Guid id, string? top, ClaimsPrincipal user, MatchingDatabase database, CancellationToken ct) =>
                    HandleEndpointAsync(ListingKind.Technology, id, top, user, database, ct))
            .RequireAuthorization()
            .WithName("GetTechnologyMatches")
            .WithTags("Matching")
            .Produces<Response>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapGet("/api/needs/{id:guid}/matches",
                (Guid id, string? top, ClaimsPrincipal user, MatchingDatabase database, CancellationToken ct) =>
                    HandleEndpointAsync(ListingKind.Need, id, top, user, database, ct))
            .RequireAuthorization()
            .WithName("GetNeedMatches")
            .WithTags("Matching")
            .Produces<Response>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The matches the caller may see, or <c>null</c> when the listing is unknown to them.</summary>
    public static async Task<Response?> HandleAsync(Request request, Caller caller, MatchingDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var listing = await connection.QuerySingleOrDefaultAsync<ListingOwner>(new CommandDefinition(
            """
            SELECT kind AS Kind, organisation_id AS OrganisationId
            FROM listings
            WHERE id = @Id
            """,
            new { Id = request.ListingId },
            cancellationToken: ct));
        if (listing is null
            || listing.Kind != StoredListing.KindValue(request.Kind)
            || (!caller.IsStaff && listing.OrganisationId != caller.OrganisationId))
        {
            return null;
        }

        var column = request.Kind == ListingKind.Technology ? "m.technology_id" : "m.need_id";
        // Both sides must still be open: a match written just as its counterpart closed is never served.
        // A staff-only need is seen by staff and its owner only, whichever side is asking.
        var rows = await connection.QueryAsync<MatchRow>(new CommandDefinition(
            $"""
            SELECT m.match_id AS MatchId, m.technology_id AS TechnologyId, m.need_id AS NeedId,
                   m.score AS Score, m.explanation AS Explanation
            FROM matches m
            JOIN listings t ON t.id = m.technology_id
            JOIN listings n ON n.id = m.need_id
            WHERE {column} = @Id
              AND m.active = 1
              AND t.open = 1
              AND n.open = 1
              AND (@SeesStaffOnly = 1 OR n.visibility <> 'staff-only' OR n.organisation_id = @Viewer)
            ORDER BY m.score DESC, m.match_id
            LIMIT @Top
            """,
            new { Id = request.ListingId, SeesStaffOnly = caller.IsStaff ? 1 : 0, Viewer = caller.OrganisationId, request.Top },
            cancellationToken: ct));

        return new Response(rows
            .Select(row => new Item(
                row.MatchId,
                row.TechnologyId,
                row.NeedId,
                row.Score,
                JsonSerializer.Deserialize<MatchExplanation>(row.Explanation, s_json)
                    ?? new MatchExplanation("", [], new Dictionary<string, double>())))
            .ToList());
    }

    private static async Task<IResult> HandleEndpointAsync(
        ListingKind kind, Guid id, string? top, ClaimsPrincipal user, MatchingDatabase database, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var count = DefaultTop;
        if (top is not null
            && (!int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxTop))
        {
            errors.Add("top", $"'top' must be a whole number between 1 and {MaxTop}.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var response = await HandleAsync(new Request(kind, id, count), Caller.From(user), database, ct);
        return response is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {StoredListing.KindValue(kind)}.")
            : TypedResults.Ok(response);
    }

    private sealed class ListingOwner
    {
        public string Kind { get; init; } = "";

        public Guid OrganisationId { get; init; }
    }

    private sealed class MatchRow
    {
        public Guid MatchId { get; init; }

        public Guid TechnologyId { get; init; }

        public Guid NeedId { get; init; }

        public double Score { get; init; }

        public string Explanation { get; init; } = "{}";
    }
}
