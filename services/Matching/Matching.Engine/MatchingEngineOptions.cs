using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Matching.Engine.Semantic;

namespace Matchmaking.Matching.Engine;

/// <summary>How the engine is set up; the defaults are what the service, <c>eval</c> and <c>bench</c> run.</summary>
public sealed record MatchingEngineOptions
{
    /// <summary>The domain glossary and sector relations; the copy embedded from <c>seeds/</c> by default.</summary>
    public DomainGlossary Glossary { get; init; } = DomainGlossary.Embedded;

    /// <summary>The ranking model's weights until <see cref="IListingIndex.Weights"/> is set (e.g. learned from feedback).</summary>
    public RankingWeights Weights { get; init; } = RankingWeights.Default;

    /// <summary>The clock freshness is measured against.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// How often the embedded index commits single writes to disk; zero commits every write before it returns.
    /// What a crash loses meanwhile is restored from the database at the next start (IndexReconciliation).
    /// Each commit writes and fsyncs every segment flushed since the last (under a steady stream, one per batch), so a
    /// longer interval lets merges fold them in memory first: 5 s rather than 1 s took Matching from 13.2-13.5 to
    /// 12.4 ms of processor time per listing at 40 paced listings a second (infra/load.sh).
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fuses English sentence-vector similarity (all-MiniLM-L6-v2) with the text score (see <see cref="SemanticFusion"/>);
    /// a Chinese listing is embedded from its English dictionary gloss (<see cref="ChineseGloss"/>).
    /// On by default: measured to lift SciFact, dev and holdout (Matching.Engine/RESULTS.md). Vectors are computed in
    /// the background after indexing; a match uses those that exist by then. The embedded Lucene index only (the
    /// Elasticsearch adapter ranks without it).
    /// </summary>
    public bool Semantic { get; init; } = true;

    /// <summary>How much meaning counts against words (both are shares of the best candidate's); 1 counts them alike.</summary>
    public double SemanticWeight { get; init; } = 1.0;

    /// <summary>The folder of the vector store; the index folder's <c>semantic</c> subfolder by default.</summary>
    public string? EmbeddingStorePath { get; init; }

    /// <summary>
    /// The share of one core embedding may take while the index is in use (writes, matches, searches keep coming):
    /// after each batch it ran then, the worker rests long enough to keep to this share. With an idle second it runs
    /// freely. Zero waits for idleness, as the engine did before: under a steady stream of listings their vectors, and
    /// the semantic re-matching that follows them, then waited for the stream to stop, however long it ran. The
    /// default 0.1 is a twentieth of a 2-core machine. all-MiniLM-L6-v2 took 12, 20 and 59 ms a text of 30, 80 and
    /// 200 words on an idle core here (batches of 4), which would make 2-8 texts a second at this share; a loaded
    /// machine gets fewer, as a batch's wall time (what the share is measured in) is longer: infra/load.sh re-matched
    /// some 120 listings in a run of about a minute.
    /// </summary>
    public double EmbeddingShareUnderLoad { get; init; } = DefaultEmbeddingShareUnderLoad;

    /// <summary>The default of <see cref="EmbeddingShareUnderLoad"/>.</summary>
    public const double DefaultEmbeddingShareUnderLoad = 0.1;

    /// <summary>The sentence model; the process's shared all-MiniLM-L6-v2 by default.</summary>
    public ITextEmbedder? Embedder { get; init; }
}
