using Matchmaking.Matching.Engine.Bridging;

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
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);
}
