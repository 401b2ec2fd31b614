using System.Globalization;

namespace Matchmaking.ServiceDefaults.Web;

/// <summary>List endpoints' page (1-based) and pageSize (default 20, at most 100), bound as text so a non-number names its parameter.</summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static (int Page, int PageSize) Parse(ValidationErrors errors, string? page, string? pageSize) =>
        (ParseNumber(errors, "page", page, int.MaxValue, 1), ParseNumber(errors, "pageSize", pageSize, MaxPageSize, DefaultPageSize));

    private static int ParseNumber(ValidationErrors errors, string field, string? value, int max, int fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > max)
        {
            errors.Add(field, $"'{field}' must be a whole number between 1 and {max}.");
            return fallback;
        }

        return number;
    }
}
