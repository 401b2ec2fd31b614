using System.Data.Common;
using System.Text.Json;
using Dapper;
using MassTransit;
using Matchmaking.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// Publishes the unsent rows of one service's outbox, a batch at a time, and marks each sent after the broker confirmed it.
/// On PostgreSQL rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so replicas of a service never publish the same
/// row at the same time; a crash between publish and mark re-publishes with the same message id (the inbox absorbs it).
/// </summary>
public sealed class OutboxRelay<TDatabase>(
    TDatabase database,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxRelay<TDatabase>> logger) : BackgroundService
    where TDatabase : ServiceDatabase
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long one publish may wait for the broker's confirm. A publish caught by a broker crash can otherwise wait
    /// for ever, even after the connection has recovered (infra/faults.sh: Needs published nothing after RabbitMQ came
    /// back; rabbitmq/rabbitmq-dotnet-client#1930, where the client's advice is a cancellation token as the timeout).
    /// On the timeout the batch rolls back and is published again (same message ids; the inbox absorbs repeats).
    /// </summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Publish only once every hosted service, the bus among them, has started: a message published before the
        // receive endpoints are bound would reach no queue (the in-memory transport keeps nothing for later).
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var bus = services.GetRequiredService<IBus>();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishBatchAsync(bus, stoppingToken);
                failures = 0;
                if (published == BatchSize)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failures++;
                logger.LogWarning(exception, "Outbox relay of {Database} failed ({Failures} in a row); retrying",
                    typeof(TDatabase).Name, failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * failures)), stoppingToken)
                    .ContinueWith(_ => { }, CancellationToken.None);
                continue;
            }

            await database.OutboxSignal.WaitAsync(PollInterval, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>Publishes up to one batch; returns how many rows were sent.</summary>
    public async Task<int> PublishBatchAsync(IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lockClause = database.IsPostgres ? "FOR UPDATE SKIP LOCKED" : "";
        var rows = (await connection.QueryAsync<OutboxRow>(
            $"""
            SELECT id AS Id, message_type AS MessageType, body AS Body
            FROM outbox_messages
            WHERE sent_at IS NULL
            ORDER BY created_at, id
            LIMIT {BatchSize}
            {lockClause}
            """,
            transaction: transaction)).ToList();

        // The batch is published at once and the broker's confirms awaited together: one confirm round trip per batch
        // rather than per message (consumers never rely on the order of messages: every effect is newest-wins or
        // idempotent). A row is marked sent only once confirmed; a failed one stays for the next round.
        // The token asks MassTransit to give up on a confirm that does not come; WaitAsync gives up too, should it not listen.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        var publishes = new List<(OutboxRow Row, Task Publish)>(rows.Count);
        foreach (var row in rows)
        {
            var type = Type.GetType(row.MessageType, throwOnError: false);
            if (type is null)
            {
                logger.LogError("Outbox row {Id} has unknown message type {Type}; left unsent", row.Id, row.MessageType);
                await connection.ExecuteAsync(
                    "UPDATE outbox_messages SET attempts = attempts + 1 WHERE id = @Id", new { row.Id }, transaction);
                continue;
            }

            var message = JsonSerializer.Deserialize(row.Body, type, Outbox.SerializerOptions)!;
            var messageId = Guid.Parse(row.Id);
            publishes.Add((row, publisher.Publish(message, type, context => context.MessageId = messageId, timeout.Token)
                .WaitAsync(PublishTimeout + TimeSpan.FromSeconds(1), cancellationToken)));
        }

        var sent = new List<string>(publishes.Count);
        Exception? failure = null;
        foreach (var (row, publish) in publishes)
        {
            try
            {
                await publish;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure ??= new TimeoutException($"The broker did not confirm outbox row {row.Id} within {PublishTimeout.TotalSeconds} s.");
                continue;
            }
            catch (Exception exception)
            {
                failure ??= exception;
                continue;
            }

            sent.Add(row.Id);
        }

        // The confirmed rows marked sent in one statement.
        if (sent.Count > 0)
        {
            var parameters = new DynamicParameters(new { SentAt = DateTimeOffset.UtcNow });
            await connection.ExecuteAsync(
                $"UPDATE outbox_messages SET sent_at = @SentAt, attempts = attempts + 1 WHERE id {SqlRows.In(connection, sent, parameters)}",
                parameters,
                transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return sent.Count;
    }

    private sealed record OutboxRow(string Id, string MessageType, string Body);
}

public static class OutboxQueries
{
    /// <summary>Rows not yet published; readiness and tests use it.</summary>
    public static async Task<int> CountUnsentAsync(DbConnection connection) =>
        await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL");
}
