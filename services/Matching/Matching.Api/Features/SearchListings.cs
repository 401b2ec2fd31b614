using System.Globalization;
using System.Security.Claims;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// Free-text search over open technologies and needs, with sector facets. Staff-only needs are found by staff and by
/// their owner only; no hit carries an organisation, so an anonymous need stays anonymous.
/// </summary>
public static class SearchListings
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxPage = 1000;
    public const int MaxQueryLength = 1000;

    private static readonly string[] s_types = [StoredListing.Technology, StoredListing.Need];

    public sealed record Request(string? Q, ListingKind? Type, string? Sector, int? MinTrl, int Page, int PageSize);

    public sealed record Response(int Total, IReadOnlyList<Item> Items, Facets Facets);

    public sealed record Item(Guid Id, string Type, string Title, string Snippet, double Score, string Language);

    public sealed record Facets(IReadOnlyDictionary<string, int> Sector);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/search", HandleEndpoint)
            .RequireAuthorization()
            .WithName("SearchListings")
            .WithTags("Matching")
            .Produces<Response>()
            .ProducesValidationProblem();

    public static Response Handle(Request request, Caller caller, IListingIndex index)
    {
        var result = index.Search(new SearchRequest(
            request.Q,
            request.Type,
            string.IsNullOrWhiteSpace(request.Sector) ? null : request.Sector,
            request.MinTrl,
            IncludeStaffOnly: caller.IsStaff,
            ViewerOrganisationId: caller.OrganisationId,
            Skip: (request.Page - 1) * request.PageSize,
            Take: request.PageSize));

        return new Response(
            result.Total,
            result.Items
                .Select(hit => new Item(hit.Id, StoredListing.KindValue(hit.Kind), hit.Title, hit.Snippet, hit.Score, hit.Language))
                .ToList(),
            new Facets(result.SectorFacets));
    }

    private static IResult HandleEndpoint(
        string? q, string? type, string? sector, string? minTrl, string? page, string? pageSize,
        ClaimsPrincipal user, IListingIndex index)
    {
        var errors = new ValidationErrors()
            .MaxLength("q", q, MaxQueryLength)
            .OneOf("type", string.IsNullOrEmpty(type) ? null : type, s_types)
            .SectorCode("sector", string.IsNullOrWhiteSpace(sector) ? null : sector);
        var minTrlValue = Integer(errors, "minTrl", minTrl, 1, 9, fallback: null);
        var pageValue = Integer(errors, "page", page, 1, MaxPage, fallback: 1);
        var pageSizeValue = Integer(errors, "pageSize", pageSize, 1, MaxPageSize, fallback: DefaultPageSize);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        ListingKind? kind = string.IsNullOrEmpty(type) ? null : StoredListing.ParseKind(type);
        var request = new Request(q, kind, sector, minTrlValue, pageValue ?? 1, pageSizeValue ?? DefaultPageSize);
        return TypedResults.Ok(Handle(request, Caller.From(user), index));
    }

    /// <summary>Query values arrive as text so that a bad one is a 400 naming its field, not a binding failure.</summary>
    private static int? Integer(ValidationErrors errors, string field, string? value, int min, int max, int? fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            errors.Add(field, $"'{field}' must be a whole number between {min} and {max}.");
            return fallback;
        }

        return number;
    }
}
