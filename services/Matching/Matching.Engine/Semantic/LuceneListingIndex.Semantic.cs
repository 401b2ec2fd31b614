using Matchmaking.Matching.Engine.Semantic;

namespace Matchmaking.Matching.Engine;

// The background embedding as the evaluation and tests see it (MatchingEngineOptions.Semantic).
public sealed partial class LuceneListingIndex
{
    /// <summary>How far the background embedding has got; null when semantic ranking is off.</summary>
    public SemanticStatus? SemanticStatus => _semantic?.Status;

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
