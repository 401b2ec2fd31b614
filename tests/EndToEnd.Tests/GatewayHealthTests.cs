using System.Net;
using System.Net.Sockets;
using Matchmaking.Needs.Api;
using Matchmaking.Portal;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>
/// The Portal's gateway over two Needs replicas, one of them gone (an address where nothing listens): the gateway takes
/// the dead one out of its rotation, so requests stop failing. With no health checks a request picks either replica, and
/// twenty in a row reach the live one by chance once in a million tries.
/// </summary>
public sealed class GatewayHealthTests : IAsyncLifetime
{
    private const int InARow = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly List<RunningService> _services = [];
    private RabbitMqEndpoint _broker = null!;
    private RunningService _needs = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = await RabbitMqServer.CreateVirtualHostAsync("gateway");
        _needs = await StartAsync("Needs", b => b.AddNeeds(), a => a.MapNeeds());
    }

    [Fact]
    public async Task A_replica_that_fails_its_health_probes_leaves_the_rotation()
    {
        // Probed every second: the dead replica fails two probes in a row within a few seconds.
        var portal = await StartPortalAsync(TimeSpan.FromSeconds(1));

        await AssertRequestsStopFailingAsync(portal);
    }

    [Fact]
    public async Task A_replica_that_refuses_real_requests_leaves_the_rotation_before_any_probe_says_so()
    {
        // Probed once an hour: only the failures of real requests (the passive check) can take the dead replica out.
        var portal = await StartPortalAsync(TimeSpan.FromHours(1));

        await AssertRequestsStopFailingAsync(portal);
    }

    [Fact]
    public async Task The_serving_check_answers_while_the_replica_can_answer_requests()
    {
        using var client = _needs.CreateClient();

        using var serving = await client.GetAsync("/health/serving", Ct);
        using var ready = await client.GetAsync("/health/ready", Ct);

        Assert.Equal(HttpStatusCode.OK, serving.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await serving.Content.ReadAsStringAsync(Ct));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }

        await RabbitMqServer.DeleteVirtualHostAsync(_broker);
    }

    // Polls, with a deadline, until InARow requests in a row through the gateway succeed.
    private static async Task AssertRequestsStopFailingAsync(RunningService portal)
    {
        using var client = portal.CreateClient(TestUsers.Token(TestUsers.New(Roles.Enterprise)));
        var failed = new List<HttpStatusCode>();
        var streak = await Eventually.UntilAsync(async () =>
        {
            for (var i = 0; i < InARow; i++)
            {
                using var response = await client.GetAsync("/api/needs?mine=true", Ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failed.Add(response.StatusCode);
                    return i;
                }
            }

            return InARow;
        }, streak => streak == InARow, TimeSpan.FromSeconds(30), $"{InARow} requests in a row through the gateway to succeed");

        Assert.Equal(InARow, streak);
        // Each failure was the gateway's 502 for the dead replica, never an error of the live one.
        Assert.All(failed, status => Assert.Equal(HttpStatusCode.BadGateway, status));
        TestContext.Current.TestOutputHelper?.WriteLine($"{failed.Count} request(s) reached the dead replica before it left the rotation");
    }

    private async Task<RunningService> StartPortalAsync(TimeSpan healthCheckInterval) =>
        await StartAsync("Portal", b => b.AddPortal(), a => a.MapPortal(),
            new("Matchmaking:Gateway:Needs", $"{_needs.BaseAddress};http://127.0.0.1:{UnusedPort()}/"),
            new("Matchmaking:Gateway:HealthCheckInterval", healthCheckInterval.ToString()));

    private async Task<RunningService> StartAsync(string name, Action<WebApplicationBuilder> add, Action<WebApplication> map,
        params KeyValuePair<string, string?>[] extra)
    {
        var service = await RunningService.StartApartAsync(_broker, name, add, map, extra);
        _services.Add(service);
        return service;
    }

    // A loopback port nothing listens on: one the system just handed out and took back.
    private static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
