using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Matching.Api.Features;
using Matchmaking.Matching.Engine;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Hosting;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Matching.Api;

/// <summary>
/// Several Matching replicas on one database, each with a Lucene index of its own (<c>Matchmaking:InstanceId</c> set,
/// PostgreSQL). Three parts keep every index complete while each match is computed and stored once:
/// <list type="bullet">
/// <item>the listing consumers stay competing consumers on the shared queues, so one replica stores and matches each
/// event, and the inbox (shared database) absorbs a redelivery to another replica;</item>
/// <item><see cref="MatchingIndexConsumer"/> listens on a queue of this replica's own (<c>matching-index-{instance}</c>)
/// for every listing event, so every index hears of every listing;</item>
/// <item>before matching, <see cref="CatchUpAsync"/> indexes every listing committed since the last catch-up
/// (PostgreSQL snapshots: rows written by transactions not visible in the previous snapshot, found through an
/// index on the writing transaction's id), and the listing itself
/// is committed before the match is computed. Of two listings posted at once to two replicas, the one committed second
/// is matched after both commits, so its catch-up finds the other: no pair is missed because the other replica's
/// index queue had not yet been read.</item>
/// </list>
/// Index writes are idempotent and newest-wins (compared on the listing's <c>UpdatedAt</c>), so the order in which the
/// three paths reach an index does not matter.
/// </summary>
public sealed class ReplicaIndex(MatchingDatabase database, IListingIndex index, IConfiguration configuration)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _snapshot;

    public string? InstanceId { get; } = Instance.Id(configuration);

    /// <summary>Replica mode: an instance id and a shared PostgreSQL database.</summary>
    public bool Enabled => InstanceId is not null && database.IsPostgres;

    /// <summary>The queue of this replica's index updates.</summary>
    public string QueueName => $"matching-index-{InstanceId}";

    /// <summary>
    /// Matches a batch of listing events once in effect. Alone: one transaction (store, index, match, suggestions, inbox).
    /// As a replica: the listings commit first, then the match runs after a catch-up of the local index.
    /// </summary>
    public async Task MatchOnceAsync<T>(
        Batch<T> batch, string consumer, Func<T, Listing> listing, int topN, CancellationToken cancellationToken)
        where T : class
    {
        var messages = batch.ToList();
        if (!Enabled)
        {
            await Inbox.HandleOnceAsync(database, messages, consumer, (first, connection, transaction) =>
                MatchListing.HandleAsync(first.Select(m => listing(m.Message)).ToList(), index, topN, connection, transaction),
                cancellationToken);
            return;
        }

        // Idempotent and newest-wins, so repeating it on a redelivery changes nothing.
        var listings = messages.Select(m => listing(m.Message)).ToList();
        await database.WriteAsync((connection, transaction) => MatchListing.StoreManyAsync(listings, connection, transaction),
            cancellationToken);
        await Inbox.HandleOnceAsync(database, messages, consumer, async (first, connection, transaction) =>
        {
            await CatchUpAsync(connection, transaction, cancellationToken);
            await MatchListing.HandleAsync(first.Select(m => listing(m.Message)).ToList(), index, topN, connection, transaction);
        }, cancellationToken);
    }

    /// <summary>
    /// Indexes every listing written to the database since the previous catch-up (all of them the first time);
    /// returns how many index entries changed.
    /// </summary>
    public async Task<int> CatchUpAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        if (!database.IsPostgres)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Taken before the rows are read (a later statement sees at least as much), so nothing committed between
            // the two statements is skipped next time; it is merely read twice, which newest-wins absorbs.
            var snapshot = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT pg_current_snapshot()::text", transaction: transaction, cancellationToken: cancellationToken));
            var rows = await connection.QueryAsync<StoredListing>(new CommandDefinition(
                $"""
                SELECT {StoredListing.Columns}
                FROM listings
                WHERE CAST(@Snapshot AS text) IS NULL
                   OR (written_by >= pg_snapshot_xmin(CAST(@Snapshot AS text)::pg_snapshot)
                       AND NOT pg_visible_in_snapshot(written_by, CAST(@Snapshot AS text)::pg_snapshot))
                """,
                new { Snapshot = _snapshot },
                transaction,
                cancellationToken: cancellationToken));
            var changed = Apply(rows.Select(row => row.ToListing()));
            _snapshot = snapshot;
            return changed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Brings the index to the newest of what it holds and <paramref name="listings"/> (closed ones leave it).</summary>
    public int Apply(IEnumerable<Listing> listings)
    {
        var upserts = new List<Listing>();
        var changed = 0;
        foreach (var listing in listings)
        {
            var held = index.Get(listing.Id);
            if (held is not null && held.UpdatedAt >= listing.UpdatedAt)
            {
                continue;
            }

            if (listing.Open)
            {
                upserts.Add(listing);
            }
            else if (held is not null)
            {
                index.Delete(listing.Id);
                changed++;
            }
        }

        if (upserts.Count > 0)
        {
            index.UpsertMany(upserts, commit: false);
        }

        return changed + upserts.Count;
    }

    /// <summary>
    /// Listing events on this replica's own queue, a batch of one kind: indexes of each listing the newest of its
    /// events and the database's copy (the database may already hold a later state, e.g. the closure of a need whose
    /// posting arrives late), with one query and one index write.
    /// </summary>
    public async Task ApplyEventsAsync(IReadOnlyList<Listing> fromEvents, CancellationToken cancellationToken)
    {
        var newest = fromEvents.GroupBy(listing => listing.Id).Select(group => group.MaxBy(listing => listing.UpdatedAt)!).ToList();
        if (newest.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new DynamicParameters();
        var stored = (await connection.QueryAsync<StoredListing>(new CommandDefinition(
            $"SELECT {StoredListing.Columns} FROM listings WHERE id {SqlRows.In(connection, newest.Select(listing => listing.Id).ToList(), parameters)}",
            parameters,
            cancellationToken: cancellationToken))).Select(row => row.ToListing()).ToDictionary(listing => listing.Id);
        Apply(newest.Select(fromEvent =>
            stored.TryGetValue(fromEvent.Id, out var held) && held.UpdatedAt >= fromEvent.UpdatedAt ? held : fromEvent));
    }

    /// <summary>A retirement on this replica's own queue: a closed placeholder, unless the database knows better.</summary>
    public static Listing Retired(Guid id, ListingKind kind, Guid organisationId, DateTimeOffset occurredAt) =>
        new(id, kind, organisationId, "", "", [], null, null, "en", ListingVisibility.StaffOnly, Open: false, occurredAt);
}

/// <summary>
/// This replica's index updates: every listing event, on a queue of the replica's own, in batches (one database query
/// and one index write per batch, as the shared consumers do).
/// </summary>
public sealed class MatchingIndexConsumer(ReplicaIndex replica, ConfidentialText confidential) :
    IConsumer<Batch<TechnologyPublished>>, IConsumer<Batch<TechnologyUpdated>>, IConsumer<Batch<TechnologyWithdrawn>>,
    IConsumer<Batch<NeedPosted>>, IConsumer<Batch<NeedUpdated>>, IConsumer<Batch<NeedClosed>>
{
    public Task Consume(ConsumeContext<Batch<TechnologyPublished>> context) =>
        Apply(context.Message, m => MatchListing.FromEvent(m), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<TechnologyUpdated>> context) =>
        Apply(context.Message, m => MatchListing.FromEvent(m), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<TechnologyWithdrawn>> context) =>
        Apply(context.Message, m => ReplicaIndex.Retired(m.TechnologyId, ListingKind.Technology, m.OrganisationId, m.OccurredAt),
            context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<NeedPosted>> context) =>
        Apply(context.Message, m => MatchListing.FromEvent(m, confidential), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<NeedUpdated>> context) =>
        Apply(context.Message, m => MatchListing.FromEvent(m, confidential), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<NeedClosed>> context) =>
        Apply(context.Message, m => ReplicaIndex.Retired(m.NeedId, ListingKind.Need, m.OrganisationId, m.OccurredAt),
            context.CancellationToken);

    private Task Apply<T>(Batch<T> batch, Func<T, Listing> listing, CancellationToken cancellationToken)
        where T : class =>
        replica.ApplyEventsAsync(batch.Select(m => listing(m.Message)).ToList(), cancellationToken);
}

/// <summary>
/// As a replica, catches the local index up with the database every few seconds, so a replica that computes no
/// matches for a while (or missed its queue while it was gone) still converges.
/// </summary>
public sealed class ReplicaIndexCatchUp(ReplicaIndex replica, MatchingDatabase database, ILogger<ReplicaIndexCatchUp> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!replica.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                try
                {
                    await using var connection = await database.OpenAsync(stoppingToken);
                    await replica.CatchUpAsync(connection, null, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Index catch-up of replica {Instance} failed; retrying", replica.InstanceId);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
