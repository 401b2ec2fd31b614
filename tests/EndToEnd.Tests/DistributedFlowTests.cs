using Matchmaking.Brokerage.Api;
using Matchmaking.Matching.Api;
using Matchmaking.Needs.Api;
using Matchmaking.Portal;
using Matchmaking.Portal.Features;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>
/// Research, Needs, Matching, Brokerage and the Portal as separate hosts, each with its own PostgreSQL database,
/// talking only over a real RabbitMQ; every call goes through the Portal's gateway.
/// </summary>
public sealed class DistributedFlowTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly List<RunningService> _services = [];
    private readonly string _indexDirectory = Path.Combine(Path.GetTempPath(), $"matchmaking-e2e-{Guid.NewGuid():N}");
    private RunningService _portal = null!;

    public async ValueTask InitializeAsync()
    {
        var broker = await RabbitMqServer.CreateVirtualHostAsync("e2e");

        async Task<RunningService> StartAsync(string name, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> add,
            Action<Microsoft.AspNetCore.Builder.WebApplication> map, params KeyValuePair<string, string?>[] extra)
        {
            var service = await RunningService.StartApartAsync(broker, name, add, map, extra);
            _services.Add(service);
            return service;
        }

        var research = await StartAsync("Research", b => b.AddResearch(), a => a.MapResearch());
        var needs = await StartAsync("Needs", b => b.AddNeeds(), a => a.MapNeeds());
        var matching = await StartAsync("Matching", b => b.AddMatching(), a => a.MapMatching(),
            new KeyValuePair<string, string?>("Matchmaking:Matching:IndexPath", _indexDirectory));
        var brokerage = await StartAsync("Brokerage", b => b.AddBrokerage(), a => a.MapBrokerage());
        _portal = await StartAsync("Portal", b => b.AddPortal(), a => a.MapPortal(),
            new("Matchmaking:Gateway:Research", research.BaseAddress.ToString()),
            new("Matchmaking:Gateway:Needs", needs.BaseAddress.ToString()),
            new("Matchmaking:Gateway:Matching", matching.BaseAddress.ToString()),
            new("Matchmaking:Gateway:Brokerage", brokerage.BaseAddress.ToString()));
    }

    [Fact]
    public async Task A_need_posted_through_the_gateway_meets_its_technology_and_staff_run_the_deal()
    {
        const string password = "a-long-test-password";
        var database = _portal.Services.GetRequiredService<PortalDatabase>();
        var hasher = _portal.Services.GetRequiredService<IPasswordHasher<PortalUser>>();

        async Task<string> AccountAsync(string kind, string role)
        {
            var organisation = await Organisations.CreateAsync(
                new Organisations.CreateRequest($"{kind} {Guid.NewGuid():N}", null, kind, null), database, Ct);
            var email = $"{role}-{Guid.NewGuid():N}@e2e.demo";
            var created = await Users.CreateAsync(
                new Users.CreateRequest(email, role, role, organisation!.Id, password), database, hasher, Ct);
            Assert.NotNull(created.User);
            return email;
        }

        var flow = new Flow(_portal.BaseAddress, output);
        await flow.RunAsync(
            await flow.SignInAsync(await AccountAsync("university", Roles.University), password),
            await flow.SignInAsync(await AccountAsync("enterprise", Roles.Enterprise), password),
            await flow.SignInAsync(await AccountAsync("centre", Roles.Staff), password));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }

        if (Directory.Exists(_indexDirectory))
        {
            Directory.Delete(_indexDirectory, recursive: true);
        }
    }
}
