using System.Text.Json;
using System.Text.RegularExpressions;
using Matchmaking.Host;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>A smoke run of <c>dotnet run --project services/Host -- bench</c> on tiny sizes, in-process.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class BenchCommandTests
{
    private static async Task<(int ExitCode, string Output, string Progress)> RunAsync(params string[] args)
    {
        var (originalOut, originalError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var progress = new StringWriter();
        Console.SetOut(output);
        Console.SetError(progress);
        try
        {
            var exitCode = await HostCommands.RunAsync(HostCommandLine.Parse(args));
            return (exitCode, output.ToString(), progress.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    [Fact]
    public async Task Bench_with_json_prints_one_measured_object_per_size_and_leaves_no_index_behind()
    {
        var (exitCode, output, progress) = await RunAsync("bench", "--sizes", "40,120", "--queries", "12", "--top", "20", "--json");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        var sizes = new List<int>();
        foreach (var line in lines)
        {
            var result = JsonDocument.Parse(line).RootElement;
            var size = result.GetProperty("size").GetInt32();
            sizes.Add(size);
            Assert.Equal(2 * size, result.GetProperty("indexed").GetInt32());
            Assert.True(result.GetProperty("indexPerSecond").GetDouble() > 0);
            Assert.True(result.GetProperty("indexCpuMsPerListing").GetDouble() >= 0); // present; a tiny load may take under a clock tick
            Assert.True(result.GetProperty("upsertPerSecond").GetDouble() > 0);
            Assert.True(result.GetProperty("indexBytes").GetInt64() > 0);
            foreach (var measure in new[] { "needToTechnologies", "technologyToNeeds", "search", "upsert" })
            {
                var latency = result.GetProperty(measure);
                Assert.Equal(12, latency.GetProperty("count").GetInt32());
                Assert.True(latency.GetProperty("maxMs").GetDouble() > 0);
                Assert.True(latency.GetProperty("p50Ms").GetDouble() <= latency.GetProperty("p99Ms").GetDouble());
                Assert.True(latency.GetProperty("p99Ms").GetDouble() <= latency.GetProperty("maxMs").GetDouble());
            }

            // The generated listings share vocabulary, so matches and searches find something.
            Assert.InRange(result.GetProperty("meanCandidates").GetDouble(), 1, 20);
            Assert.True(result.GetProperty("meanSearchHits").GetDouble() > 0);
        }

        Assert.Equal([40, 120], sizes);
        // The folders it names in its progress (a warm-up index and one per size), not any other run's, are gone.
        var folders = Regex.Matches(progress, @"\S*matchmaking-bench-[0-9a-f]{32}").Select(m => m.Value).Distinct().ToList();
        Assert.Equal(3, folders.Count);
        Assert.All(folders, folder => Assert.False(Directory.Exists(folder), folder));
    }

    [Fact]
    public async Task Bench_prints_a_table_with_a_column_per_size()
    {
        var (exitCode, output, _) = await RunAsync("bench", "--sizes", "30", "--queries", "5");

        Assert.Equal(0, exitCode);
        Assert.Contains(" 30 each side |", output, StringComparison.Ordinal);
        Assert.Contains("match need → technologies p99 / max (ms)", output, StringComparison.Ordinal);
        Assert.Contains("bulk index, UpsertMany, commit each second (listings/s)", output, StringComparison.Ordinal);
        Assert.Contains("bulk index, CPU per listing, all threads (ms)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--sizes", "0")]
    [InlineData("--sizes", "ten")]
    [InlineData("--queries", "-3")]
    [InlineData("--size", "100")]
    public async Task Bench_with_a_bad_option_fails_with_a_usage_message(string option, string value)
    {
        var (exitCode, output, progress) = await RunAsync("bench", option, value);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains(option, progress, StringComparison.Ordinal);
    }
}
