using System.Collections.Concurrent;
using MassTransit;
using Matchmaking.Needs.Api;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Needs.Tests;

/// <summary>
/// The Needs service on a real port, composed as its Program.cs composes it, plus a test consumer on the bus that
/// records every need event. One per test class, so each class has a database (and a virtual host) of its own.
/// </summary>
public abstract class NeedsService : IAsyncLifetime
{
    private RunningService? _service;

    public RunningService Service => _service ?? throw new InvalidOperationException("The service has not started.");

    /// <summary>What the test consumer received, in order of arrival.</summary>
    public ReceivedNeedEvents Received { get; } = new();

    public NeedsDatabase Database => Service.Services.GetRequiredService<NeedsDatabase>();

    public HttpClient ClientFor(TestUser user) => Service.CreateClient(user.Token);

    public HttpClient AnonymousClient() => Service.CreateClient();

    protected abstract Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync();

    public async ValueTask InitializeAsync()
    {
        var configuration = await ConfigurationAsync();
        _service = await RunningService.StartAsync(
            configuration,
            builder =>
            {
                builder.AddNeeds();
                builder.Services.AddSingleton(Received);
                builder.Services.AddConsumers(bus => bus.AddConsumer<NeedsTestsNeedEventsConsumer>());
            },
            app => app.MapNeeds());
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>PostgreSQL and RabbitMQ, as the services run apart.</summary>
public sealed class PostgresAndRabbitMq : NeedsService
{
    protected override async Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("needs");
        var broker = await RabbitMqServer.CreateVirtualHostAsync("needs");
        return
        [
            new("Matchmaking:Storage:Provider", "Postgres"),
            new("ConnectionStrings:Needs", connectionString),
            .. broker.AsConfiguration(),
        ];
    }
}

/// <summary>A SQLite file and the in-memory bus, as the one-process Host runs.</summary>
public sealed class SqliteAndInMemoryBus : NeedsService
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"needs-tests-{Guid.NewGuid():N}");

    protected override Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync() =>
        Task.FromResult<IEnumerable<KeyValuePair<string, string?>>>(
        [
            new("Matchmaking:Storage:Provider", "Sqlite"),
            new("Matchmaking:DataDirectory", _directory),
            new("Matchmaking:Bus:Transport", "InMemory"),
        ]);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Pooled connections keep the file open; release them before removing it.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

public sealed class ReceivedNeedEvents
{
    private readonly ConcurrentQueue<object> _messages = new();

    public void Add(object message) => _messages.Enqueue(message);

    public IReadOnlyList<T> Of<T>() => _messages.OfType<T>().ToList();
}

/// <summary>Stands in for Matching: records the need events that reach the bus.</summary>
public sealed class NeedsTestsNeedEventsConsumer(ReceivedNeedEvents received) :
    IConsumer<NeedPosted>, IConsumer<NeedUpdated>, IConsumer<NeedClosed>
{
    public Task Consume(ConsumeContext<NeedPosted> context) => Record(context.Message);

    public Task Consume(ConsumeContext<NeedUpdated> context) => Record(context.Message);

    public Task Consume(ConsumeContext<NeedClosed> context) => Record(context.Message);

    private Task Record(object message)
    {
        received.Add(message);
        return Task.CompletedTask;
    }
}
