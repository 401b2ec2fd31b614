using Matchmaking.Matching.Engine;

namespace Matchmaking.Matching.Api;

/// <summary>
/// Rebuilds the index from the Matching database at start when it was written by an older engine (its analysis or
/// layout changed), so an upgrade never leaves listings unmatched. Runs in the background: the service starts at once.
/// </summary>
public sealed class IndexUpgrade(IListingIndex index, MatchingIndexRebuilder rebuilder, ILogger<IndexUpgrade> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!index.NeedsRebuild)
            {
                return;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An index on a cluster that is not up yet: readiness reports it; the service keeps running.
            logger.LogError(exception, "Could not open the matching index to check its version; run the reindex command if it is stale");
            return;
        }

        logger.LogInformation("The matching index was written by an older engine; rebuilding it");
        try
        {
            var indexed = await rebuilder.RebuildAsync(stoppingToken);
            logger.LogInformation("Matching index rebuilt with {Count} listings", indexed);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Could not rebuild the matching index; run the reindex command");
        }
    }
}
