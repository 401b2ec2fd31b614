using Dapper;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Matching.Api;

/// <summary>
/// At start, before the bus delivers anything, brings an index whose writes reach the disk late
/// (<see cref="IReconcilableIndex"/>: the embedded Lucene index commits every few seconds) up to the database, the source
/// of truth: a process killed between a commit of its database and the next commit of its index would otherwise miss
/// those listings for good. Compares ids and versions first; reads whole only the rows that differ.
/// </summary>
public sealed class IndexReconciliation(
    MatchingDatabase database, IListingIndex index, ReplicaIndex replica, ILogger<IndexReconciliation> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (index is not IReconcilableIndex reconcilable || index.NeedsRebuild)
            {
                return;
            }

            var applied = await ReconcileAsync(reconcilable, cancellationToken);
            if (applied > 0)
            {
                logger.LogWarning("The matching index lacked {Count} listing changes the database holds (an unclean stop); re-applied", applied);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The database may not be up yet; readiness and the replica catch-up report and repair what they can.
            logger.LogError(exception, "Could not compare the matching index with the database; run the reindex command if listings are missing");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Re-applies every listing whose database state is newer than the index's copy; returns how many.</summary>
    public async Task<int> ReconcileAsync(IReconcilableIndex reconcilable, CancellationToken cancellationToken)
    {
        var held = reconcilable.Held().ToDictionary(h => h.Id, h => h.UpdatedAt);
        await using var connection = await database.OpenAsync(cancellationToken);
        var versions = await connection.QueryAsync<ListingVersion>(new CommandDefinition(
            "SELECT id AS Id, updated_at AS UpdatedAt, open AS Open FROM listings", cancellationToken: cancellationToken));
        var stale = versions
            .Where(row => held.TryGetValue(row.Id, out var at) ? at < row.UpdatedAt : row.Open == 1)
            .Select(row => row.Id)
            .ToHashSet();
        if (stale.Count == 0)
        {
            return 0;
        }

        // Only the differing rows are read whole, a chunk of ids per statement.
        var applied = 0;
        foreach (var chunk in stale.Chunk(500))
        {
            var parameters = new DynamicParameters();
            var rows = await connection.QueryAsync<StoredListing>(new CommandDefinition(
                $"SELECT {StoredListing.Columns} FROM listings WHERE id {SqlRows.In(connection, chunk, parameters)}",
                parameters, cancellationToken: cancellationToken));
            applied += replica.Apply(rows.Select(row => row.ToListing()));
        }

        reconcilable.Commit();
        return applied;
    }

    private sealed class ListingVersion
    {
        public Guid Id { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public int Open { get; init; }
    }
}
