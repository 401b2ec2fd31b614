using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Api;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.Matching.Contracts;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Brokerage.Tests;

/// <summary>
/// Brokerage running on a real Kestrel port, composed as its Program.cs composes it, plus a probe that hears the
/// events Brokerage publishes. One per test class; the two derived fixtures supply the two configurations.
/// </summary>
public abstract class BrokerageService : IAsyncLifetime
{
    private RunningService? _service;

    public RunningService Service => _service ?? throw new InvalidOperationException("The service has not started.");

    public DealStageChangedProbe Heard => Service.Services.GetRequiredService<DealStageChangedProbe>();

    public TestUser Staff { get; } = TestUsers.New(Roles.Staff);

    protected abstract Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync();

    public async ValueTask InitializeAsync()
    {
        var configuration = (await ConfigurationAsync()).ToList();
        _service = await RunningService.StartAsync(
            configuration,
            builder =>
            {
                builder.AddBrokerage();
                builder.Services.AddSingleton<DealStageChangedProbe>();
                builder.Services.AddConsumers(bus => bus.AddConsumer<BrokerageTestsDealStageChangedConsumer>());
            },
            app => app.MapBrokerage());

        // Ready means the schema is there and the bus has bound its queues, so nothing published by a test is lost.
        using var client = Service.CreateClient();
        await Eventually.UntilAsync(
            async () => (await client.GetAsync("/health/ready")).StatusCode,
            status => status == System.Net.HttpStatusCode.OK,
            what: "Brokerage to be ready");
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    public HttpClient Client(TestUser? user = null) => Service.CreateClient(user?.Token);

    public Task PublishAsync<T>(T message, Guid messageId)
        where T : class =>
        Service.Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = messageId,
            TestContext.Current.CancellationToken);

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public Task<DbConnection> OpenAsync() =>
        Service.Services.GetRequiredService<BrokerageDatabase>().OpenAsync(TestContext.Current.CancellationToken);

    /// <summary>Waits until <paramref name="consumer"/> has committed the message with <paramref name="messageId"/>.</summary>
    public Task WaitUntilHandledAsync(string consumer, Guid messageId) =>
        Eventually.UntilAsync(
            () => ScalarAsync<long>(
                "SELECT COUNT(*) FROM inbox_messages WHERE consumer = @Consumer AND message_id = @MessageId",
                new { Consumer = consumer, MessageId = messageId }),
            count => count == 1,
            what: $"{consumer} to handle {messageId}");

    public async Task PublishTechnologyAsync(Guid technologyId, Guid organisationId, string title, DateTimeOffset? occurredAt = null)
    {
        var messageId = Guid.NewGuid();
        await PublishAsync(new TechnologyPublished(technologyId, organisationId, title, "A summary.", ["keyword"], "advanced-manufacturing",
            6, ["non-exclusive"], "en", occurredAt ?? DateTimeOffset.UtcNow), messageId);
        await WaitUntilHandledAsync("brokerage-technology-published", messageId);
    }

    public async Task PublishNeedAsync(Guid needId, Guid organisationId, string title, DateTimeOffset? occurredAt = null)
    {
        var messageId = Guid.NewGuid();
        await PublishAsync(new NeedPosted(needId, organisationId, title, "A problem.", ["keyword"], "advanced-manufacturing", 4,
            "public", "en", occurredAt ?? DateTimeOffset.UtcNow), messageId);
        await WaitUntilHandledAsync("brokerage-need-posted", messageId);
    }

    public async Task PublishMatchesAsync(params SuggestedMatch[] matches)
    {
        var messageId = Guid.NewGuid();
        await PublishAsync(new MatchesSuggested(matches[0].TechnologyId, "technology", matches, DateTimeOffset.UtcNow), messageId);
        await WaitUntilHandledAsync("brokerage-matches-suggested", messageId);
    }

    /// <summary>A technology and a need, each of a new organisation, known to Brokerage and suggested as a match.</summary>
    public async Task<Pair> SuggestedPairAsync(Guid? technologyId = null, Guid? technologyOrganisationId = null, Guid? needOrganisationId = null)
    {
        var pair = new Pair(
            technologyId ?? Guid.NewGuid(), technologyOrganisationId ?? Guid.NewGuid(),
            Guid.NewGuid(), needOrganisationId ?? Guid.NewGuid(), Guid.NewGuid());
        if (technologyId is null)
        {
            await PublishTechnologyAsync(pair.TechnologyId, pair.TechnologyOrganisationId, $"Technology {pair.TechnologyId:N}");
        }

        await PublishNeedAsync(pair.NeedId, pair.NeedOrganisationId, $"Need {pair.NeedId:N}");
        await PublishMatchesAsync(pair.Match(0.8));
        return pair;
    }
}

public sealed record Pair(Guid TechnologyId, Guid TechnologyOrganisationId, Guid NeedId, Guid NeedOrganisationId, Guid MatchId)
{
    public SuggestedMatch Match(double score, Guid? matchId = null) =>
        new(matchId ?? MatchId, TechnologyId, TechnologyOrganisationId, NeedId, NeedOrganisationId, score);
}

/// <summary>PostgreSQL and RabbitMQ, as the services run apart: a database and a virtual host of their own.</summary>
public sealed class PostgresAndRabbitMqBrokerage : BrokerageService
{
    protected override async Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync()
    {
        var database = await PostgresServer.CreateDatabaseAsync("brokerage");
        var broker = await RabbitMqServer.CreateVirtualHostAsync("brokerage");
        return
        [
            new("Matchmaking:Storage:Provider", "Postgres"),
            new("ConnectionStrings:Brokerage", database),
            .. broker.AsConfiguration(),
        ];
    }
}

/// <summary>A SQLite file and the in-memory bus, as the one-process Host runs.</summary>
public sealed class SqliteAndInMemoryBrokerage : BrokerageService
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"brokerage-tests-{Guid.NewGuid():N}");

    protected override Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync() =>
        Task.FromResult<IEnumerable<KeyValuePair<string, string?>>>(
        [
            new("Matchmaking:Storage:Provider", "Sqlite"),
            new("ConnectionStrings:Brokerage", $"Data Source={Path.Combine(_directory, "brokerage.db")}"),
            new("Matchmaking:Bus:Transport", "InMemory"),
        ]);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>What Brokerage published, as a downstream consumer hears it.</summary>
public sealed class DealStageChangedProbe
{
    public ConcurrentQueue<(Guid? MessageId, DealStageChanged Message)> Messages { get; } = new();
}

public sealed class BrokerageTestsDealStageChangedConsumer(DealStageChangedProbe probe) : IConsumer<DealStageChanged>
{
    public Task Consume(ConsumeContext<DealStageChanged> context)
    {
        probe.Messages.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

/// <summary>Counts the deliveries of one message type that the service finished consuming, by message id.</summary>
public sealed class ConsumedMessages<T> : IConsumeMessageObserver<T>
    where T : class
{
    private readonly ConcurrentDictionary<Guid, int> _counts = new();

    public int Count(Guid messageId) => _counts.GetValueOrDefault(messageId);

    public Task PreConsume(ConsumeContext<T> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<T> context)
    {
        if (context.MessageId is { } id)
        {
            _counts.AddOrUpdate(id, 1, (_, count) => count + 1);
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<T> context, Exception exception) => Task.CompletedTask;
}
