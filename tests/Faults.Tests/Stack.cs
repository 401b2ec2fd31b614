using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Npgsql;

namespace Matchmaking.Faults.Tests;

/// <summary>
/// Research, Needs and Matching as real processes on the private servers, each with its own database, on a virtual
/// host of their own; plus the client side of the ledger (what was sent and acknowledged) and the probes that count
/// effects (rows that took effect in Matching, suggestions announced more than once).
/// </summary>
public sealed class Stack : IAsyncDisposable
{
    private readonly string _indexFolder = Directory.CreateTempSubdirectory("matchmaking-faults-index-").FullName;
    private readonly List<ServiceProcess> _processes = [];
    private int _serial;

    private Stack(string vhost, Dictionary<string, string> databases)
    {
        VirtualHost = vhost;
        Databases = databases;
        University = Client(TestUsers.New(Roles.University).Token);
        Enterprise = Client(TestUsers.New(Roles.Enterprise).Token);
    }

    public string VirtualHost { get; }

    public Dictionary<string, string> Databases { get; }

    public ServiceProcess Research { get; private set; } = null!;

    public ServiceProcess Needs { get; private set; } = null!;

    public ServiceProcess Matching { get; private set; } = null!;

    public HttpClient University { get; }

    public HttpClient Enterprise { get; }

    public static async Task<Stack> StartAsync(string name, string? needsHook = null, string? matchingHook = null)
    {
        var vhost = await FaultCluster.CreateVirtualHostAsync(name);
        var databases = new Dictionary<string, string>();
        foreach (var service in new[] { "Research", "Needs", "Matching" })
        {
            databases[service] = await FaultCluster.CreateDatabaseAsync($"{name}_{service}".ToLowerInvariant().Replace('-', '_'));
        }

        var stack = new Stack(vhost, databases);
        // Started side by side: process start-up is most of a scenario's time on a busy machine.
        var research = stack.StartServiceAsync("Research");
        var matching = stack.StartServiceAsync("Matching", matchingHook);
        var needs = stack.StartServiceAsync("Needs", needsHook);
        stack.Research = await research;
        stack.Matching = await matching;
        stack.Needs = await needs;
        return stack;
    }

    public Dictionary<string, string> Environment(string service)
    {
        var environment = new Dictionary<string, string>
        {
            ["Matchmaking__Bus__Transport"] = "RabbitMq",
            ["Matchmaking__Bus__RabbitMq__Host"] = "127.0.0.1",
            ["Matchmaking__Bus__RabbitMq__Port"] = FaultCluster.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Matchmaking__Bus__RabbitMq__VirtualHost"] = VirtualHost,
            ["Matchmaking__Storage__Provider"] = "Postgres",
            [$"ConnectionStrings__{service}"] = Databases[service],
        };
        if (service == "Matching")
        {
            environment["Matchmaking__Matching__IndexPath"] = _indexFolder;
        }

        return environment;
    }

    private async Task<ServiceProcess> StartServiceAsync(string service, string? hook = null)
    {
        var process = await ServiceProcess.StartAsync(service, Environment(service), hook);
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    public static HttpClient Client(string token, Uri? baseAddress = null)
    {
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20), BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A few technologies, so every need posted afterwards has suggestions (and so a suggestion to double).</summary>
    public async Task SeedTechnologiesAsync(int count = 5)
    {
        for (var i = 0; i < count; i++)
        {
            var response = await University.PostAsJsonAsync(new Uri(Research.BaseAddress, "api/technologies"), new
            {
                title = $"Cooling process that stops moulded parts from warping (variant {i})",
                summary = "Conformal cooling keeps the mould wall at one temperature, so moulded parts cool evenly and do not warp.",
                sector = "plastics",
                keywords = new[] { "warpage", "cooling", "moulding" },
                trl = 6,
                licenceModels = new[] { "non-exclusive" },
            });
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"seeding a technology: {(int)response.StatusCode}");
            }
        }

        await Eventually.UntilAsync(() => CountAsync("Matching", "SELECT COUNT(*) FROM listings WHERE kind = 'technology'"),
            n => n >= count, TimeSpan.FromSeconds(60), "the technologies in Matching");
    }

    /// <summary>
    /// Posts one need, retrying (same body) while the service or its database is away; returns its id once a 201 came
    /// back, or null when none did before the deadline. A retry after an answer that was lost could create a second
    /// need: the unique title shows it as a duplicate.
    /// </summary>
    public async Task<Guid?> PostNeedAsync(TimeSpan? patience = null)
    {
        var serial = Interlocked.Increment(ref _serial);
        var body = new
        {
            title = $"Moulded housings warp after cooling, batch FT{serial:D5}",
            problem = $"Our moulded housings of batch FT{serial:D5} warp after cooling and we scrap many of them.",
            sector = "plastics",
            keywords = new[] { "warpage", $"FT{serial:D5}" },
            minTrl = 4,
            visibility = "public",
        };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < (patience ?? TimeSpan.FromSeconds(60)))
        {
            try
            {
                var response = await Enterprise.PostAsJsonAsync(new Uri(Needs.BaseAddress, "api/needs"), body);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        return null;
    }

    public async Task<int> CountAsync(string service, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(Databases[service]);
        return await connection.ExecuteScalarAsync<int>(sql, parameters);
    }

    public async Task<HashSet<Guid>> NeedsInMatchingAsync()
    {
        await using var connection = new NpgsqlConnection(Databases["Matching"]);
        return (await connection.QueryAsync<string>("SELECT id FROM listings WHERE kind = 'need'")).Select(Guid.Parse).ToHashSet();
    }

    /// <summary>Waits until every sent need took effect in Matching (or the deadline), then counts the ledger.</summary>
    public async Task<(int Effects, int Lost, int Duplicated)> SettleAsync(IReadOnlyCollection<Guid> sent, TimeSpan? timeout = null)
    {
        HashSet<Guid> seen = [];
        try
        {
            seen = await Eventually.UntilAsync(NeedsInMatchingAsync, found => sent.All(found.Contains),
                timeout ?? TimeSpan.FromSeconds(120), "every sent need in Matching");
        }
        catch (TimeoutException)
        {
            seen = await NeedsInMatchingAsync();
        }

        var effects = sent.Count(seen.Contains);
        return (effects, sent.Count - effects, await DuplicatesAsync());
    }

    /// <summary>
    /// Doubled effects: a need stored twice by Needs (same unique title), a need event applied twice by Matching (more
    /// than one inbox row for the need's consumer than needs it knows), or suggestions announced twice for one listing.
    /// </summary>
    public async Task<int> DuplicatesAsync()
    {
        var needs = await CountAsync("Needs", "SELECT COUNT(*) - COUNT(DISTINCT title) FROM needs");
        var inbox = await CountAsync("Matching",
            "SELECT (SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'matching-need-posted') - (SELECT COUNT(*) FROM listings WHERE kind = 'need')");
        var suggestions = await CountAsync("Matching",
            """
            SELECT COUNT(*) FROM (
                SELECT body::json->>'listingId' FROM outbox_messages
                WHERE message_type LIKE 'Matchmaking.Matching.Contracts.MatchesSuggested,%'
                GROUP BY 1 HAVING COUNT(*) > 1) doubled
            """);
        return needs + Math.Max(0, inbox) + suggestions;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        University.Dispose();
        Enterprise.Dispose();
        try
        {
            Directory.Delete(_indexFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
