using Matchmaking.ServiceDefaults.Text;
using Microsoft.AspNetCore.Http;

namespace Matchmaking.ServiceDefaults.Web;

/// <summary>Collects field errors for a validation problem (400) that names each field.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    public ValidationErrors Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, $"'{field}' is required.");
        }

        return MaxLength(field, value, maxLength);
    }

    public ValidationErrors MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"'{field}' must be at most {maxLength} characters.");
        }

        if (value is not null && value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            Add(field, $"'{field}' must not contain control characters.");
        }

        return this;
    }

    public ValidationErrors Range(string field, int? value, int min, int max)
    {
        if (value is { } number && (number < min || number > max))
        {
            Add(field, $"'{field}' must be between {min} and {max}.");
        }

        return this;
    }

    /// <summary>A code of the sector taxonomy, when given (a long value is quoted only in part).</summary>
    public ValidationErrors SectorCode(string field, string? value)
    {
        if (value is not null && !SectorTaxonomy.Default.Contains(value))
        {
            var quoted = value.Length <= 50 ? value : value[..50] + "…";
            Add(field, $"'{field}' must be a code of the sector taxonomy; '{quoted}' is not.");
        }

        return this;
    }

    public ValidationErrors OneOf(string field, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            Add(field, $"'{field}' must be one of: {string.Join(", ", allowed)}.");
        }

        return this;
    }

    public ValidationErrors Items(string field, IReadOnlyCollection<string>? values, int maxCount, int maxLength)
    {
        if (values is null)
        {
            return this;
        }

        if (values.Count > maxCount)
        {
            Add(field, $"'{field}' may hold at most {maxCount} items.");
        }

        if (values.Any(string.IsNullOrWhiteSpace))
        {
            Add(field, $"'{field}' must not hold empty items.");
        }

        if (values.Any(v => v is not null && v.Length > maxLength))
        {
            Add(field, $"each item of '{field}' must be at most {maxLength} characters.");
        }

        return this;
    }

    public override string ToString() =>
        string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    public IResult ToResult() =>
        TypedResults.ValidationProblem(
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: "One or more fields are invalid.");
}
