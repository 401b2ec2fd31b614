using Dapper;
using Matchmaking.Matching.Api.Features;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace Matchmaking.Matching.Api;

/// <summary>
/// Sentence vectors are computed in the background, so a new listing is matched at once by its words alone and queued
/// in <c>listings_awaiting_vectors</c> (<see cref="MatchListing.AwaitVectorsAsync"/>). This worker looks at the queue
/// whenever the embedding worker has stored vectors since its last look (and every <see cref="s_rescan"/> regardless);
/// each listing whose vector now exists is claimed (its row deleted) and matched again in one transaction, which
/// announces only suggestions that are new (<see cref="MatchListing.RematchAsync"/>). The queue is a table, so a restart
/// or a crash loses no re-match, and the claim makes replicas (each with its own index and vectors) share the work.
/// </summary>
public sealed class SemanticRematch(
    IListingIndex index, ReplicaIndex replica, MatchingDatabase database, IOptions<MatchingOptions> options,
    ILogger<SemanticRematch> logger) : BackgroundService
{
    private const int BatchSize = 50;

    // How many of the oldest queued listings one look considers: telling whether a listing's vector exists means
    // analysing its text again (a Chinese listing's gloss), so a long queue after a burst is looked at from its oldest
    // end, which the embedding worker reaches too, instead of whole each second.
    private const int LookAhead = 500;

    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    // A listing queued by a transaction that committed just after a look, with its vector stored just before it, would
    // otherwise wait for the next vector to be stored.
    private static readonly TimeSpan s_rescan = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (index is not LuceneListingIndex lucene || lucene.SemanticStatus is null)
        {
            return;
        }

        var lookedAt = -1;
        var lastLook = TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var timer = new PeriodicTimer(s_poll);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var stored = lucene.SemanticStatus?.Stored ?? 0;
                if (stored == lookedAt && clock.Elapsed - lastLook < s_rescan)
                {
                    continue;
                }

                try
                {
                    while (await RematchReadyAsync(lucene, stoppingToken) == BatchSize)
                    {
                        // A full batch: there may be more ready at once.
                    }

                    lookedAt = stored;
                    lastLook = clock.Elapsed;
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The queue is untouched by a failed transaction: the next tick tries again.
                    logger.LogWarning(exception, "Matching listings again with their sentence vectors failed; retrying");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is matched again after the restart.
        }
    }

    // Claims up to a batch of queued listings whose vectors exist and matches them again; returns how many it claimed.
    private async Task<int> RematchReadyAsync(LuceneListingIndex lucene, CancellationToken cancellationToken)
    {
        List<Guid> ready;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            var queued = await connection.QueryAsync<StoredListing>(new CommandDefinition(
                $"""
                SELECT {StoredListing.Columns}
                FROM listings_awaiting_vectors JOIN listings ON listings.id = listings_awaiting_vectors.listing_id
                ORDER BY queued_at
                LIMIT {LookAhead}
                """,
                cancellationToken: cancellationToken));
            ready = queued.Select(row => row.ToListing()).Where(listing => !listing.Open || !lucene.AwaitsVector(listing))
                .Take(BatchSize).Select(listing => listing.Id).ToList();
        }

        if (ready.Count == 0)
        {
            return 0;
        }

        var rematched = await database.WriteAsync(async (connection, transaction) =>
        {
            if (replica.Enabled)
            {
                // This replica's index holds every listing written so far, like a consumer's before it matches.
                await replica.CatchUpAsync(connection, transaction, cancellationToken);
            }

            var parameters = new DynamicParameters();
            var claimed = (await connection.QueryAsync<string>(new CommandDefinition(
                $"DELETE FROM listings_awaiting_vectors WHERE listing_id {SqlRows.In(connection, ready, parameters)} RETURNING listing_id",
                parameters, transaction, cancellationToken: cancellationToken))).ToList();
            if (claimed.Count == 0)
            {
                return 0;
            }

            // Read again under the claim: a listing changed since the look is matched as it is now, or queued again if
            // its new text has no vector yet; a closed one is only dropped from the queue.
            parameters = new DynamicParameters();
            var listings = (await connection.QueryAsync<StoredListing>(new CommandDefinition(
                    $"SELECT {StoredListing.Columns} FROM listings WHERE open = 1 AND id {SqlRows.In(connection, claimed, parameters)}",
                    parameters, transaction, cancellationToken: cancellationToken)))
                .Select(row => row.ToListing())
                .ToList();
            var waiting = listings.Where(lucene.AwaitsVector).ToList();
            await MatchListing.AwaitVectorsAsync(waiting, index, DateTimeOffset.UtcNow, connection, transaction);
            var rematch = listings.Except(waiting).ToList();
            await MatchListing.RematchAsync(rematch, index, options.Value.TopN, connection, transaction);
            return rematch.Count;
        }, cancellationToken);
        logger.LogDebug("Matched {Count} listing(s) again with their sentence vectors", rematched);
        return ready.Count;
    }
}
