namespace Matchmaking.Benchmarks;

/// <summary>Latency percentiles (nearest rank) over the timed operations of one measurement, in milliseconds.</summary>
public sealed record Latency(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static Latency Of(IReadOnlyCollection<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        if (milliseconds.Count == 0)
        {
            return new Latency(0, 0, 0, 0, 0, 0);
        }

        var sorted = milliseconds.Order().ToArray();
        return new Latency(sorted.Length, Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), Round(sorted[^1]), Round(sorted.Average()));
    }

    /// <summary>The smallest value with at least <paramref name="percent"/>% of the values at or below it.</summary>
    private static double Rank(double[] sorted, double percent) =>
        Round(sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)]);

    private static double Round(double value) => Math.Round(value, 3);
}

/// <summary>What one size measured.</summary>
/// <param name="Size">Listings of each side: the index holds twice as many.</param>
/// <param name="IndexPerSecond">Bulk <c>UpsertMany</c> into a fresh on-disk index, the commits each second and the final one included, generation excluded.</param>
/// <param name="IndexCpuMsPerListing">The process's CPU time (every thread: analysis, inverting, flushing, merging) over the bulk load, per listing.</param>
/// <param name="IndexBytes">The index folder on disk after the bulk load.</param>
/// <param name="UpsertPerSecond">One listing per <c>Upsert</c> (a near-real-time refresh each; the committer commits every second), on the loaded index.</param>
/// <param name="NeedToTechnologies">A new need matched against <see cref="Size"/> technologies.</param>
/// <param name="TechnologyToNeeds">A new technology matched against <see cref="Size"/> needs.</param>
/// <param name="MeanCandidates">Candidates returned per match on average, both ways: shows the matches found something.</param>
/// <param name="MeanSearchHits">Total hits per search on average.</param>
public sealed record BenchResult(
    int Size,
    int Indexed,
    double IndexSeconds,
    double IndexPerSecond,
    double IndexCpuMsPerListing,
    long IndexBytes,
    double UpsertPerSecond,
    Latency Upsert,
    int Top,
    Latency NeedToTechnologies,
    Latency TechnologyToNeeds,
    double MeanCandidates,
    Latency Search,
    double MeanSearchHits,
    int Cores,
    string Runtime);
