namespace Matchmaking.Host;

/// <summary>
/// The Host's command line: an optional command (<c>serve</c>, the default, or <c>migrate</c>, <c>seed</c>,
/// <c>reindex</c>, <c>eval</c>, <c>bench</c>), the Host's own flags (<c>--data DIR</c>, <c>--no-seed</c>), the command's options,
/// and whatever remains for ASP.NET Core's configuration (<c>--urls</c>, <c>--Key=value</c>).
/// </summary>
public sealed record HostCommandLine(string Command, IReadOnlyDictionary<string, string?> Options, string[] ConfigurationArgs)
{
    public static readonly IReadOnlyList<string> Commands = ["serve", "migrate", "seed", "reindex", "eval", "bench", "help"];

    private static readonly HashSet<string> Flags = ["--json", "--no-seed", "--help", "-h"];

    private static readonly HashSet<string> HostOptions = ["--data", "--corpus", "--queries", "--qrels", "--top", "--sizes", "--seed", "--no-seed", "--json", "--semantic"];

    public static HostCommandLine Parse(IReadOnlyList<string> args)
    {
        var command = "serve";
        var start = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            command = args[0].ToLowerInvariant();
            start = 1;
            if (!Commands.Contains(command))
            {
                throw new ArgumentException($"Unknown command '{args[0]}'. Commands: {string.Join(", ", Commands)}.");
            }
        }

        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                command = "help";
                continue;
            }

            if (!HostOptions.Contains(arg))
            {
                rest.Add(arg);
                continue;
            }

            if (Flags.Contains(arg))
            {
                options[arg[2..]] = "true";
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{arg} needs a value.");
            }

            options[arg[2..]] = args[++i];
        }

        return new HostCommandLine(command, options, rest.ToArray());
    }

    public string? Option(string name) => Options.GetValueOrDefault(name);

    public bool Flag(string name) => Options.ContainsKey(name);

    public const string Usage = """
        Matchmaking Host: every service in one process, on the embedded default (SQLite, in-memory bus, Lucene on disk).

        Usage: dotnet run --project services/Host -- [command] [options]

        Commands:
          serve      (default) serve the web application and API on http://127.0.0.1:5080
          migrate    bring every service's database schema up to date
          seed       load the demo data from seeds/ (idempotent)
          reindex    rebuild the search index from the databases
          eval       evaluate the matching engine on BEIR-format data:
                     eval --corpus corpus.jsonl --queries queries.jsonl --qrels qrels.tsv [--top 100] [--semantic on|off] [--json]
          bench      measure the matching engine's speed on listings generated from seeds/ (run with -c Release):
                     bench [--sizes 10000,100000] [--queries 200] [--top 100] [--seed 42] [--semantic on|off] [--json]

        Options:
          --data DIR        where the SQLite files and the index live (default ./data; or Matchmaking__DataDirectory)
          --no-seed         do not load the demo data on first start
          --urls URLS       where to listen (or ASPNETCORE_URLS)
        """;
}
