using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.ServiceDefaults.Web;

/// <summary>
/// Turns request-binding failures (malformed JSON, a wrong type, an unknown field, a body too large) into 4xx
/// problem details. JSON errors name the field by its path. Anything else falls through to the default 500 handler,
/// which never shows a stack trace.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var status = badRequest.StatusCode;
        ProblemDetails problem;
        if (FindJsonException(exception) is { } json)
        {
            var field = FieldName(json.Path);
            problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [JsonMessage(json)],
            })
            {
                Title = "The request body is not valid JSON for this endpoint.",
                Status = StatusCodes.Status400BadRequest,
            };
            status = StatusCodes.Status400BadRequest;
        }
        else
        {
            problem = new ProblemDetails
            {
                Title = status == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.",
                Status = status,
                Detail = badRequest.Message,
            };
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static JsonException? FindJsonException(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    /// <summary>"$.budget.min" → "budget.min"; the whole body → "body".</summary>
    internal static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string JsonMessage(JsonException json)
    {
        // System.Text.Json names internal .NET types in some messages; say it in the client's terms instead.
        var message = json.Message;
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return "The value has the wrong JSON type for this field.";
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "This field is not accepted here.";
        }

        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] + "." : message;
    }
}
