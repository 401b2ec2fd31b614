using System.Diagnostics;
using System.Net;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

// One scenario at a time: they kill and restart the servers they share. (Running the fuzz run, which needs none of
// them, beside the others gained nothing on two cores: it and the reindex scenario took 51 s together, 43 s apart.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Matchmaking.Faults.Tests;

/// <summary>
/// The private servers <c>infra/faults.sh</c> started for this suite (never the shared ones): a PostgreSQL on its own
/// port and a RabbitMQ node of its own, which the scenarios may kill. Without <c>MATCHMAKING_FAULTS=1</c> every
/// scenario is reported as skipped, never as passed.
/// </summary>
public static class FaultCluster
{
    public static bool Enabled => Environment.GetEnvironmentVariable("MATCHMAKING_FAULTS") == "1";

    public static string PostgresServer => Required("MATCHMAKING_FAULTS_POSTGRES");

    public static string PostgresPort => new NpgsqlConnectionStringBuilder(PostgresServer).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string RabbitNode => Environment.GetEnvironmentVariable("MATCHMAKING_FAULTS_RABBITMQ_NODE") ?? "faults";

    public static ushort RabbitPort => ushort.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_FAULTS_RABBITMQ_PORT") ?? "5673",
        System.Globalization.CultureInfo.InvariantCulture);

    public static string Repository { get; } = FindRepository();

    public static void SkipUnlessEnabled() =>
        Assert.SkipUnless(Enabled, "fault scenarios kill servers: run them with `bash infra/faults.sh` (MATCHMAKING_FAULTS=1)");

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using (var connection = new NpgsqlConnection(PostgresServer))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name, Pooling = true }.ConnectionString;
    }

    public static async Task<string> CreateVirtualHostAsync(string prefix)
    {
        var vhost = $"{prefix}-{Guid.NewGuid():N}";
        await CtlAsync("add_vhost", vhost);
        await CtlAsync("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        return vhost;
    }

    /// <summary>
    /// The settings every service (process or in-process host) gets on the private servers: the RabbitMQ transport on
    /// <paramref name="vhost"/> and PostgreSQL storage. Keys in configuration form (<c>A:B</c>); see <see cref="AsEnvironment"/>.
    /// </summary>
    public static Dictionary<string, string> ServiceSettings(string vhost) => new()
    {
        ["Matchmaking:Bus:Transport"] = "RabbitMq",
        ["Matchmaking:Bus:RabbitMq:Host"] = "127.0.0.1",
        ["Matchmaking:Bus:RabbitMq:Port"] = RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Matchmaking:Bus:RabbitMq:VirtualHost"] = vhost,
        ["Matchmaking:Storage:Provider"] = "Postgres",
    };

    /// <summary>Configuration keys as environment variables (<c>A:B</c> becomes <c>A__B</c>).</summary>
    public static Dictionary<string, string> AsEnvironment(Dictionary<string, string> settings) =>
        settings.ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);

    /// <summary>
    /// Messages in the queues of <paramref name="vhost"/>, ready and unacknowledged, the <c>_error</c> and
    /// <c>_skipped</c> queues left out: 0 when every consumer is done. From <c>rabbitmqctl</c>: slow (an Erlang VM a
    /// call), so only where in-flight messages must count.
    /// </summary>
    public static async Task<int> PendingAsync(string vhost)
    {
        var output = await CtlAsync("list_queues", "-p", vhost, "name", "messages", "--no-table-headers");
        var pending = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t', ' ');
            if (!parts[0].EndsWith("_error", StringComparison.Ordinal) && !parts[0].EndsWith("_skipped", StringComparison.Ordinal))
            {
                pending += int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return pending;
    }

    /// <summary>Messages ready in a queue (0 when it does not exist), over AMQP: a passive declare, milliseconds.</summary>
    public static async Task<uint> QueueReadyAsync(string vhost, string queue)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = RabbitPort, VirtualHost = vhost };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    public static Task KillBrokerAsync() => RunAsync("bash", "infra/rabbitmq.sh", "kill", "--node", RabbitNode);

    public static Task StartBrokerAsync() =>
        RunAsync("bash", "infra/rabbitmq.sh", "start", "--node", RabbitNode, "--port", RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static Task CrashPostgresAsync() => RunAsync("bash", "infra/postgres.sh", "crash", PostgresPort);

    /// <summary>
    /// Starts the crashed server again (crash recovery) and empties this process's connection pools: their idle
    /// connections died with the server and would fail the next probe.
    /// </summary>
    public static async Task ResumePostgresAsync()
    {
        await RunAsync("bash", "infra/postgres.sh", "resume", PostgresPort);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the broker again if a scenario left it dead (a failed one may); a no-op when it answers.</summary>
    public static async Task EnsureBrokerAsync()
    {
        try
        {
            var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = RabbitPort, RequestedConnectionTimeout = TimeSpan.FromSeconds(5) };
            await using var connection = await factory.CreateConnectionAsync();
        }
        catch (BrokerUnreachableException)
        {
            await StartBrokerAsync();
        }
    }

    /// <summary>Starts PostgreSQL again if a scenario left it stopped; a no-op when it answers.</summary>
    public static async Task EnsurePostgresAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(PostgresServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
            await ResumePostgresAsync();
        }
    }

    public static Task<string> CtlAsync(params string[] arguments) =>
        RunAsync("runuser", ["-u", "rabbitmq", "--", "env", "HOME=/var/lib/rabbitmq", "/usr/lib/rabbitmq/bin/rabbitmqctl",
            "-n", $"{RabbitNode}@localhost", "-q", "-t", "60", .. arguments]);

    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Repository,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Bounded: a wedged rabbitmqctl must fail the scenario, not hang the suite (the broker's own start waits longer).
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(program == "bash" ? 4 : 1.5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set (run the fault suite with `bash infra/faults.sh`)");

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Matchmaking.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Matchmaking.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The suite's ledger: one line per scenario, read and printed by infra/faults.sh.</summary>
public static class Ledger
{
    public static void Record(ITestOutputHelper output, string scenario, int sent, int effects, int lost, int duplicated)
    {
        var line = $"scenario={scenario} sent={sent} effects={effects} lost={lost} duplicated={duplicated}";
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("MATCHMAKING_FAULTS_LEDGER") is { Length: > 0 } path)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }

        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
    }
}

/// <summary>One service as a real process (its built DLL) on a loopback port of its own, killable and restartable.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    // Ports from MATCHMAKING_FAULTS_PORT_BASE + 1 (default 6101): faults.sh and load.sh use ranges of their own.
    private static int s_nextPort = int.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_FAULTS_PORT_BASE") ?? "6100",
        System.Globalization.CultureInfo.InvariantCulture);

    private readonly string _service;
    private readonly Dictionary<string, string> _environment;
    private readonly string _log;
    private Process _process = null!;

    private ServiceProcess(string service, Dictionary<string, string> environment, int port)
    {
        _service = service;
        _environment = environment;
        Port = port;
        _log = Path.Combine(Path.GetTempPath(), $"matchmaking-faults-{service.ToLowerInvariant()}-{port}.log");
    }

    // One empty folder for every run (nothing is written there), rather than a new one each run left behind.
    private static readonly string s_contentRoot = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "matchmaking-service-root")).FullName;

    public int Port { get; }

    public string Service => _service;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public int Pid => _process.Id;

    /// <summary>The test hook the running process was started with (null: none).</summary>
    public string? Hook { get; private set; }

    public static async Task<ServiceProcess> StartAsync(string service, Dictionary<string, string> environment, string? hook = null)
    {
        var port = Interlocked.Increment(ref s_nextPort);
        var process = new ServiceProcess(service, environment, port);
        await process.RestartAsync(hook);
        return process;
    }

    /// <summary>Starts (again) on the same port with the same settings; <paramref name="hook"/> sets MATCHMAKING_TEST_HOOK.</summary>
    public async Task RestartAsync(string? hook = null, bool waitReady = true)
    {
        var dll = Path.Combine(FaultCluster.Repository, "services", _service, $"{_service}.Api", "bin", "Release", "net10.0",
            $"Matchmaking.{_service}.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            // The working directory is the host's content root, which ASP.NET watches (subdirectories included) for
            // changed settings files. An empty folder of its own: watching /tmp, where the servers and the indexes
            // write, cost the Matching process about 5% of its processor time in a profile of infra/load.sh.
            WorkingDirectory = s_contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (hook is not null)
        {
            start.Environment["MATCHMAKING_TEST_HOOK"] = hook;
        }
        else
        {
            start.Environment.Remove("MATCHMAKING_TEST_HOOK");
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{_service} did not start");
        Hook = hook;
        var log = new StreamWriter(_log, append: true) { AutoFlush = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (waitReady)
        {
            await WaitUntilAsync("/health/ready", ok: true, TimeSpan.FromSeconds(120));
        }
    }

    /// <summary>What a health endpoint answers now.</summary>
    public async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    /// <summary>Polls a health endpoint until it answers 200 (<paramref name="ok"/>) or anything else.</summary>
    public async Task<TimeSpan> WaitUntilAsync(string path, bool ok, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            bool healthy;
            try
            {
                healthy = (await client.GetAsync(path)).IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                healthy = false;
            }

            if (healthy == ok)
            {
                return clock.Elapsed;
            }

            if (_process.HasExited && ok)
            {
                throw new InvalidOperationException($"{_service} exited with {_process.ExitCode}; see {_log}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{_service} {path} not {(ok ? "healthy" : "unhealthy")} after {timeout.TotalSeconds} s; see {_log}");
            }

            await Task.Delay(200);
        }
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    public bool HasExited => _process.HasExited;

    public Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // SIGKILL
        }

        return WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public void Terminate()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the host stops gracefully (finishes in-flight work within its shutdown timeout).
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill?.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
