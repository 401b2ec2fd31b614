using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.ServiceDefaults.Web;

/// <summary>
/// A database that does not answer for a moment (restarting, recovering from a crash, failing over) gives 503 problem
/// details with <c>Retry-After</c> instead of a 500, so clients and gateways know to send the request again.
/// </summary>
public sealed class UnavailableExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DbException { IsTransient: true })
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Title = "The service's database is unavailable for a moment; send the request again.",
                Status = StatusCodes.Status503ServiceUnavailable,
            },
            Exception = exception,
        });
    }
}
