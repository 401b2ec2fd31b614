using System.Diagnostics;
using System.Text.Json;
using Matchmaking.Host;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The Host's commands run in-process, as <c>dotnet run --project services/Host -- &lt;command&gt;</c> runs them.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class HostCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"matchmaking-cli-{Guid.NewGuid():N}");

    public HostCommandTests() => Directory.CreateDirectory(_directory);

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            var exitCode = await HostCommands.RunAsync(HostCommandLine.Parse(args));
            return (exitCode, output.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public async Task Eval_prints_the_metrics_and_a_json_last_line()
    {
        var corpus = Path.Combine(_directory, "corpus.jsonl");
        var queries = Path.Combine(_directory, "queries.jsonl");
        var qrels = Path.Combine(_directory, "qrels.tsv");
        await File.WriteAllLinesAsync(corpus,
        [
            """{"_id":"d1","title":"Conformal cooling for injection moulds","text":"Cooling channels that follow the part reduce warpage."}""",
            """{"_id":"d2","title":"Antimicrobial finishing of cotton","text":"A silver-free finish keeps towels fresh after fifty washes."}""",
            """{"_id":"d3","title":"Solder joint inspection","text":"Machine vision finds voids in solder joints on circuit boards."}""",
        ], TestContext.Current.CancellationToken);
        await File.WriteAllLinesAsync(queries,
        [
            """{"_id":"q1","text":"Our moulded housings warp after cooling"}""",
            """{"_id":"q2","text":"Towels smell after washing"}""",
        ], TestContext.Current.CancellationToken);
        await File.WriteAllLinesAsync(qrels, ["query-id\tcorpus-id\tscore", "q1\td1\t2", "q2\td2\t1"], TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunAsync("eval", "--corpus", corpus, "--queries", queries, "--qrels", qrels, "--json");

        Assert.Equal(0, exitCode);
        Assert.Contains("nDCG@10", output, StringComparison.Ordinal);
        var last = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(2, last.GetProperty("queries").GetInt32());
        Assert.InRange(last.GetProperty("ndcg@10").GetDouble(), 0.5, 1.0);
        Assert.InRange(last.GetProperty("mrr@10").GetDouble(), 0.5, 1.0);
        Assert.True(last.GetProperty("qps").GetDouble() > 0);
        Assert.Contains("Recall@100 ", output, StringComparison.Ordinal);

        // Fewer than 100 results a query: the recall printed is named for what it counts.
        var (shortExit, shortOutput) = await RunAsync("eval", "--corpus", corpus, "--queries", queries, "--qrels", qrels, "--top", "1");
        Assert.Equal(0, shortExit);
        Assert.Contains("Recall@1 ", shortOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Recall@100", shortOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_without_its_files_fails_with_a_usage_message()
    {
        var (exitCode, _) = await RunAsync("eval", "--corpus", Path.Combine(_directory, "missing.jsonl"));
        Assert.Equal(2, exitCode);
    }

    [Fact]
    public async Task Migrate_seed_and_reindex_work_on_an_empty_data_directory()
    {
        var data = Path.Combine(_directory, "data");
        Assert.Equal(0, (await RunAsync("migrate", "--data", data)).ExitCode);
        Assert.True(File.Exists(Path.Combine(data, "research.db")));

        var (seedExit, seedOutput) = await RunAsync("seed", "--data", data);
        Assert.Equal(0, seedExit);
        Assert.Contains("technologies", seedOutput, StringComparison.Ordinal);
        Assert.Matches(@"Seeded [1-9]\d* organisations, [1-9]\d* accounts, [1-9]\d* technologies and [1-9]\d* needs\.", seedOutput);
        // A second seed finds everything in place, and says so.
        var (againExit, againOutput) = await RunAsync("seed", "--data", data);
        Assert.Equal(0, againExit);
        Assert.Matches(
            @"Seeded 0 of \d+ organisations, 0 of \d+ accounts, 0 of \d+ technologies and 0 of \d+ needs \(the rest were there already\)\.",
            againOutput);

        var (reindexExit, reindexOutput) = await RunAsync("reindex", "--data", data);
        Assert.Equal(0, reindexExit);
        Assert.Contains("Reindexed", reindexOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_prints_its_result_alone_on_standard_output()
    {
        // As a process: the console logger writes to the real streams, which an in-process test cannot capture.
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Matchmaking.Host.dll"), "seed", "--data", Path.Combine(_directory, "data") })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, process.ExitCode);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Seeded ", Assert.Single(lines), StringComparison.Ordinal);
        Assert.Contains("Migrating PortalDatabase", await error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
