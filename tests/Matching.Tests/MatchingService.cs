using System.Collections.Concurrent;
using MassTransit;
using Matchmaking.Matching.Api;
using Matchmaking.Matching.Engine;
using Matchmaking.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

[assembly: AssemblyFixture(typeof(Matchmaking.Matching.Tests.LeftoverCleanup))]

namespace Matchmaking.Matching.Tests;

/// <summary>The two ways the service runs: apart (PostgreSQL + RabbitMQ) and inside the Host (SQLite + in-memory bus).</summary>
public enum Setup
{
    PostgresAndRabbitMq,
    SqliteAndInMemoryBus,
}

/// <summary>
/// Matching on a real port, composed as its Program.cs, with a database, a virtual host and an index folder of its own;
/// everything it created is removed afterwards.
/// </summary>
public sealed class MatchingService : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string? _postgres;
    private readonly RabbitMqEndpoint? _broker;
    private readonly ConnectHandle _observer;

    private MatchingService(RunningService service, string folder, string? postgres, RabbitMqEndpoint? broker)
    {
        Service = service;
        _folder = folder;
        _postgres = postgres;
        _broker = broker;
        _observer = Bus.ConnectConsumeObserver(Consumed);
    }

    public RunningService Service { get; }

    public string IndexFolder => Path.Combine(_folder, "index");

    public MatchingDatabase Database => Service.Services.GetRequiredService<MatchingDatabase>();

    public IListingIndex Index => Service.Services.GetRequiredService<IListingIndex>();

    public IBus Bus => Service.Services.GetRequiredService<IBus>();

    public ConsumedMessages Consumed { get; } = new();

    public static async Task<MatchingService> StartAsync(Setup setup)
    {
        var folder = Directory.CreateTempSubdirectory("matching-tests-").FullName;
        string? postgres = null;
        RabbitMqEndpoint? broker = null;
        try
        {
            List<KeyValuePair<string, string?>> configuration =
            [
                new("Matchmaking:DataDirectory", folder),
                new("Matchmaking:Matching:IndexPath", Path.Combine(folder, "index")),
            ];
            if (setup == Setup.PostgresAndRabbitMq)
            {
                postgres = await PostgresServer.CreateDatabaseAsync("matching");
                broker = await RabbitMqServer.CreateVirtualHostAsync("matching");
                configuration.Add(new("Matchmaking:Storage:Provider", "Postgres"));
                configuration.Add(new("ConnectionStrings:Matching", postgres));
                configuration.AddRange(broker.AsConfiguration());
            }
            else
            {
                configuration.Add(new("Matchmaking:Storage:Provider", "Sqlite"));
                configuration.Add(new("ConnectionStrings:Matching", $"Data Source={Path.Combine(folder, "matching.db")}"));
                configuration.Add(new("Matchmaking:Bus:Transport", "InMemory"));
            }

            var service = await RunningService.StartAsync(
                configuration,
                builder =>
                {
                    builder.AddMatching();
                    // A test publishes right after start; the queues and their bindings must exist by then.
                    builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
                },
                app => app.MapMatching());
            return new MatchingService(service, folder, postgres, broker);
        }
        catch
        {
            Remove(folder, postgres, broker);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _observer.Disconnect();
            await Service.DisposeAsync();
        }
        finally
        {
            Remove(_folder, _postgres, _broker);
        }
    }

    private static void Remove(string folder, string? postgres, RabbitMqEndpoint? broker)
    {
        // Pooled connections keep the SQLite file open; release them so the folder can go.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }

        // The servers are tidied in the background; the run waits for it at the end.
        LeftoverCleanup.Add(RemoveFromServersAsync(postgres, broker));
    }

    /// <summary>Best effort: a leftover database or virtual host must not fail a test that passed.</summary>
    private static async Task RemoveFromServersAsync(string? postgres, RabbitMqEndpoint? broker)
    {
        await Task.Yield();
        if (postgres is not null)
        {
            try
            {
                var name = new NpgsqlConnectionStringBuilder(postgres).Database;
                using (var pooled = new NpgsqlConnection(postgres))
                {
                    NpgsqlConnection.ClearPool(pooled);
                }

                await using var connection = new NpgsqlConnection(await PostgresServer.ServerConnectionStringAsync());
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
            }
        }

        if (broker is not null)
        {
            await RabbitMqServer.DeleteVirtualHostAsync(broker);
        }
    }
}

/// <summary>Counts the deliveries each message id has had, so a test can wait for a consumer to have run.</summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();
    private readonly ConcurrentDictionary<Guid, Exception> _faults = new();

    public int Count(Guid messageId) => _deliveries.GetValueOrDefault(messageId);

    public async Task WaitAsync(Guid messageId, int deliveries = 1)
    {
        try
        {
            await Eventually.UntilAsync(() => Task.FromResult(Count(messageId)), count => count >= deliveries,
                what: $"{deliveries} consumed deliveries of message {messageId}");
        }
        catch (TimeoutException timeout) when (_faults.TryGetValue(messageId, out var fault))
        {
            // The consumer's own exception says far more than the timeout.
            throw new TimeoutException($"{timeout.Message}; the consumer failed: {fault.GetType().Name}: {fault.Message}", fault);
        }
    }

    Task IConsumeObserver.PreConsume<T>(ConsumeContext<T> context) => Task.CompletedTask;

    Task IConsumeObserver.PostConsume<T>(ConsumeContext<T> context)
    {
        if (context.MessageId is { } id)
        {
            _deliveries.AddOrUpdate(id, 1, (_, count) => count + 1);
        }

        return Task.CompletedTask;
    }

    Task IConsumeObserver.ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
    {
        if (context.MessageId is { } id)
        {
            _faults[id] = exception;
        }

        return Task.CompletedTask;
    }
}

/// <summary>Waits, once every test has run, for the databases and virtual hosts the tests left to be dropped.</summary>
public sealed class LeftoverCleanup : IAsyncDisposable
{
    private static readonly ConcurrentBag<Task> s_pending = [];

    public static void Add(Task removal) => s_pending.Add(removal);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(s_pending).WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            // Leftovers only cost space on the test servers; never fail the run for them.
        }
    }
}
