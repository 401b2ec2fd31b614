using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Matchmaking.Host;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>The same journey through the one-process Host on its embedded default, signed in as the demo accounts.</summary>
public sealed class HostFlowTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string DemoPassword = "demo-pass-123";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"matchmaking-host-{Guid.NewGuid():N}");
    private RunningService _host = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = HostComposition.CreateBuilder([], [
            new("urls", "http://127.0.0.1:0"),
            new("Matchmaking:DataDirectory", _dataDirectory),
        ]);
        var app = builder.Build();
        HostComposition.MapAll(app);
        _host = await RunningService.StartAsync(app);
    }

    [Fact]
    public async Task The_host_seeds_demo_data_and_runs_the_whole_journey_in_one_process()
    {
        var flow = new Flow(_host.BaseAddress, output);
        var staffToken = await flow.SignInAsync("staff@centre.demo", DemoPassword);

        using (var staff = flow.Client(staffToken))
        {
            var technologies = await staff.GetFromJsonAsync<JsonElement>("/api/technologies?pageSize=100", Ct);
            Assert.True(technologies.GetProperty("total").GetInt32() >= 40, "the demo technologies are seeded");
            var needs = await staff.GetFromJsonAsync<JsonElement>("/api/needs?pageSize=100", Ct);
            Assert.True(needs.GetProperty("total").GetInt32() >= 60, "the demo needs are seeded");

            // The seeded listings reach the index through the outbox and the bus; let that backlog drain so the
            // journey below measures one listing's latency, not the queue's.
            await Eventually.UntilAsync(
                async () => (await staff.GetFromJsonAsync<JsonElement>("/api/search?type=need&pageSize=1", Ct)).GetProperty("total").GetInt32()
                            + (await staff.GetFromJsonAsync<JsonElement>("/api/search?type=technology&pageSize=1", Ct)).GetProperty("total").GetInt32(),
                indexed => indexed >= technologies.GetProperty("total").GetInt32() + needs.GetProperty("total").GetInt32(),
                TimeSpan.FromMinutes(3),
                "every seeded listing to be indexed");
        }

        await flow.RunAsync(
            await flow.SignInAsync("tto@hku.demo", DemoPassword),
            await flow.SignInAsync("ops@pearl-plastics.demo", DemoPassword),
            staffToken);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        var wrong = await client.PostAsJsonAsync("/api/auth/token", new { email = "staff@centre.demo", password = "not-the-password" }, Ct);
        var unknown = await client.PostAsJsonAsync("/api/auth/token", new { email = "nobody@centre.demo", password = "not-the-password" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var wrongTitle = (await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString();
        var unknownTitle = (await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString();
        Assert.Equal(wrongTitle, unknownTitle);
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        await Eventually.UntilAsync(() => client.GetAsync("/health/ready", Ct), r => r.StatusCode == HttpStatusCode.OK, what: "readiness");
        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/token", "/api/technologies", "/api/needs", "/api/search", "/api/deals", "/api/reports/funnel" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is described");
        }

        var docs = await client.GetStringAsync("/api-docs/index.html", Ct);
        Assert.Contains("swagger", docs, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_bus_reports_no_usage_to_the_internet()
    {
        // MassTransit's anonymous usage telemetry is on by default and posts to usage-tracking.masstransit.io.
        Assert.False(_host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
