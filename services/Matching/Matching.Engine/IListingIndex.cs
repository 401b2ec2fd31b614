namespace Matchmaking.Matching.Engine;

/// <summary>The search index over technologies and needs. Implementations are thread-safe.</summary>
public interface IListingIndex : IDisposable
{
    /// <summary>The index holds listings analysed by an older engine: rebuild it from the source of truth.</summary>
    bool NeedsRebuild { get; }

    /// <summary>The ranking model's weights, used by every <see cref="Match"/> from now on (e.g. once learned from feedback).</summary>
    RankingWeights Weights { get; set; }

    /// <summary>Adds or replaces a listing; visible to the next search when this returns.</summary>
    void Upsert(Listing listing);

    /// <summary>
    /// Adds or replaces many listings, visible to the next search when this returns, with one commit; with
    /// <paramref name="commit"/> false the commit is left to the index's own schedule, as for <see cref="Upsert"/> (the
    /// embedded index commits within a second, and <see cref="IReconcilableIndex"/> repairs an unclean stop).
    /// </summary>
    void UpsertMany(IEnumerable<Listing> listings, bool commit = true);

    void Delete(Guid id);

    void Clear();

    Listing? Get(Guid id);

    /// <summary>How many listings of this kind the index holds, open or not.</summary>
    int Count(ListingKind kind);

    SearchResult Search(SearchRequest request);

    /// <summary>
    /// Candidates of the opposite kind to <paramref name="listing"/>, open only, best first, at most <paramref name="top"/>.
    /// All visibilities are returned: the caller filters what each viewer may see.
    /// </summary>
    IReadOnlyList<MatchCandidate> Match(Listing listing, int top);
}

/// <summary>
/// An index whose single writes reach the disk some time after they return (the embedded Lucene index): after a crash
/// it may lack what the database holds, so the service compares the two at start and re-applies the difference.
/// </summary>
public interface IReconcilableIndex
{
    /// <summary>Every listing the index holds, with the <see cref="Listing.UpdatedAt"/> of the copy it holds.</summary>
    IEnumerable<(Guid Id, DateTimeOffset UpdatedAt)> Held();

    /// <summary>Puts every write so far on disk.</summary>
    void Commit();
}
