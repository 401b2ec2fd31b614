using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Npgsql;
using Xunit;

namespace Matchmaking.Faults.Tests;

/// <summary>
/// The driver of <c>infra/load.sh</c> (skipped unless <c>MATCHMAKING_LOAD=1</c>; faults.sh leaves it out): services as
/// processes on the private servers, N replicas of Research, Needs and Matching (one Brokerage), listings posted over
/// HTTP (the client spreads them over the replicas, as the Portal's gateway would), latency from the POST to the first
/// match row committed (what GET .../matches reads), and MassTransit's raw publish-and-consume rate on the same broker.
/// </summary>
public sealed class LoadRun(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Load()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("MATCHMAKING_LOAD") == "1", "the load run is started by `bash infra/load.sh`");
        var replicas = int.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_REPLICAS") ?? "1", CultureInfo.InvariantCulture);
        var listings = int.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_LISTINGS") ?? "5000", CultureInfo.InvariantCulture);
        var warmup = int.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_WARMUP") ?? "500", CultureInfo.InvariantCulture);
        var budget = TimeSpan.FromSeconds(int.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_SECONDS") ?? "240", CultureInfo.InvariantCulture));

        var vhost = await FaultCluster.CreateVirtualHostAsync("load");
        var databases = new Dictionary<string, string>();
        foreach (var service in new[] { "Research", "Needs", "Matching", "Brokerage" })
        {
            databases[service] = await FaultCluster.CreateDatabaseAsync($"load_{service}".ToLowerInvariant());
        }

        var folder = Directory.CreateTempSubdirectory("matchmaking-load-").FullName;
        Dictionary<string, string> Settings(string service, int replica)
        {
            var settings = FaultCluster.ServiceSettings(vhost);
            settings[$"ConnectionStrings:{service}"] = databases[service];
            settings["Matchmaking:Matching:IndexPath"] = Path.Combine(folder, $"index-{replica}");
            if (replicas > 1)
            {
                settings["Matchmaking:InstanceId"] = $"{service.ToLowerInvariant()}-{replica}";
            }

            return FaultCluster.AsEnvironment(settings);
        }

        var processes = new List<ServiceProcess>();
        try
        {
            var starts = new List<Task<ServiceProcess>>();
            foreach (var service in new[] { "Research", "Needs", "Matching" })
            {
                for (var r = 1; r <= replicas; r++)
                {
                    starts.Add(ServiceProcess.StartAsync(service, Settings(service, r)));
                }
            }

            starts.Add(ServiceProcess.StartAsync("Brokerage", Settings("Brokerage", 1)));

            // Every process that started is stopped below, even when another failed to start.
            try
            {
                await Task.WhenAll(starts);
            }
            finally
            {
                processes.AddRange(starts.Where(start => start.IsCompletedSuccessfully).Select(start => start.Result));
            }

            var research = processes.Where(p => p.Service == "Research").ToArray();
            var needs = processes.Where(p => p.Service == "Needs").ToArray();

            using var university = Stack.Client(TestUsers.New(Roles.University).Token);
            using var enterprise = Stack.Client(TestUsers.New(Roles.Enterprise).Token);
            string[] themes =
            [
                "injection moulded housings warp after cooling", "solder joints crack under thermal cycling",
                "stainless steel welds corrode in salt spray", "fried snacks absorb too much oil",
                "concrete slabs crack while curing", "cotton fabric shrinks after dyeing",
                "battery packs overheat when charged fast", "die cast aluminium parts show porosity",
            ];

            // Posts listing i of prefix (prefix00000..; even: a technology to Research, odd: a need to Needs) and records
            // its id and the moment of its POST in posted[i], which a failed POST leaves empty.
            async Task PostOneAsync(string prefix, (Guid Id, DateTimeOffset At)[] posted, int i, CancellationToken ct)
            {
                var theme = themes[i % themes.Length];
                var code = $"{prefix}{i / 2:D5}";
                var at = DateTimeOffset.UtcNow;
                using var response = i % 2 == 0
                    ? await university.PostAsJsonAsync(new Uri(research[i / 2 % research.Length].BaseAddress, "api/technologies"), new
                    {
                        title = $"A process for {code} parts that stops: {theme}",
                        summary = $"Our method for {code} components prevents the defect where {theme}.",
                        sector = "plastics",
                        keywords = new[] { code, "process" },
                        trl = 6,
                        licenceModels = new[] { "non-exclusive" },
                    }, ct)
                    : await enterprise.PostAsJsonAsync(new Uri(needs[i / 2 % needs.Length].BaseAddress, "api/needs"), new
                    {
                        title = $"Our {code} products: {theme}",
                        problem = $"On our {code} line {theme}, and we scrap part of the output.",
                        sector = "plastics",
                        keywords = new[] { code, "scrap" },
                        minTrl = 4,
                        visibility = "public",
                    }, ct);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    posted[i] = ((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid(), at);
                }
            }

            static int Failed((Guid Id, DateTimeOffset At)[] posted) => posted.Count(p => p.Id == Guid.Empty);

            // Posts posted.Length listings of prefix, 16 at a time (as fast as the services take them); returns how many
            // POSTs failed.
            async Task<int> PostAsync(string prefix, (Guid Id, DateTimeOffset At)[] posted)
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, posted.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct },
                    (i, ct) => new ValueTask(PostOneAsync(prefix, posted, i, ct)));
                return Failed(posted);
            }

            // The same at a fixed rate: listing i is posted at i / perSecond seconds, whether or not earlier POSTs have
            // returned (an open loop, as independent users post), so the latency measured is not bounded by the client.
            async Task<int> PaceAsync(string prefix, (Guid Id, DateTimeOffset At)[] posted, double perSecond)
            {
                var start = Stopwatch.StartNew();
                var inFlight = new List<Task>(posted.Length);
                for (var i = 0; i < posted.Length; i++)
                {
                    var due = TimeSpan.FromSeconds(i / perSecond) - start.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, Ct);
                    }

                    var index = i;
                    inFlight.Add(Task.Run(() => PostOneAsync(prefix, posted, index, Ct), Ct));
                }

                await Task.WhenAll(inFlight);
                return Failed(posted);
            }

            // Listing events Matching has applied (one inbox row each), and the batches it applied them in (a batch's
            // inbox rows share one processed_at).
            await using var matching = new NpgsqlConnection(databases["Matching"]);
            Task<int> AppliedAsync() => matching.ExecuteScalarAsync<int>(
                "SELECT COUNT(*) FROM inbox_messages WHERE consumer IN ('matching-need-posted', 'matching-technology-published')");
            Task<int> BatchesAsync() => matching.ExecuteScalarAsync<int>(
                """
                SELECT COUNT(*) FROM (SELECT DISTINCT consumer, processed_at FROM inbox_messages
                                      WHERE consumer IN ('matching-need-posted', 'matching-technology-published')) b
                """);

            // Waits until Matching has applied `count` listing events beyond `from`, or the budget on `clock` is spent;
            // returns how many it applied.
            async Task<int> AppliedSinceAsync(int from, int count, Stopwatch clock)
            {
                var applied = 0;
                while (clock.Elapsed < budget)
                {
                    applied = await AppliedAsync() - from;
                    if (applied >= count)
                    {
                        break;
                    }

                    await Task.Delay(250, Ct);
                }

                return applied;
            }

            // Warm-up, not measured (MATCHMAKING_LOAD_WARMUP listings): a process's first listings pay for compiling
            // its code, opening connections and filling caches, which a service that runs for days pays once.
            var warmupFailures = await PostAsync("WU", new (Guid, DateTimeOffset)[warmup]);
            await AppliedSinceAsync(0, warmup - warmupFailures, Stopwatch.StartNew());

            var appliedBefore = await AppliedAsync();

            // When each listing got its first match row.
            async Task<Dictionary<Guid, DateTimeOffset>> FirstMatchesAsync() =>
                (await matching.QueryAsync<(string Id, string At)>(
                    """
                    SELECT id, MIN(created_at) FROM (
                        SELECT technology_id AS id, created_at FROM matches
                        UNION ALL SELECT need_id, created_at FROM matches) m
                    GROUP BY id
                    """)).ToDictionary(r => Guid.Parse(r.Id), r => DateTimeOffset.Parse(r.At, CultureInfo.InvariantCulture));

            // Milliseconds from each listing's POST to its first match row, sorted; listings without a match are left out.
            static double[] Latencies(Dictionary<Guid, DateTimeOffset> firstMatch, IEnumerable<(Guid Id, DateTimeOffset At)> posted) =>
                posted.Where(p => p.Id != Guid.Empty && firstMatch.ContainsKey(p.Id))
                    .Select(p => Math.Max(0, (firstMatch[p.Id] - p.At).TotalMilliseconds)).Order().ToArray();

            static double Percentile(double[] sorted, double q) =>
                sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

            // Processor time per service during a phase: on a shared, loaded machine wall-clock rates say little, but
            // what each listing costs in CPU says where the time goes. Also how many batches Matching applied the
            // phase's listings in (a batch's inbox rows share one processed_at).
            TimeSpan[] CpuTimes() => processes.Select(p => System.Diagnostics.Process.GetProcessById(p.Pid).TotalProcessorTime).ToArray();
            async Task<Func<int, Task<string>>> MeasureCostsAsync()
            {
                var cpuBefore = CpuTimes();
                var serversBefore = ServerCpu.Now();
                var batchesBefore = await BatchesAsync();
                return async applied =>
                {
                    var batches = await BatchesAsync() - batchesBefore;
                    var cpuAfter = CpuTimes();
                    var cpu = string.Join(' ', processes
                        .Select((p, i) => (p.Service, Cpu: cpuAfter[i] - cpuBefore[i]))
                        .GroupBy(x => x.Service)
                        .Select(g => string.Create(CultureInfo.InvariantCulture,
                            $"{g.Key.ToLowerInvariant()}={g.Sum(x => x.Cpu.TotalMilliseconds) / Math.Max(1, applied):F1}")));
                    var servers = ServerCpu.Now().Since(serversBefore, Math.Max(1, applied));
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{batches} Matching batches ({applied / (double)Math.Max(1, batches):F1} listings each); CPU ms per applied listing: {cpu} {servers}");
                };
            }

            var costs = await MeasureCostsAsync();
            var posted = new (Guid Id, DateTimeOffset At)[listings];
            var clock = Stopwatch.StartNew();
            var failures = await PostAsync("LD", posted);
            var postSeconds = clock.Elapsed.TotalSeconds;

            // Done when Matching has applied every listing event, or at the budget.
            var applied = await AppliedSinceAsync(appliedBefore, listings - failures, clock);
            var seconds = clock.Elapsed.TotalSeconds;

            var runCosts = await costs(applied);

            // Listings matched by their words and still waiting for their sentence vectors (embedded in the background
            // within a share of a core while the index is busy, MatchingEngineOptions.EmbeddingShareUnderLoad).
            Task<int> AwaitingVectorsAsync() => matching.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM listings_awaiting_vectors");
            Task<int> ListingsAsync() => matching.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM listings");
            var awaitingAfterRun = await AwaitingVectorsAsync();
            var latencies = Latencies(await FirstMatchesAsync(), posted);
            var perSecond = applied / seconds;

            // Posting as fast as the services take POSTs overloads what follows them, so the latency above is mostly
            // the queue. The paced run posts at a share of the rate just measured (MATCHMAKING_LOAD_PACED_SHARE, 0.5)
            // and shows the latency of a listing when the system keeps up.
            var pacedShare = double.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_PACED_SHARE") ?? "0.5", CultureInfo.InvariantCulture);
            var pacedListings = int.Parse(Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_PACED_LISTINGS") ?? "1000", CultureInfo.InvariantCulture);
            // MATCHMAKING_LOAD_PACED_RATE fixes the rate instead, for comparing two builds at one rate.
            var pacedRate = Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_PACED_RATE") is { Length: > 0 } fixedRate
                ? double.Parse(fixedRate, CultureInfo.InvariantCulture)
                : Math.Max(1, perSecond * pacedShare);
            var paced = new (Guid Id, DateTimeOffset At)[pacedListings];
            // First the backlog the run above left behind it is worked off: Brokerage has handled every suggestion
            // event Matching wrote (queued listing work would otherwise be timed as the paced listings' latency).
            await using (var brokerage = new NpgsqlConnection(databases["Brokerage"]))
            {
                var settle = Stopwatch.StartNew();
                while (settle.Elapsed < budget
                       && await brokerage.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'brokerage-matches-suggested'")
                       < await matching.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%.MatchesSuggested,%'"))
                {
                    await Task.Delay(250, Ct);
                }
            }

            var pacedBefore = await AppliedAsync();
            var pacedCosts = await MeasureCostsAsync();
            var pacedClock = Stopwatch.StartNew();
            var pacedFailures = await PaceAsync("PC", paced, pacedRate);
            var pacedApplied = await AppliedSinceAsync(pacedBefore, pacedListings - pacedFailures, pacedClock);
            var pacedMatches = await FirstMatchesAsync();
            var pacedLatencies = Latencies(pacedMatches, paced);
            var pacedCost = await pacedCosts(pacedApplied);
            var (awaitingAfterPaced, listingsAfterPaced) = (await AwaitingVectorsAsync(), await ListingsAsync());
            var semantic = string.Create(CultureInfo.InvariantCulture,
                $"  awaiting sentence vectors: {awaitingAfterRun} after the flood, {awaitingAfterPaced} of {listingsAfterPaced} listings after the paced run");
            // A queue that builds shows as a median that grows from one tenth of the paced listings to the next.
            var tenths = paced.Chunk(Math.Max(1, pacedListings / 10))
                .Select(tenth => Percentile(Latencies(pacedMatches, tenth), 0.5).ToString("F0", CultureInfo.InvariantCulture));

            var raw = await RawBusRateAsync(vhost);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"load replicas={replicas} listings={applied} per_second={perSecond:F1} p50_ms={Percentile(latencies, 0.5):F0} p99_ms={Percentile(latencies, 0.99):F0} raw_bus_per_second={raw:F0}");
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"  posted {listings - failures} of {listings} in {postSeconds:F1} s ({(listings - failures) / postSeconds:F1}/s over HTTP), {applied} applied by Matching within {seconds:F1} s; {latencies.Length} listings had a match; {failures} POSTs failed; {runCosts}");
            var pacedLine = string.Create(CultureInfo.InvariantCulture,
                $"  paced at {pacedRate:F1}/s: {pacedApplied} of {pacedListings} applied, {pacedLatencies.Length} had a match, p50_ms={Percentile(pacedLatencies, 0.5):F0} p99_ms={Percentile(pacedLatencies, 0.99):F0} max_ms={Percentile(pacedLatencies, 1):F0} (p50 by tenth: {string.Join(' ', tenths)}); {pacedFailures} POSTs failed; {pacedCost}");
            output.WriteLine(line);
            output.WriteLine(detail);
            output.WriteLine(pacedLine);
            output.WriteLine(semantic);
            if (System.Environment.GetEnvironmentVariable("MATCHMAKING_LOAD_REPORT") is { Length: > 0 } report)
            {
                await File.AppendAllTextAsync(report, line + "\n" + detail + "\n" + pacedLine + "\n" + semantic + "\n", Ct);
            }

            Assert.Equal(0, warmupFailures + failures + pacedFailures);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Messages a second published to and consumed from one quorum queue on the same broker, with confirms.</summary>
    private static async Task<double> RawBusRateAsync(string vhost)
    {
        const int count = 20_000;
        var consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host("127.0.0.1", FaultCluster.RabbitPort, vhost, h =>
            {
                h.Username("guest");
                h.Password("guest");
                h.PublisherConfirmation = true;
            });
            cfg.ReceiveEndpoint("load-raw", e =>
            {
                e.SetQuorumQueue();
                e.PrefetchCount = 200;
                e.Handler<LoadPing>(_ =>
                {
                    if (Interlocked.Increment(ref consumed) == count)
                    {
                        done.TrySetResult();
                    }

                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(Ct);
        try
        {
            var clock = Stopwatch.StartNew();
            for (var sent = 0; sent < count; sent += 500)
            {
                await Task.WhenAll(Enumerable.Range(sent, 500).Select(i => bus.Publish(new LoadPing(i), Ct)));
            }

            await done.Task.WaitAsync(TimeSpan.FromMinutes(3), Ct);
            return count / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }
}

public sealed record LoadPing(int Sequence);

/// <summary>
/// Processor time of the load run's own PostgreSQL and RabbitMQ servers (their pid files named by load.sh in
/// MATCHMAKING_LOAD_POSTGRES_PIDFILE and MATCHMAKING_LOAD_RABBITMQ_PIDFILE), from /proc: a server's main process with
/// the children it has reaped (PostgreSQL's ended backends) and those alive. Without the pid files, nothing is counted.
/// </summary>
internal sealed record ServerCpu(long PostgresTicks, long RabbitMqTicks)
{
    // USER_HZ, the unit of /proc/<pid>/stat times: 100 on Linux for every architecture .NET runs on.
    private const double TicksPerMillisecond = 0.1;

    public static ServerCpu Now() => new(Tree(PidFrom("MATCHMAKING_LOAD_POSTGRES_PIDFILE")), Tree(PidFrom("MATCHMAKING_LOAD_RABBITMQ_PIDFILE")));

    /// <summary>"postgres=X rabbitmq=Y": milliseconds per listing since <paramref name="before"/>.</summary>
    public string Since(ServerCpu before, int listings) => string.Create(CultureInfo.InvariantCulture,
        $"postgres={(PostgresTicks - before.PostgresTicks) / TicksPerMillisecond / listings:F1} rabbitmq={(RabbitMqTicks - before.RabbitMqTicks) / TicksPerMillisecond / listings:F1}");

    private static int? PidFrom(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } file && File.Exists(file)
        && int.TryParse(File.ReadLines(file).FirstOrDefault()?.Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;

    private static long Tree(int? root)
    {
        if (root is null || Stat(root.Value) is not { } own)
        {
            return 0;
        }

        // utime + stime + cutime + cstime of the root, utime + stime of each live child.
        var total = own[11] + own[12] + own[13] + own[14];
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) && pid != root
                && Stat(pid) is { } child && child[1] == root)
            {
                total += child[11] + child[12];
            }
        }

        return total;
    }

    // The numeric fields of /proc/<pid>/stat after the command name (index 0 is the state, so it reads 0): 1 = ppid,
    // 11..14 = utime, stime, cutime, cstime. Null when the process is gone.
    private static long[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ')
                .Select(field => long.TryParse(field, CultureInfo.InvariantCulture, out var value) ? value : 0).ToArray();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
