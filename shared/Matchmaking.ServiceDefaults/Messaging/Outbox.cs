using System.Data.Common;
using System.Text.Json;
using Dapper;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// The transactional outbox: an event is written in the same transaction as the change that caused it, and
/// <see cref="OutboxRelay{TDatabase}"/> publishes it afterwards. The outbox row id becomes the message id, so a
/// publish repeated after a crash is recognised by the consumers' inbox.
/// </summary>
public static class Outbox
{
    internal static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    // Set by ServiceDatabase.WriteAsync around the work it runs, so that after the commit it knows whether the work wrote
    // events: a box, because what a callee sets on the box is seen by the caller, where a value set in an async callee's
    // AsyncLocal is not.
    private static readonly AsyncLocal<EventsWritten?> s_written = new();

    public static Task AddAsync<T>(DbConnection connection, DbTransaction transaction, T message)
        where T : class =>
        AddManyAsync(connection, transaction, [message]);

    /// <summary>Many events in one statement, in the order given (their <c>created_at</c> is the same).</summary>
    public static Task AddManyAsync<T>(DbConnection connection, DbTransaction transaction, IReadOnlyList<T> messages)
        where T : class
    {
        if (messages.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (s_written.Value is { } written)
        {
            written.Any = true;
        }

        var now = DateTimeOffset.UtcNow;
        var parameters = new DynamicParameters();
        var type = TypeName(typeof(T));
        var rows = SqlRows.Rows(connection, messages, parameters, message => Row(message, type, now));
        return connection.ExecuteAsync(
            $"""
            INSERT INTO outbox_messages (id, message_type, body, created_at, attempts)
            {rows}
            """,
            parameters,
            transaction);
    }

    /// <summary>
    /// Inserts one row with <paramref name="insert"/>, an <c>INSERT … ON CONFLICT DO NOTHING</c> of one row, and only
    /// if it inserted the row, <paramref name="message"/> into the outbox, atomically; returns whether it inserted the
    /// row. On PostgreSQL one statement does both (the insert in a <c>WITH</c>, the event inserted from what it
    /// returned), committed on its own: one round trip to the server where a transaction takes three (the insert with
    /// <c>BEGIN</c>, the event, <c>COMMIT</c>). On SQLite the two inserts run in one transaction.
    /// </summary>
    public static async Task<bool> InsertWithEventAsync<T>(
        ServiceDatabase database, string insert, object parameters, T message, CancellationToken cancellationToken)
        where T : class
    {
        if (!database.IsPostgres)
        {
            return await database.WriteAsync(async (connection, transaction) =>
            {
                if (await connection.ExecuteAsync(new CommandDefinition(insert, parameters, transaction, cancellationToken: cancellationToken)) == 0)
                {
                    return false;
                }

                await AddAsync(connection, transaction, message);
                return true;
            }, cancellationToken);
        }

        var (id, type, body, createdAt, attempts) = Row(message, TypeName(typeof(T)), DateTimeOffset.UtcNow);
        var all = new DynamicParameters(parameters);
        all.AddDynamicParams(new { OutboxId = id, OutboxType = type, OutboxBody = body, OutboxCreatedAt = createdAt, OutboxAttempts = attempts });
        bool inserted;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            inserted = await connection.ExecuteAsync(new CommandDefinition(
                $"""
                WITH inserted AS (
                {insert}
                RETURNING 1)
                INSERT INTO outbox_messages (id, message_type, body, created_at, attempts)
                SELECT @OutboxId, @OutboxType, @OutboxBody, @OutboxCreatedAt, @OutboxAttempts FROM inserted
                """,
                all,
                cancellationToken: cancellationToken)) == 1;
        }

        database.Committed(wroteEvents: inserted);
        return inserted;
    }

    // An outbox row's values: its id (the message id when published), type, body, time and attempts so far.
    private static (Guid Id, string Type, string Body, DateTimeOffset CreatedAt, int Attempts) Row<T>(T message, string type, DateTimeOffset now)
        where T : class =>
        (Guid.NewGuid(), type, JsonSerializer.Serialize(message, SerializerOptions), now, 0);

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>From here down the current async flow, notes whether events are written into the outbox.</summary>
    internal static EventsWritten Track() => s_written.Value = new EventsWritten();

    /// <summary>Whether the work of one <see cref="ServiceDatabase.WriteAsync{T}"/> wrote events.</summary>
    internal sealed class EventsWritten
    {
        public bool Any { get; set; }
    }
}

/// <summary>Wakes the relay right after a commit so events leave without waiting for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the relay will run anyway.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _signal.WaitAsync(timeout, cancellationToken);
}
