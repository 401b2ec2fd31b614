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

        var now = DateTimeOffset.UtcNow;
        var type = TypeName(typeof(T));
        var parameters = new DynamicParameters();
        var rows = SqlRows.Rows(connection, messages, parameters, message =>
            (Guid.NewGuid(), type, JsonSerializer.Serialize(message, SerializerOptions), now, 0));
        return connection.ExecuteAsync(
            $"""
            INSERT INTO outbox_messages (id, message_type, body, created_at, attempts)
            {rows}
            """,
            parameters,
            transaction);
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
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
