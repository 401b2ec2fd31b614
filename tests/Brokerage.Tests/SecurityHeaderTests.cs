using System.Net;
using Matchmaking.Brokerage.Api;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Matchmaking.Brokerage.Tests;

/// <summary>ServiceDefaults' security headers on every answer (success, 401, 404, 500) and no stack trace in a 500.</summary>
public sealed class SecurityHeaderTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"brokerage-security-{Guid.NewGuid():N}");
    private RunningService? _service;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _service = await RunningService.StartAsync(
            [
                new("Matchmaking:Storage:Provider", "Sqlite"),
                new("ConnectionStrings:Brokerage", $"Data Source={Path.Combine(_directory, "brokerage.db")}"),
                new("Matchmaking:Bus:Transport", "InMemory"),
            ],
            builder =>
            {
                // Development is where a framework would be most tempted to show an exception.
                builder.Environment.EnvironmentName = "Development";
                builder.AddBrokerage();
            },
            app =>
            {
                app.MapBrokerage();
                app.MapGet("/test/throws", string () => throw new InvalidOperationException("secret-internal-detail at SomeMethod()"));
            });

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("/health/live", true, HttpStatusCode.OK)]
    [InlineData("/api/deals", false, HttpStatusCode.Unauthorized)]
    [InlineData("/api/deals", true, HttpStatusCode.OK)]
    [InlineData("/api/deals/00000000-0000-0000-0000-000000000001", true, HttpStatusCode.NotFound)]
    [InlineData("/test/throws", true, HttpStatusCode.InternalServerError)]
    public async Task Every_answer_carries_the_security_headers(string path, bool signedIn, HttpStatusCode expected)
    {
        using var client = _service!.CreateClient(signedIn ? TestUsers.New(Roles.Staff).Token : null);

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(expected, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_problem_without_its_text_or_stack_trace()
    {
        using var client = _service!.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/throws");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request, Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("secret-internal-detail", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.DoesNotContain(" at ", body);
    }
}
