using System.Globalization;
using System.Security.Claims;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Text;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Research.Api.Features;

/// <summary>
/// GET /api/technologies?sector=&amp;q=&amp;page=&amp;pageSize=&amp;status=&amp;mine=: the catalogue, newest first.
/// Without <c>status</c> it lists published technologies, or with <c>mine=true</c> all of the caller's organisation;
/// withdrawn ones are listed only to their owner and staff. <c>q</c> is a plain case-insensitive substring over
/// title, summary and keywords; ranked search lives in Matching.
/// </summary>
public static class ListTechnologies
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxQueryLength = 200;

    public sealed record Query(string? Sector = null, string? Text = null, int Page = 1, int PageSize = DefaultPageSize,
        string? Status = null, bool Mine = false);

    public sealed record TechnologyPage(long Total, int Page, int PageSize, IReadOnlyList<TechnologyResponse> Items);

    internal static void Map(RouteGroupBuilder technologies) =>
        technologies.MapGet("", EndpointAsync)
            .WithName(nameof(ListTechnologies))
            .Produces<TechnologyPage>()
            .ProducesValidationProblem();

    // Query values arrive as text and are parsed here, so a bad one is a 400 that names its field.
    private static async Task<IResult> EndpointAsync(
        string? sector, string? q, string? page, string? pageSize, string? status, string? mine,
        ClaimsPrincipal user, ResearchDatabase database, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var query = new Query(
            Sector: Blank(sector),
            Text: Blank(q)?.Trim(),
            Page: ParseInt(errors, "page", page, 1, int.MaxValue, 1),
            PageSize: ParseInt(errors, "pageSize", pageSize, 1, MaxPageSize, DefaultPageSize),
            Status: Blank(status),
            Mine: ParseBool(errors, "mine", mine));
        errors.OneOf("status", query.Status, TechnologyStatus.All).MaxLength("q", query.Text, MaxQueryLength)
            .SectorCode("sector", query.Sector);

        return errors.Any
            ? errors.ToResult()
            : TypedResults.Ok(await HandleAsync(query, Caller.From(user), database, cancellationToken));
    }

    public static async Task<TechnologyPage> HandleAsync(
        Query query, Caller caller, ResearchDatabase database, CancellationToken cancellationToken)
    {
        var conditions = new List<string>();
        if (!caller.IsStaff)
        {
            conditions.Add("(status = @Published OR organisation_id = @OrganisationId)");
        }

        if (query.Mine)
        {
            conditions.Add("organisation_id = @OrganisationId");
        }

        if (query.Status is not null)
        {
            conditions.Add("status = @Status");
        }
        else if (!query.Mine)
        {
            conditions.Add("status = @Published");
        }

        if (query.Sector is not null)
        {
            conditions.Add("sector = @Sector");
        }

        if (query.Text is not null)
        {
            conditions.Add(
                """
                (LOWER(title) LIKE @Pattern ESCAPE '\' OR LOWER(summary) LIKE @Pattern ESCAPE '\'
                 OR LOWER(keywords) LIKE @Pattern ESCAPE '\')
                """);
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join("\n  AND ", conditions);
        var parameters = new
        {
            TechnologyStatus.Published,
            caller.OrganisationId,
            query.Status,
            query.Sector,
            Pattern = query.Text is null ? null : $"%{EscapeLike(query.Text.ToLowerInvariant())}%",
            Limit = query.PageSize,
            Offset = (long)(query.Page - 1) * query.PageSize,
        };

        await using var connection = await database.OpenAsync(cancellationToken);
        var granted = await NdaAccess.GrantedAsync(connection, caller, cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT COUNT(*) AS Total
            FROM technologies
            {where};

            SELECT {TechnologyRow.Columns}
            FROM technologies
            {where}
            ORDER BY created_at DESC, id DESC
            LIMIT @Limit OFFSET @Offset;
            """,
            parameters,
            cancellationToken: cancellationToken));
        var total = await results.ReadSingleAsync<long>();
        var rows = await results.ReadAsync<TechnologyRow>();
        return new TechnologyPage(total, query.Page, query.PageSize, rows.Select(row => row.ToResponse(caller, granted.Contains(row.Id))).ToList());
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static int ParseInt(ValidationErrors errors, string field, string? value, int min, int max, int fallback)
    {
        if (Blank(value) is null)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add(field, max == int.MaxValue
            ? $"'{field}' must be a whole number of at least {min}."
            : $"'{field}' must be a whole number between {min} and {max}.");
        return fallback;
    }

    private static bool ParseBool(ValidationErrors errors, string field, string? value)
    {
        if (Blank(value) is null)
        {
            return false;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        errors.Add(field, $"'{field}' must be true or false.");
        return false;
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
