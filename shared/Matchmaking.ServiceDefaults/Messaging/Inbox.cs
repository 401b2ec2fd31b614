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
        Hosting.TestHooks.AfterInboxCommit();
    }
}
