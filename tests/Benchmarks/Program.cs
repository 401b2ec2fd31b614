using Matchmaking.Benchmarks;

// The same benchmark as `dotnet run --project services/Host -c Release -- bench`, without the Host around it.
BenchOptions options;
try
{
    if (args.Any(arg => arg is "--help" or "-h"))
    {
        Console.WriteLine($"Usage: dotnet run --project tests/Benchmarks -c Release -- {BenchOptions.Usage}");
        return 0;
    }

    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

BenchRunner.Run(options, Console.Out, line => Console.Error.WriteLine(line));
return 0;
