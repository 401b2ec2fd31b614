using System.Text.Json;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Matchmaking.Needs.Tests;

/// <summary>
/// The exception handler every service registers (pure logic over an in-memory request): a database that does not
/// answer for a moment is a 503 with Retry-After and problem details; anything else is left to the 500 handler.
/// The fault suite shows the same over a real PostgreSQL stopped mid-stream.
/// </summary>
public sealed class UnavailableExceptionHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_transient_database_error_is_a_503_problem_with_retry_after()
    {
        var (handler, context, body) = Request();
        var transient = new NpgsqlException("connection lost", new TimeoutException());
        Assert.True(transient.IsTransient);

        Assert.True(await handler.TryHandleAsync(context, transient, Ct));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(body, cancellationToken: Ct);
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("again", problem.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("permanent database error")]
    [InlineData("not a database error")]
    public async Task Any_other_error_is_not_handled_here(string kind)
    {
        var (handler, context, body) = Request();
        Exception exception = kind == "permanent database error"
            ? new NpgsqlException("syntax error")
            : new InvalidOperationException("a bug");

        Assert.False(await handler.TryHandleAsync(context, exception, Ct));

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(0, body.Length);
    }

    private static (UnavailableExceptionHandler Handler, DefaultHttpContext Context, MemoryStream Body) Request()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Headers.Accept = "application/json";
        context.Response.Body = body;
        return (new UnavailableExceptionHandler(services.GetRequiredService<IProblemDetailsService>()), context, body);
    }
}
