using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Research.Tests;

/// <summary>Research on a real port, composed as its Program.cs, plus a consumer that records the events it publishes.</summary>
public abstract class ResearchService : IAsyncLifetime
{
    private RunningService? _service;

    public RunningService Service => _service ?? throw new InvalidOperationException("The service has not started.");

    public ResearchDatabase Database => Service.Services.GetRequiredService<ResearchDatabase>();

    protected abstract Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync();

    public HttpClient ClientFor(TestUser user) => Service.CreateClient(user.Token);

    public HttpClient AnonymousClient() => Service.CreateClient();

    public async ValueTask InitializeAsync() =>
        _service = await RunningService.StartAsync(
            await ConfigurationAsync(),
            builder =>
            {
                builder.AddResearch();
                builder.Services.AddConsumers(bus => bus.AddConsumer<ResearchTestsTechnologyEventsConsumer>());
            },
            app => app.MapResearch());

    public virtual async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>As the services run apart: PostgreSQL and RabbitMQ, a database and a virtual host of its own.</summary>
public sealed class PostgresAndRabbitMqResearchService : ResearchService
{
    protected override async Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("research");
        var broker = await RabbitMqServer.CreateVirtualHostAsync("research");
        return
        [
            new("Matchmaking:Storage:Provider", "Postgres"),
            new("ConnectionStrings:Research", connectionString),
            .. broker.AsConfiguration(),
        ];
    }
}

/// <summary>As the Host runs: a SQLite file and the in-memory bus.</summary>
public sealed class SqliteAndInMemoryResearchService : ResearchService
{
    private readonly string _directory = Directory.CreateTempSubdirectory("research-tests-").FullName;

    protected override Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync() =>
        Task.FromResult<IEnumerable<KeyValuePair<string, string?>>>(
        [
            new("Matchmaking:Storage:Provider", "Sqlite"),
            new("Matchmaking:DataDirectory", _directory),
            new("ConnectionStrings:Research", $"Data Source={Path.Combine(_directory, "research.db")}"),
            new("Matchmaking:Bus:Transport", "InMemory"),
        ]);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Pooled connections keep the file open; release them so the folder can go.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
