using Dapper;
using Matchmaking.Matching.Engine;

namespace Matchmaking.Matching.Api;

/// <summary>
/// Rebuilds the search index from the Matching database, the source of truth: after a lost or corrupted index folder,
/// an engine change, or on the Host's <c>reindex</c> command.
/// </summary>
public sealed class MatchingIndexRebuilder(MatchingDatabase database, IListingIndex index)
{
    private const int BatchSize = 500;

    /// <returns>How many listings were indexed.</returns>
    public async Task<int> RebuildAsync(CancellationToken cancellationToken = default, IProgress<string>? progress = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM listings WHERE open = 1", cancellationToken: cancellationToken));
        progress?.Report($"Rebuilding the matching index from {total} open listings");

        // Withdrawn and closed listings are deleted from the index as they retire, so a rebuilt index holds only open ones.
        index.Clear();
        var indexed = 0;
        var after = "";
        while (true)
        {
            var batch = (await connection.QueryAsync<StoredListing>(new CommandDefinition(
                $"""
                SELECT {StoredListing.Columns}
                FROM listings
                WHERE open = 1 AND id > @After
                ORDER BY id
                LIMIT @BatchSize
                """,
                new { After = after, BatchSize },
                cancellationToken: cancellationToken))).ToList();
            if (batch.Count == 0)
            {
                break;
            }

            // Not committed batch by batch: the embedded index's committer commits every few seconds meanwhile, as it does
            // for the listing consumers, and a rebuild cut short is completed by the reconciliation at the next start
            // (IReconcilableIndex). A commit per batch stalled the rebuild on a flush and an fsync every 500 listings.
            index.UpsertMany(batch.Select(row => row.ToListing()), commit: false);
            indexed += batch.Count;
            after = batch[^1].Id.ToString("D");
            progress?.Report($"Indexed {indexed} of {total} listings");
        }

        (index as IReconcilableIndex)?.Commit();
        progress?.Report($"Matching index rebuilt: {indexed} listings");
        return indexed;
    }
}
