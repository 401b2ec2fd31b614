using Matchmaking.ServiceDefaults.Storage;
using Microsoft.Extensions.Configuration;

namespace Matchmaking.Matching.Api;

/// <summary>Settings under <c>Matchmaking:Matching</c>.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matchmaking:Matching";
    public const int MaxTopN = 100;

    /// <summary>How many candidates of the other side a new or changed listing is fanned out to.</summary>
    public int TopN { get; set; } = 20;

    /// <summary>How often the ranking weights are relearned from all feedback (feedback through the API relearns at once).</summary>
    public TimeSpan RankingRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The folder of the embedded Lucene index; <c>{DataDirectory}/index</c> when not set.</summary>
    public string? IndexPath { get; set; }

    public string ResolveIndexPath(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(IndexPath)
            ? Path.Combine(DataDirectory.Resolve(configuration), "index")
            : Path.GetFullPath(IndexPath);
}
