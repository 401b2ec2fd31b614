using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Matchmaking.Matching.Engine;

namespace Matchmaking.Benchmarks;

/// <summary>
/// The matching engine's speed at a given number of listings, measured the way the service uses it: bulk load,
/// one-listing upserts, matching a new listing against the other side, and free-text search.
/// </summary>
public static class BenchRunner
{
    /// <summary>Listings bulk-loaded by the warm-up at most.</summary>
    private const int WarmUpListings = 10_000;

    /// <summary>Listings per <c>UpsertMany</c>, as the Matching service's index rebuild reads and writes them.</summary>
    public const int BatchSize = 500;

    /// <summary>Results per search, as <c>GET /api/search</c> returns by default.</summary>
    public const int SearchPageSize = 20;

    // Untimed warm-up, at least this long and this many rounds: loads the analysers' dictionaries and lets tiered JIT
    // optimise the hot paths, so the figures are a running service's rather than a cold start's.
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(2);
    private const int WarmUpRounds = 20;
    private const int MaxWarmUpRounds = 1_000;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs every size, writes the table (or JSON lines) to <paramref name="output"/> and returns the results.</summary>
    /// <param name="progress">Receives what is going on, for standard error.</param>
    /// <param name="openIndex">Opens an empty index in the given folder; the embedded Lucene index when absent.</param>
    /// <param name="seedDirectory">The <c>seeds/</c> folder; found next to or above the program when absent.</param>
    public static IReadOnlyList<BenchResult> Run(
        BenchOptions options,
        TextWriter output,
        Action<string>? progress = null,
        Func<string, IListingIndex>? openIndex = null,
        string? seedDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        progress ??= _ => { };
        openIndex ??= path => new LuceneListingIndex(path);

#if DEBUG
        progress("warning: a Debug build; run with -c Release for figures worth quoting.");
#endif
        var corpus = SeedCorpus.Load(seedDirectory ?? SeedCorpus.FindDirectory());
        progress($"{Machine()}; seeds: {corpus.Listings.Count} listings; {options.Queries} timed operations per measurement, top {options.Top}.");

        WarmUpEngine(corpus, options, openIndex, progress);
        var results = new List<BenchResult>();
        foreach (var size in options.Sizes)
        {
            var result = RunSize(size, options, corpus, openIndex, progress);
            results.Add(result);
            if (options.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(result, s_json));
                output.Flush();
            }
        }

        if (!options.Json)
        {
            output.Write(Table(results));
        }

        return results;
    }

    /// <summary>A Markdown table, one column per size: readable in a terminal and ready for a README.</summary>
    public static string Table(IReadOnlyList<BenchResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<(string Measure, Func<BenchResult, string> Value)>
        {
            ("listings in the index (both sides)", r => Whole(r.Indexed)),
            ("bulk index, UpsertMany, commit each second (listings/s)", r => Whole(r.IndexPerSecond)),
            ("bulk index, CPU per listing, all threads (ms)", r => r.IndexCpuMsPerListing.ToString("F3", CultureInfo.InvariantCulture)),
            ("single Upsert + refresh, commit each second (listings/s)", r => Whole(r.UpsertPerSecond)),
            ("single Upsert p50 / p99 (ms)", r => Pair(r.Upsert.P50Ms, r.Upsert.P99Ms)),
            ("index on disk (MB)", r => (r.IndexBytes / 1024d / 1024d).ToString("F1", CultureInfo.InvariantCulture)),
            ("match need → technologies p50 / p95 (ms)", r => Pair(r.NeedToTechnologies.P50Ms, r.NeedToTechnologies.P95Ms)),
            ("match need → technologies p99 / max (ms)", r => Pair(r.NeedToTechnologies.P99Ms, r.NeedToTechnologies.MaxMs)),
            ("match technology → needs p50 / p95 (ms)", r => Pair(r.TechnologyToNeeds.P50Ms, r.TechnologyToNeeds.P95Ms)),
            ("match technology → needs p99 / max (ms)", r => Pair(r.TechnologyToNeeds.P99Ms, r.TechnologyToNeeds.MaxMs)),
            ("candidates per match (mean, top N)", r => $"{r.MeanCandidates.ToString("F1", CultureInfo.InvariantCulture)} (top {r.Top})"),
            ("search p50 / p99 (ms)", r => Pair(r.Search.P50Ms, r.Search.P99Ms)),
            ("search hits (mean total)", r => Whole(r.MeanSearchHits)),
        };

        var header = new[] { "measure" }.Concat(results.Select(r => Whole(r.Size) + " each side")).ToList();
        var table = rows.Select(row => new[] { row.Measure }.Concat(results.Select(row.Value)).ToList()).ToList();
        var widths = header.Select((title, column) => Math.Max(title.Length, table.Max(cells => cells[column].Length))).ToList();

        var text = new StringBuilder();
        text.AppendLine(Machine());
        text.AppendLine();
        AppendRow(text, header, widths);
        AppendRow(text, widths.Select((width, column) => column == 0 ? new string('-', width) : new string('-', width - 1) + ":").ToList(), widths);
        foreach (var cells in table)
        {
            AppendRow(text, cells, widths);
        }

        return text.ToString();
    }

    private static BenchResult RunSize(int size, BenchOptions options, SeedCorpus corpus, Func<string, IListingIndex> openIndex, Action<string> progress)
    {
        var label = $"[{Whole(size)}]";
        var folder = Path.Combine(Path.GetTempPath(), $"matchmaking-bench-{Guid.NewGuid():N}");
        try
        {
            progress($"{label} index in {folder}");
            using var index = openIndex(folder);

            // Bulk load: both sides, generated first (not timed), then indexed as the service's rebuild does: one
            // UpsertMany per BatchSize listings, the index's committer committing every second meanwhile, and one
            // commit at the end. Timed from the first batch to the final commit as one span, so the writer's background
            // merges run inside it rather than in untimed pauses between batches, where they would cost nothing.
            var generator = new ListingGenerator(corpus, options.Seed);
            var total = size * 2;
            var batches = new[] { ListingKind.Technology, ListingKind.Need }
                .SelectMany(kind => Enumerable.Range(0, (size + BatchSize - 1) / BatchSize)
                    .Select(batch => generator.Generate(kind, Math.Min(BatchSize, size - (batch * BatchSize))).ToList()))
                .ToList();
            var indexed = 0;
            var nextReport = total / 10;
            var bulkStarted = Stopwatch.GetTimestamp();
            var bulkCpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var batch in batches)
            {
                index.UpsertMany(batch, commit: false);
                indexed += batch.Count;
                if (indexed >= nextReport || indexed == total)
                {
                    progress($"{label} indexed {Whole(indexed)} / {Whole(total)} ({Whole(indexed / Stopwatch.GetElapsedTime(bulkStarted).TotalSeconds)}/s)");
                    nextReport += Math.Max(1, total / 10);
                }
            }

            (index as IReconcilableIndex)?.Commit();
            var indexing = Stopwatch.GetElapsedTime(bulkStarted);
            var indexCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - bulkCpu).TotalMilliseconds / total;
            batches.Clear();

            var indexBytes = FolderBytes(folder);
            var indexPerSecond = total / Math.Max(indexing.TotalSeconds, 1e-9);

            // New listings, never indexed: what arrives when a need is posted or a technology published.
            var queries = new ListingGenerator(corpus, options.Seed + 1);
            WarmUp(index, queries, options.Top, label, progress);

            var candidates = 0L;
            progress($"{label} matching {options.Queries} new needs against {Whole(size)} technologies");
            var needToTechnologies = TimeLatency(queries.Generate(ListingKind.Need, options.Queries).ToList(), need => candidates += index.Match(need, options.Top).Count);
            progress($"{label} matching {options.Queries} new technologies against {Whole(size)} needs");
            var technologyToNeeds = TimeLatency(queries.Generate(ListingKind.Technology, options.Queries).ToList(), technology => candidates += index.Match(technology, options.Top).Count);

            var hits = 0L;
            progress($"{label} {options.Queries} free-text searches");
            var searches = Enumerable.Range(0, options.Queries).Select(_ => SearchFor(queries.NextSearchQuery())).ToList();
            var search = TimeLatency(searches, request => hits += index.Search(request).Total);

            // Last, so the matches and searches above ran against exactly `size` listings of each side.
            progress($"{label} {options.Queries} single upserts");
            var upserts = Enumerable.Range(0, options.Queries).Select(i => queries.Next(i % 2 == 0 ? ListingKind.Technology : ListingKind.Need)).ToList();
            var upsertTimes = Time(upserts, index.Upsert);
            var upsert = Latency.Of(upsertTimes);
            var upsertPerSecond = upsertTimes.Count / Math.Max(upsertTimes.Sum() / 1000, 1e-9);

            var result = new BenchResult(
                size,
                total,
                Math.Round(indexing.TotalSeconds, 3),
                Math.Round(indexPerSecond, 1),
                Math.Round(indexCpuMs, 3),
                indexBytes,
                Math.Round(upsertPerSecond, 1),
                upsert,
                options.Top,
                needToTechnologies,
                technologyToNeeds,
                Math.Round(candidates / (2.0 * options.Queries), 1),
                search,
                Math.Round(hits / (double)options.Queries, 1),
                Environment.ProcessorCount,
                RuntimeInformation.FrameworkDescription);
            progress(string.Create(CultureInfo.InvariantCulture,
                $"{label} done: {indexPerSecond:F0} listings/s bulk ({indexCpuMs:F2} ms CPU each), match p99 {needToTechnologies.P99Ms:F2} / {technologyToNeeds.P99Ms:F2} ms, search p99 {search.P99Ms:F2} ms"));
            return result;
        }
        finally
        {
            DeleteFolder(folder, progress);
        }
    }

    /// <summary>
    /// Once per process, untimed: an index of up to <see cref="WarmUpListings"/> loaded (no more than the largest size
    /// holds), matched and searched, so that the first size's bulk load does not pay for loading the Chinese
    /// dictionaries and compiling the indexing code. The runtime compiles hot code a second time, optimised with what
    /// the first runs profiled; with 1,000 listings of warm-up that compiler still took about 13% of the process's CPU
    /// a few seconds into a 20,000 bulk load (perf, 2026-11-27).
    /// </summary>
    private static void WarmUpEngine(SeedCorpus corpus, BenchOptions options, Func<string, IListingIndex> openIndex, Action<string> progress)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"matchmaking-bench-{Guid.NewGuid():N}");
        try
        {
            progress($"[engine] index in {folder}");
            using var index = openIndex(folder);
            var generator = new ListingGenerator(corpus, options.Seed + 2);
            var listings = Math.Min(WarmUpListings, 2 * options.Sizes.Max());
            for (var batch = 0; batch * BatchSize < listings; batch++)
            {
                index.UpsertMany(generator.Generate(batch % 2 == 0 ? ListingKind.Technology : ListingKind.Need, BatchSize).ToList(), commit: false);
            }

            for (var i = 0; i < WarmUpRounds; i++)
            {
                index.Upsert(generator.Next(ListingKind.Need));
            }

            WarmUp(index, generator, options.Top, "[engine]", progress);
        }
        finally
        {
            DeleteFolder(folder, progress);
        }
    }

    private static void WarmUp(IListingIndex index, ListingGenerator queries, int top, string label, Action<string> progress)
    {
        progress($"{label} warming up (untimed)");
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < MaxWarmUpRounds && (round < WarmUpRounds || clock.Elapsed < s_warmUp); round++)
        {
            index.Match(queries.Next(ListingKind.Need), top);
            index.Match(queries.Next(ListingKind.Technology), top);
            index.Search(SearchFor(queries.NextSearchQuery()));
        }

        // Garbage from loading and warming up is collected now rather than during a timed operation.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static Latency TimeLatency<T>(IReadOnlyList<T> inputs, Action<T> operation) => Latency.Of(Time(inputs, operation));

    /// <summary>Times each operation on its own, in milliseconds; preparing the inputs is not timed.</summary>
    private static List<double> Time<T>(IReadOnlyList<T> inputs, Action<T> operation)
    {
        var milliseconds = new List<double>(inputs.Count);
        foreach (var input in inputs)
        {
            var started = Stopwatch.GetTimestamp();
            operation(input);
            milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return milliseconds;
    }

    /// <summary>What <c>GET /api/search?q=…</c> asks of the index for an anonymous visitor: both kinds, first page.</summary>
    private static SearchRequest SearchFor(string query) =>
        new(query, Kind: null, Sector: null, MinTrl: null, IncludeStaffOnly: false, ViewerOrganisationId: null, Skip: 0, Take: SearchPageSize);

    private static long FolderBytes(string folder)
    {
        long bytes = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                bytes += file.Length;
            }
            catch (FileNotFoundException)
            {
                // A background merge removed it between the listing and the look.
            }
        }

        return bytes;
    }

    private static void DeleteFolder(string folder, Action<string> progress)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException exception)
        {
            progress($"Could not delete {folder}: {exception.Message}");
        }
        catch (UnauthorizedAccessException exception)
        {
            progress($"Could not delete {folder}: {exception.Message}");
        }
    }

    private static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
        $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC";

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, IReadOnlyList<int> widths)
    {
        text.Append('|');
        for (var column = 0; column < cells.Count; column++)
        {
            var cell = column == 0 ? cells[column].PadRight(widths[column]) : cells[column].PadLeft(widths[column]);
            text.Append(' ').Append(cell).Append(" |");
        }

        text.AppendLine();
    }

    private static string Whole(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pair(double first, double second) =>
        string.Create(CultureInfo.InvariantCulture, $"{first:F2} / {second:F2}");
}
