using Matchmaking.Host;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

public sealed class HostCommandLineTests
{
    [Fact]
    public void No_arguments_serve_with_nothing_left_for_configuration()
    {
        var line = HostCommandLine.Parse([]);
        Assert.Equal("serve", line.Command);
        Assert.Empty(line.ConfigurationArgs);
    }

    [Fact]
    public void The_hosts_own_flags_are_taken_and_the_rest_go_to_configuration()
    {
        var line = HostCommandLine.Parse(["--data", "/tmp/x", "--no-seed", "--urls", "http://127.0.0.1:6000"]);
        Assert.Equal("serve", line.Command);
        Assert.Equal("/tmp/x", line.Option("data"));
        Assert.True(line.Flag("no-seed"));
        Assert.Equal(["--urls", "http://127.0.0.1:6000"], line.ConfigurationArgs);
    }

    [Fact]
    public void Eval_reads_its_files_top_and_json()
    {
        var line = HostCommandLine.Parse(["eval", "--corpus", "c.jsonl", "--queries", "q.jsonl", "--qrels", "r.tsv", "--top", "50", "--json"]);
        Assert.Equal("eval", line.Command);
        Assert.Equal("c.jsonl", line.Option("corpus"));
        Assert.Equal("50", line.Option("top"));
        Assert.True(line.Flag("json"));
    }

    [Fact]
    public void Bench_reads_its_sizes_queries_top_seed_and_json()
    {
        var line = HostCommandLine.Parse(["bench", "--sizes", "10000,100000", "--queries", "200", "--top", "50", "--seed", "9", "--json"]);
        Assert.Equal("bench", line.Command);
        Assert.Equal("10000,100000", line.Option("sizes"));
        Assert.Equal("200", line.Option("queries"));
        Assert.Equal("9", line.Option("seed"));
        Assert.True(line.Flag("json"));
        Assert.Empty(line.ConfigurationArgs);
    }

    [Fact]
    public void An_unknown_command_or_a_missing_value_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => HostCommandLine.Parse(["frobnicate"]));
        Assert.Throws<ArgumentException>(() => HostCommandLine.Parse(["eval", "--corpus"]));
    }

    [Fact]
    public void Help_wins_over_any_command()
    {
        Assert.Equal("help", HostCommandLine.Parse(["migrate", "--help"]).Command);
    }
}
