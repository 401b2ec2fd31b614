using System.Globalization;
using System.Security.Claims;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Text;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Needs.Api.Features;

/// <summary>
/// GET /api/needs?sector=&amp;q=&amp;status=&amp;mine=&amp;page=&amp;pageSize=: needs newest first, under the same rules
/// as <see cref="GetNeed"/>, applied in SQL so a hidden need never leaves the database: staff-only and closed needs
/// only for their owner and staff, anonymous ones without their organisation. <c>mine=true</c> keeps the caller's
/// own needs; <c>q</c> looks for its words in title, problem and keywords.
/// </summary>
public static class ListNeeds
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int QueryMaxLength = 200;

    public sealed record Query(string? Sector, string? Q, string? Status, bool Mine, int Page, int PageSize);

    /// <summary>One page of the needs the caller may see; <see cref="Total"/> counts them all.</summary>
    public sealed record PageResponse(int Total, int Page, int PageSize, IReadOnlyList<NeedResponse> Items);

    internal static void Map(RouteGroupBuilder needs) =>
        needs.MapGet("", EndpointAsync)
            .WithName(nameof(ListNeeds))
            .Produces<PageResponse>()
            .ProducesValidationProblem();

    // Numbers and flags arrive as text so that a wrong one becomes a validation problem naming it, not a bare 400.
    private static async Task<IResult> EndpointAsync(
        ClaimsPrincipal user, NeedsDatabase database, CancellationToken cancellationToken,
        string? sector = null, string? q = null, string? status = null, string? mine = null,
        string? page = null, string? pageSize = null)
    {
        var errors = new ValidationErrors();
        var query = new Query(
            string.IsNullOrWhiteSpace(sector) ? null : sector,
            string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
            string.IsNullOrWhiteSpace(status) ? null : status,
            ParseFlag("mine", mine, errors),
            ParseNumber("page", page, 1, 1, int.MaxValue, errors),
            ParseNumber("pageSize", pageSize, DefaultPageSize, 1, MaxPageSize, errors));
        Validate(query, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return TypedResults.Ok(await HandleAsync(query, Caller.From(user), database, cancellationToken));
    }

    public static ValidationErrors Validate(Query query, ValidationErrors errors)
    {
        errors
            .MaxLength("q", query.Q, QueryMaxLength)
            .OneOf("status", query.Status, NeedStatus.All)
            .Range("page", query.Page, 1, int.MaxValue)
            .Range("pageSize", query.PageSize, 1, MaxPageSize)
            .SectorCode("sector", query.Sector);
        return errors;
    }

    public static async Task<PageResponse> HandleAsync(Query query, Caller caller, NeedsDatabase database, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            OrganisationId = caller.OrganisationId,
            IsStaff = caller.IsStaff ? 1 : 0,
            Mine = query.Mine ? 1 : 0,
            query.Sector,
            query.Status,
            Pattern = query.Q is null ? null : $"%{EscapeLike(query.Q.ToLowerInvariant())}%",
            Open = NeedStatus.Open,
            StaffOnly = NeedVisibility.StaffOnly,
            Anonymous = NeedVisibility.Anonymous,
            Skip = (long)(query.Page - 1) * query.PageSize,
            Take = query.PageSize,
        };
        // Who may see a row, and which rows the caller asked for; shared by the count and the page.
        const string where = """
            WHERE (@IsStaff = 1 OR organisation_id = @OrganisationId OR (status = @Open AND visibility <> @StaffOnly))
              AND (@Mine = 0 OR organisation_id = @OrganisationId)
              AND (@Sector IS NULL OR sector = @Sector)
              AND (@Status IS NULL OR status = @Status)
              AND (@Pattern IS NULL
                   OR lower(title) LIKE @Pattern ESCAPE '\'
                   OR lower(problem) LIKE @Pattern ESCAPE '\'
                   OR lower(keywords) LIKE @Pattern ESCAPE '\')
            """;

        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"""
            SELECT COUNT(*)
            FROM needs
            {where}
            """,
            parameters,
            cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<NeedRow>(new CommandDefinition(
            $"""
            SELECT id AS Id,
                   CASE WHEN @IsStaff = 1 OR organisation_id = @OrganisationId OR visibility <> @Anonymous
                             OR EXISTS (SELECT 1 FROM introductions x
                                        WHERE x.need_id = needs.id AND x.technology_organisation_id = @OrganisationId)
                        THEN organisation_id END AS OrganisationId,
                   {NeedRow.ColumnsAfterOrganisation}
            FROM needs
            {where}
            ORDER BY created_at DESC, id DESC
            LIMIT @Take OFFSET @Skip
            """,
            parameters,
            cancellationToken: cancellationToken));
        return new PageResponse(total, query.Page, query.PageSize, // The SQL above already withheld the organisation where the caller may not know it.
            rows.Select(row => row.ToResponse(caller, introduced: true)).ToList());
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);

    private static bool ParseFlag(string name, string? text, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (bool.TryParse(text, out var flag))
        {
            return flag;
        }

        errors.Add(name, $"'{name}' must be true or false.");
        return false;
    }

    private static int ParseNumber(string name, string? text, int fallback, int min, int max, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add(name, $"'{name}' must be a whole number between {min} and {max}.");
        return fallback;
    }
}
