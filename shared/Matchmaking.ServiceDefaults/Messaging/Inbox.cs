using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// The consumer side of exactly-once in effect: a consumer records the message id in the same transaction as its
/// effect. A redelivered message finds its id already there and is skipped.
/// </summary>
public static class Inbox
{
    /// <returns><c>true</c> when this is the first time <paramref name="consumer"/> sees the message.</returns>
    public static async Task<bool> TryRecordAsync(DbConnection connection, DbTransaction transaction, string consumer, Guid messageId)
    {
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO inbox_messages (consumer, message_id, processed_at)
            VALUES (@Consumer, @MessageId, @ProcessedAt)
            ON CONFLICT (consumer, message_id) DO NOTHING
            """,
            new { Consumer = consumer, MessageId = messageId, ProcessedAt = DateTimeOffset.UtcNow },
            transaction);
        return inserted == 1;
    }

    /// <summary>Records many message ids in one statement; returns those seen for the first time.</summary>
    public static async Task<HashSet<Guid>> TryRecordManyAsync(
        DbConnection connection, DbTransaction transaction, string consumer, IReadOnlyCollection<Guid> messageIds)
    {
        if (messageIds.Count == 0)
        {
            return [];
        }

        var now = DateTimeOffset.UtcNow;
        var parameters = new DynamicParameters();
        var rows = SqlRows.Rows(connection, messageIds.Distinct().ToList(), parameters, id => (consumer, id, now));
        var inserted = await connection.QueryAsync<string>(
            $"""
            INSERT INTO inbox_messages (consumer, message_id, processed_at)
            {rows}
            ON CONFLICT (consumer, message_id) DO NOTHING
            RETURNING message_id
            """,
            parameters,
            transaction);
        return inserted.Select(Guid.Parse).ToHashSet();
    }

    /// <summary>
    /// The batch form of <see cref="HandleOnceAsync(ServiceDatabase, ConsumeContext, string, Func{DbConnection, DbTransaction, Task})"/>:
    /// one transaction records the ids of <paramref name="messages"/> and applies <paramref name="effect"/> to those
    /// seen for the first time (each id once); a batch redelivered whole finds every id recorded and changes nothing.
    /// </summary>
    public static async Task HandleOnceAsync<T>(
        ServiceDatabase database, IReadOnlyList<ConsumeContext<T>> messages, string consumer,
        Func<IReadOnlyList<ConsumeContext<T>>, DbConnection, DbTransaction, Task> effect, CancellationToken cancellationToken)
        where T : class
    {
        var ids = messages
            .Select(m => m.MessageId ?? throw new InvalidOperationException("A message without a MessageId cannot be deduplicated."))
            .ToList();
        await database.WriteAsync(async (connection, transaction) =>
        {
            var fresh = await TryRecordManyAsync(connection, transaction, consumer, ids);
            var first = messages.Where(m => fresh.Remove(m.MessageId!.Value)).ToList();
            if (first.Count == 0)
            {
                return false;
            }

            await effect(first, connection, transaction);
            return true;
        }, cancellationToken);
        Hosting.TestHooks.AfterInboxCommit(consumer);
    }

    /// <summary>
    /// Applies <paramref name="effect"/> once per message id for <paramref name="consumer"/>: the id and the effect
    /// commit together, and a redelivery is acknowledged without a second effect.
    /// </summary>
    public static async Task HandleOnceAsync(
        ServiceDatabase database, ConsumeContext context, string consumer,
        Func<DbConnection, DbTransaction, Task> effect)
    {
        await database.WriteAsync(async (connection, transaction) =>
        {
            var messageId = context.MessageId ?? throw new InvalidOperationException("A message without a MessageId cannot be deduplicated.");
            if (!await TryRecordAsync(connection, transaction, consumer, messageId))
            {
                return false;
            }

            await effect(connection, transaction);
            return true;
        }, context.CancellationToken);
        Hosting.TestHooks.AfterInboxCommit(consumer);
    }
}
