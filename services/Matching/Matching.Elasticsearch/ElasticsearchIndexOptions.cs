namespace Matchmaking.Matching.Elasticsearch;

/// <summary>
/// Where the shared Elasticsearch index lives (<c>Matchmaking:Matching:Index:Elasticsearch</c>): every Matching replica
/// that points at the same URL and prefix reads and writes one index.
/// </summary>
public sealed record ElasticsearchIndexOptions
{
    /// <summary>The cluster's URL, e.g. <c>http://127.0.0.1:9200</c>.</summary>
    public string Url { get; init; } = "";

    /// <summary>Prefixes the index name (<c>{prefix}-listings</c>), so several deployments or test runs share a cluster.</summary>
    public string IndexPrefix { get; init; } = "matchmaking";

    /// <summary>Basic authentication; used when <see cref="ApiKey"/> is not set.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>An encoded API key (the <c>encoded</c> value Elasticsearch returns); takes precedence over a password.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Replicas of the index's one shard: 0 on a single node (else the cluster stays yellow), 1 or more on a cluster.</summary>
    public int Replicas { get; init; }

    /// <summary>The index's name for this prefix.</summary>
    public string IndexName => $"{IndexPrefix.Trim().ToLowerInvariant()}-listings";
}
