using System.Net.Http.Headers;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Testing;

/// <summary>
/// One service (or several, as in the Host) on a real Kestrel port on loopback, composed exactly as its
/// <c>Program.cs</c> composes it: <c>AddServiceDefaults</c>, the service's <c>AddXxx</c>, the bus, then the maps.
/// </summary>
public sealed class RunningService : IAsyncDisposable
{
    private RunningService(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<RunningService> StartAsync(
        IEnumerable<KeyValuePair<string, string?>> configuration,
        Action<WebApplicationBuilder> addServices,
        Action<WebApplication> mapEndpoints)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        addServices(builder);
        builder.AddMatchmakingBus();
        var app = builder.Build();
        app.MapServiceDefaults();
        mapEndpoints(app);
        return await StartAsync(app);
    }

    /// <summary>
    /// Starts service <paramref name="name"/> apart, as a deployment runs it: on the given RabbitMQ virtual host, with a
    /// PostgreSQL database of its own (<c>ConnectionStrings:{name}</c>), plus <paramref name="extra"/> settings.
    /// </summary>
    public static async Task<RunningService> StartApartAsync(RabbitMqEndpoint broker, string name,
        Action<WebApplicationBuilder> addServices, Action<WebApplication> mapEndpoints, params KeyValuePair<string, string?>[] extra)
    {
        var configuration = broker.AsConfiguration()
            .Append(new("Matchmaking:Storage:Provider", "Postgres"))
            .Append(new($"ConnectionStrings:{name}", await PostgresServer.CreateDatabaseAsync(name.ToLowerInvariant())))
            .Concat(extra)
            .ToList();
        return await StartAsync(configuration, addServices, mapEndpoints);
    }

    /// <summary>Starts an application composed elsewhere (the Host's own composition) and finds its port.</summary>
    public static async Task<RunningService> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RunningService(app, new Uri(address));
    }

    public HttpClient CreateClient(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
