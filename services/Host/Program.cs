using Matchmaking.Host;

HostCommandLine commandLine;
try
{
    commandLine = HostCommandLine.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(HostCommandLine.Usage);
    return 2;
}

return await HostCommands.RunAsync(commandLine);
