using System.Globalization;

namespace Matchmaking.Benchmarks;

/// <summary>What a benchmark run measures.</summary>
/// <param name="Sizes">Listings of each side in the index, one run per size.</param>
/// <param name="Queries">Timed operations per measurement (matches each way, searches, single upserts).</param>
/// <param name="Top">Candidates asked of each match; the Matching service asks for 100 (TopN 20 × 5).</param>
/// <param name="Seed">Seed of the generator: the same seed gives the same listings and queries.</param>
/// <param name="Json">One JSON object per size on standard output instead of the table.</param>
public sealed record BenchOptions(IReadOnlyList<int> Sizes, int Queries, int Top, int Seed, bool Json)
{
    public const string Usage = "bench [--sizes 10000,100000] [--queries 200] [--top 100] [--seed 42] [--json]";

    public static readonly BenchOptions Default = new([10_000, 100_000], Queries: 200, Top: 100, Seed: 42, Json: false);

    /// <summary>Options by name without the dashes (<c>sizes</c>, <c>queries</c>, <c>top</c>, <c>seed</c>); absent ones keep their default.</summary>
    /// <exception cref="ArgumentException">A value is not a positive whole number.</exception>
    public static BenchOptions FromOptions(Func<string, string?> option, bool json)
    {
        ArgumentNullException.ThrowIfNull(option);
        var sizes = option("sizes") is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(size => Positive("sizes", size)).ToList()
            : Default.Sizes;
        if (sizes.Count == 0)
        {
            throw new ArgumentException("--sizes needs at least one size, e.g. --sizes 10000,100000.");
        }

        return new BenchOptions(
            sizes,
            option("queries") is { } queries ? Positive("queries", queries) : Default.Queries,
            option("top") is { } top ? Positive("top", top) : Default.Top,
            option("seed") is { } seed ? Positive("seed", seed) : Default.Seed,
            json);
    }

    /// <summary>Parses a command line such as <c>--sizes 1000,10000 --queries 50 --json</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing value or a value that is not a positive whole number.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--sizes" or "--queries" or "--top" or "--seed":
                    if (i + 1 >= args.Count)
                    {
                        throw new ArgumentException($"{args[i]} needs a value.");
                    }

                    values[args[i][2..]] = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {Usage}");
            }
        }

        return FromOptions(name => values.GetValueOrDefault(name), json);
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name}: '{text}' is not a positive whole number.");
}
