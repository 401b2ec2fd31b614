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

    /// <summary>
    /// The share of one core the embedded index's sentence embedding may take while requests keep coming (0 to 1; 0
    /// waits for an idle second). See <see cref="Engine.MatchingEngineOptions.EmbeddingShareUnderLoad"/>.
    /// </summary>
    public double EmbeddingShareUnderLoad { get; set; } = Engine.MatchingEngineOptions.DefaultEmbeddingShareUnderLoad;

    /// <summary>The folder of the embedded Lucene index; <c>{DataDirectory}/index</c> when not set.</summary>
    public string? IndexPath { get; set; }

    /// <summary>Which index adapter serves search and matching (<c>Matchmaking:Matching:Index</c>).</summary>
    public MatchingIndexOptions Index { get; set; } = new();

    public string ResolveIndexPath(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(IndexPath)
            ? Path.Combine(DataDirectory.Resolve(configuration), "index")
            : Path.GetFullPath(IndexPath);
}

/// <summary>
/// <c>Matchmaking:Matching:Index</c>: <c>Provider</c> is <c>lucene</c> (the embedded index on disk, one per replica) or
/// <c>elasticsearch</c> (one index on a cluster, shared by every replica).
/// </summary>
public sealed class MatchingIndexOptions
{
    public const string LuceneProvider = "lucene";
    public const string ElasticsearchProvider = "elasticsearch";

    public string Provider { get; set; } = LuceneProvider;

    public MatchingElasticsearchOptions Elasticsearch { get; set; } = new();

    public bool UsesElasticsearch => string.Equals(Provider, ElasticsearchProvider, StringComparison.OrdinalIgnoreCase);

    public bool IsValid => UsesElasticsearch
        ? Uri.TryCreate(Elasticsearch.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            && !string.IsNullOrWhiteSpace(Elasticsearch.IndexPrefix) && Elasticsearch.Replicas >= 0
        : string.Equals(Provider, LuceneProvider, StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>Matchmaking:Matching:Index:Elasticsearch</c>: the cluster, the index name's prefix and the credentials.</summary>
public sealed class MatchingElasticsearchOptions
{
    public string Url { get; set; } = "";

    public string IndexPrefix { get; set; } = "matchmaking";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? ApiKey { get; set; }

    public int Replicas { get; set; }

    public Matchmaking.Matching.Elasticsearch.ElasticsearchIndexOptions ToIndexOptions() => new()
    {
        Url = Url,
        IndexPrefix = IndexPrefix,
        Username = Username,
        Password = Password,
        ApiKey = ApiKey,
        Replicas = Replicas,
    };
}
