using Matchmaking.Matching.Engine;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Matchmaking.Matching.Api;

/// <summary>
/// Ready only when the index opens and answers: search and matching depend on it. An embedded index whose background
/// commits or merges keep failing (a full or failing disk) answers from memory but is reported degraded, which takes the
/// replica out of readiness until the work succeeds again.
/// </summary>
public sealed class ListingIndexHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Resolved here, not injected, so that an index that cannot open reports unhealthy instead of failing the probe.
            var index = (IListingIndex)(services.GetService(typeof(IListingIndex))
                ?? throw new InvalidOperationException("No listing index is registered."));
            var listings = index.Count(ListingKind.Technology) + index.Count(ListingKind.Need);
            var where = index is Elasticsearch.ElasticsearchListingIndex elastic ? $" in Elasticsearch index {elastic.IndexName}" : "";
            if (index is LuceneListingIndex { BackgroundFault: { } fault })
            {
                return Task.FromResult(HealthCheckResult.Degraded(
                    $"{listings} listings indexed{Vectors(index)}; the index's background {fault.Operation} has failed since {fault.Since:O}: {fault.Error.Message}",
                    fault.Error));
            }

            return Task.FromResult(HealthCheckResult.Healthy($"{listings} listings indexed{where}{Vectors(index)}"));
        }
        catch (Exception exception)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("search index unavailable", exception));
        }
    }

    // How far the background embedding has got (the semantic ranking's sentence vectors), when it is on.
    private static string Vectors(IListingIndex index) =>
        index is LuceneListingIndex { SemanticStatus: { } vectors }
            ? $"; sentence vectors: {vectors.Stored} stored, {vectors.Pending} waiting, {vectors.Failed} failed"
              + (vectors.LastError is { } error ? $" (last error: {error})" : "")
            : "";
}
