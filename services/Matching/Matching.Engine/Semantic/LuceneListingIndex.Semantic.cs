using Matchmaking.Matching.Engine.Semantic;

namespace Matchmaking.Matching.Engine;

// The background embedding as the evaluation and tests see it (MatchingEngineOptions.Semantic).
public sealed partial class LuceneListingIndex
{
    /// <summary>How far the background embedding has got; null when semantic ranking is off.</summary>
    public SemanticStatus? SemanticStatus => _semantic?.Status;

    /// <summary>
    /// Whether a match of the listing now would rank without a vector it will have once the background worker embedded
    /// its text (queued if it was not): the service matches it again then. Always false when semantic ranking is off.
    /// </summary>
    public bool AwaitsVector(Listing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return _semantic?.AwaitsVector(listing) ?? false;
    }

    /// <summary>Queues listings that are matched without being indexed (queries), so their vectors are ready.</summary>
    public void EmbedAhead(IEnumerable<Listing> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        _semantic?.EmbedAhead(listings);
    }

    /// <summary>Returns when every queued text is embedded (at once when semantic ranking is off).</summary>
    public void WaitUntilEmbedded(Action<SemanticStatus>? progress = null, CancellationToken cancellationToken = default) =>
        _semantic?.WaitUntilEmbedded(progress ?? (_ => { }), TimeSpan.FromSeconds(2), cancellationToken);
}
