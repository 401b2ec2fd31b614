using System.Globalization;
using System.Text.Json;
using Matchmaking.Benchmarks;
using Matchmaking.Matching.Api;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging.Console;

namespace Matchmaking.Host;

/// <summary>What each command of the Host's command line does.</summary>
public static class HostCommands
{
    public static async Task<int> RunAsync(HostCommandLine commandLine)
    {
        switch (commandLine.Command)
        {
            case "help":
                Console.WriteLine(HostCommandLine.Usage);
                return 0;
            case "eval":
                return Evaluate(commandLine);
            case "bench":
                return Bench(commandLine);
        }

        var builder = HostComposition.CreateBuilder(commandLine.ConfigurationArgs, Overrides(commandLine));
        if (commandLine.Command != "serve")
        {
            // A command's standard output is its result, for scripts to read: the log, warnings and errors only, goes
            // to standard error beside the progress lines.
            builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        }

        await using var app = builder.Build();
        HostComposition.MapAll(app);

        switch (commandLine.Command)
        {
            case "serve":
                await app.RunAsync();
                return 0;
            case "migrate":
                Migrate(app.Services);
                return 0;
            case "seed":
                Migrate(app.Services);
                var seeded = await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(Progress, CancellationToken.None);
                Console.WriteLine($"Seeded {seeded}. Their events leave through the outbox when the Host next serves.");
                return 0;
            case "reindex":
                Migrate(app.Services);
                try
                {
                    var count = await app.Services.GetRequiredService<MatchingIndexRebuilder>().RebuildAsync(CancellationToken.None, new Progress<string>(Progress));
                    Console.WriteLine($"Reindexed {count} listings.");
                    return 0;
                }
                catch (InvalidOperationException exception)
                {
                    // E.g. an Elasticsearch cluster that does not answer: say so in a line, not a stack trace.
                    Console.Error.WriteLine($"reindex failed: {exception.Message}");
                    return 1;
                }
            default:
                Console.Error.WriteLine(HostCommandLine.Usage);
                return 2;
        }
    }

    private static IEnumerable<KeyValuePair<string, string?>> Overrides(HostCommandLine commandLine)
    {
        if (commandLine.Option("data") is { } data)
        {
            yield return new("Matchmaking:DataDirectory", data);
        }

        if (commandLine.Flag("no-seed"))
        {
            yield return new("Matchmaking:Seed", "false");
        }
    }

    private static void Migrate(IServiceProvider services)
    {
        foreach (var database in services.GetServices<ServiceDatabase>())
        {
            Progress($"Migrating {database.GetType().Name} ({database.Provider})");
            database.Migrate();
        }
    }

    private static int Evaluate(HostCommandLine commandLine)
    {
        var missing = new[] { "corpus", "queries", "qrels" }.Where(name => commandLine.Option(name) is null).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"eval needs {string.Join(", ", missing.Select(m => "--" + m))}.");
            return 2;
        }

        var top = 100;
        if (commandLine.Option("top") is { } topText && (!int.TryParse(topText, CultureInfo.InvariantCulture, out top) || top < 1))
        {
            Console.Error.WriteLine("--top must be a positive whole number.");
            return 2;
        }

        foreach (var name in new[] { "corpus", "queries", "qrels" })
        {
            if (!File.Exists(commandLine.Option(name)))
            {
                Console.Error.WriteLine($"--{name}: no file at {commandLine.Option(name)}.");
                return 2;
            }
        }

        if (SemanticIndexOpener(commandLine, out var openIndex) is { } error)
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        if (top < 100)
        {
            // The JSON key stays recall@100 (the API's), but the figure is over the first `top` results only.
            Progress($"--top {top}: recall is counted over the first {top} results, so it is Recall@{top}, not Recall@100.");
        }

        var result = BeirEvaluator.Evaluate(commandLine.Option("corpus")!, commandLine.Option("queries")!, commandLine.Option("qrels")!, top, Progress, openIndex);
        var recall = $"Recall@{Math.Min(top, 100)}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"nDCG@10     {result.NdcgAt10:F4}\n{recall,-12}{result.RecallAt100:F4}\nMRR@10      {result.MrrAt10:F4}\nqueries     {result.Queries}\nqueries/s   {result.QueriesPerSecond:F1}\nindexed/s   {result.IndexedPerSecond:F0}"));
        if (commandLine.Flag("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["ndcg@10"] = Math.Round(result.NdcgAt10, 4),
                ["recall@100"] = Math.Round(result.RecallAt100, 4),
                ["mrr@10"] = Math.Round(result.MrrAt10, 4),
                ["queries"] = result.Queries,
                ["qps"] = Math.Round(result.QueriesPerSecond, 1),
            }));
        }

        return 0;
    }

    private static int Bench(HostCommandLine commandLine)
    {
        // Nothing configures the benchmark but its options: a mistyped one must not be dropped silently.
        if (commandLine.ConfigurationArgs.Length > 0)
        {
            Console.Error.WriteLine($"bench does not take {string.Join(' ', commandLine.ConfigurationArgs)}. Usage: {BenchOptions.Usage}");
            return 2;
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.FromOptions(commandLine.Option, commandLine.Flag("json"));
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return 2;
        }

        if (SemanticIndexOpener(commandLine, out var openIndex) is { } error)
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        BenchRunner.Run(options, Console.Out, Progress, openIndex);
        return 0;
    }

    // --semantic on|off (eval, bench): the engine's default is on; off opens the index without sentence vectors, to
    // compare the two in one session. Null opener: the command's own default index.
    private static string? SemanticIndexOpener(HostCommandLine commandLine, out Func<string, IListingIndex>? openIndex)
    {
        openIndex = null;
        switch (commandLine.Option("semantic"))
        {
            case null or "on":
                return null;
            case "off":
                openIndex = path => new LuceneListingIndex(path, new MatchingEngineOptions { Semantic = false });
                return null;
            default:
                return "--semantic must be on or off.";
        }
    }

    /// <summary>Progress goes to standard error so that standard output stays machine-readable.</summary>
    private static void Progress(string line) => Console.Error.WriteLine(line);
}
