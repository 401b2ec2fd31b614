using Dapper;
using Matchmaking.ServiceDefaults.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// How long a service keeps the rows of its message store that have done their work: outbox rows once the broker
/// confirmed them, and inbox rows, which only need to outlive any redelivery of their message. Section
/// <c>Matchmaking:Messaging:Retention</c>.
/// </summary>
public sealed class MessageRetentionOptions
{
    public const string Section = "Matchmaking:Messaging:Retention";

    /// <summary>
    /// Sent outbox rows, kept for looking into what a service published. Unsent rows are never removed.
    /// </summary>
    public TimeSpan SentOutbox { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Inbox rows. A message comes again within minutes if at all: the relay republishes after a crash between its
    /// publish and its mark (the next round, seconds), the broker redelivers what a consumer did not acknowledge, and
    /// a consumer retries for about a minute before the message goes to <c>_error</c> (where it was never recorded).
    /// A duplicate older than this would take effect again.
    /// </summary>
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the rows past their time are removed.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Removes the rows of one service's outbox and inbox past <see cref="MessageRetentionOptions"/>, a minute after the
/// start and then every <see cref="MessageRetentionOptions.Interval"/>, so the two tables do not grow with every message the
/// service ever sent or received. It deletes in chunks, each its own statement, so no statement holds many row locks
/// for long; replicas of a service may prune at once. Each chunk is the oldest rows past their time, found through an
/// index on the time (<c>0002_message_store_retention.sql</c>) and removed by their physical row id, so a round costs
/// what it removes, not a scan of the table.
/// </summary>
public sealed class MessageStorePruner<TDatabase>(
    TDatabase database,
    IOptions<MessageRetentionOptions> options,
    ILogger<MessageStorePruner<TDatabase>> logger) : BackgroundService
    where TDatabase : ServiceDatabase
{
    private const int Chunk = 5000;

    // The first round waits this long (or the interval, if shorter), so it does not compete with the start.
    private static readonly TimeSpan FirstRoundAfter = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        await Task.Delay(options.Value.Interval < FirstRoundAfter ? options.Value.Interval : FirstRoundAfter, stoppingToken)
            .ContinueWith(_ => { }, CancellationToken.None);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.Interval;
            try
            {
                var (outbox, inbox) = await PruneAsync(DateTimeOffset.UtcNow, stoppingToken);
                failures = 0;
                if (outbox + inbox > 0)
                {
                    logger.LogInformation("{Database}: removed {Outbox} sent outbox rows and {Inbox} inbox rows past their retention",
                        typeof(TDatabase).Name, outbox, inbox);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Nothing is lost by pruning later: try again soon, then at the usual interval.
                failures++;
                logger.LogWarning(exception, "{Database}: pruning the message store failed ({Failures} in a row); retrying",
                    typeof(TDatabase).Name, failures);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, TimeSpan.FromMinutes(failures).Ticks));
            }

            await Task.Delay(wait, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>
    /// Removes outbox rows sent before <paramref name="now"/> less the outbox retention, and inbox rows processed before
    /// <paramref name="now"/> less the inbox retention; returns how many of each.
    /// </summary>
    public async Task<(int Outbox, int Inbox)> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var retention = options.Value;
        var outbox = await DeleteInChunksAsync(OldestChunk("outbox_messages", "sent_at"), now - retention.SentOutbox, cancellationToken);
        var inbox = await DeleteInChunksAsync(OldestChunk("inbox_messages", "processed_at"), now - retention.Inbox, cancellationToken);
        return (outbox, inbox);
    }

    // Deletes the oldest Chunk rows of the table stamped before @Before, found through the stamp's index and deleted by
    // physical id (PostgreSQL's ctid, SQLite's rowid) rather than looked up again by primary key. On PostgreSQL the rows
    // are locked as they are chosen, so their ctid holds until the delete, and replicas pruning at once take different
    // rows rather than wait for each other's. Measured with 1,000,000 inbox and 200,000 outbox rows past their time
    // beside as many within it (2026-11-28): PostgreSQL 13.1 s by key with no index, 3.0 s now, and a round with
    // nothing to remove 321 ms, now 10 ms; SQLite 48.9 s then, 62.0 s now (its deletes keep one index more), and
    // 270 ms, now 0.9 ms, with nothing to remove. Instants are ISO-8601 UTC text of one width in both dialects
    // (DapperTypeHandlers), so text order is time order.
    private string OldestChunk(string table, string stamp) =>
        database.IsPostgres
            ? $"""
              DELETE FROM {table} WHERE ctid = ANY(ARRAY(
                  SELECT ctid FROM {table} WHERE {stamp} < @Before ORDER BY {stamp} LIMIT {Chunk} FOR UPDATE SKIP LOCKED))
              """
            : $"""
              DELETE FROM {table} WHERE rowid IN (
                  SELECT rowid FROM {table} WHERE {stamp} < @Before ORDER BY {stamp} LIMIT {Chunk})
              """;

    private async Task<int> DeleteInChunksAsync(string sql, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                sql, new { Before = before }, cancellationToken: cancellationToken));
            total += deleted;
            if (deleted < Chunk)
            {
                return total;
            }
        }
    }
}
