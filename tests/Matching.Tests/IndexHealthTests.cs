using System.Diagnostics;
using Matchmaking.Matching.Api;
using Matchmaking.Matching.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Matchmaking.Matching.Tests;

/// <summary>The index's readiness check over an embedded index on disk whose background commits fail and recover.</summary>
public sealed class IndexHealthTests
{
    [Fact]
    public async Task An_index_whose_commits_fail_is_degraded_until_they_succeed_again()
    {
        var folder = Directory.CreateTempSubdirectory("matching-health-").FullName;
        var indexFolder = Path.Combine(folder, "index");
        try
        {
            using (var index = new LuceneListingIndex(indexFolder, new MatchingEngineOptions { CommitInterval = TimeSpan.FromMilliseconds(50) }))
            {
                using var services = new ServiceCollection().AddSingleton<IListingIndex>(index).BuildServiceProvider();
                var check = new ListingIndexHealthCheck(services);
                Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken)).Status);

                // A file where the index's folder was: the committer cannot write.
                Directory.Delete(indexFolder, recursive: true);
                await File.WriteAllTextAsync(indexFolder, "not a folder", TestContext.Current.CancellationToken);
                index.Upsert(new Listing(Guid.NewGuid(), ListingKind.Technology, Guid.NewGuid(), "Conformal cooling",
                    "Cooling channels printed in the mould.", [], "plastics", 6, "en", ListingVisibility.Public, true, DateTimeOffset.UtcNow));
                var degraded = await UntilAsync(check, HealthStatus.Degraded);
                Assert.Equal(HealthStatus.Degraded, degraded.Status);
                Assert.Contains("background commit has failed since", degraded.Description, StringComparison.Ordinal);

                File.Delete(indexFolder);
                Assert.Equal(HealthStatus.Healthy, (await UntilAsync(check, HealthStatus.Healthy)).Status);
            }
        }
        finally
        {
            if (File.Exists(indexFolder))
            {
                File.Delete(indexFolder);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    // The check's result once it has the status, or its last result at a 20-second deadline.
    private static async Task<HealthCheckResult> UntilAsync(IHealthCheck check, HealthStatus status)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
            if (result.Status == status || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                return result;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
