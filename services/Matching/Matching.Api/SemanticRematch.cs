using System.Threading.Channels;
using Dapper;
using Matchmaking.Matching.Api.Features;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace Matchmaking.Matching.Api;

/// <summary>
/// Sentence vectors are computed in the background, after a listing was indexed and matched by its words alone; when
/// a listing's vector is ready, this matches it again, so its suggestions use the semantic signal too (same match ids,
/// scores and ranks updated, MatchesSuggested published again). Alone only: replicas each embed every listing, and
/// would each match it again.
/// </summary>
public sealed class SemanticRematch(
    IListingIndex index, ReplicaIndex replica, MatchingDatabase database, IOptions<MatchingOptions> options,
    ILogger<SemanticRematch> logger) : BackgroundService
{
    private const int BatchSize = 50;

    private readonly Channel<Guid> _embedded = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Listings matched again so far (for tests and logs).</summary>
    public long Rematched => Interlocked.Read(ref _rematched);

    private long _rematched;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (index is not LuceneListingIndex lucene || replica.Enabled)
        {
            return;
        }

        lucene.ListingsEmbedded += Enqueue;
        try
        {
            while (await _embedded.Reader.WaitToReadAsync(stoppingToken))
            {
                var ids = new HashSet<Guid>();
                while (ids.Count < BatchSize && _embedded.Reader.TryRead(out var id))
                {
                    ids.Add(id);
                }

                try
                {
                    await RematchAsync(ids, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The listings keep their word-only suggestions; their next change matches them with the vectors.
                    logger.LogWarning(exception, "Matching {Count} listing(s) again with their sentence vectors failed", ids.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: listings not matched again keep their word-only suggestions.
        }
        finally
        {
            lucene.ListingsEmbedded -= Enqueue;
        }
    }

    private void Enqueue(IReadOnlyCollection<Guid> listings)
    {
        foreach (var id in listings)
        {
            _embedded.Writer.TryWrite(id);
        }
    }

    private async Task RematchAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async (connection, transaction) =>
        {
            var parameters = new DynamicParameters();
            var rows = await connection.QueryAsync<StoredListing>(new CommandDefinition(
                $"SELECT {StoredListing.Columns} FROM listings WHERE open = 1 AND id IN ({SqlRows.List(ids.ToList(), parameters)})",
                parameters,
                transaction,
                cancellationToken: cancellationToken));
            var listings = rows.Select(row => row.ToListing()).ToList();
            await MatchListing.MatchAsync(listings, index, options.Value.TopN, connection, transaction);
            Interlocked.Add(ref _rematched, listings.Count);
            return listings.Count;
        }, cancellationToken);
    }
}
