using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Matchmaking.Brokerage.Api.Notifications;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Npgsql;
using Xunit;

namespace Matchmaking.Faults.Tests;

/// <summary>
/// Research, Needs, Matching and Brokerage as real processes on the private servers, each with its own database, on a
/// virtual host of their own; plus the client side of the ledger (what was sent and acknowledged) and the probes that
/// count effects (needs that took effect in Matching and, at the end of the chain, in Brokerage's suggestions and
/// notifications; suggestions announced or told more than once).
/// </summary>
public sealed class Stack : IAsyncDisposable
{
    private readonly string _indexFolder = Directory.CreateTempSubdirectory("matchmaking-faults-index-").FullName;
    private readonly List<ServiceProcess> _processes = [];
    private int _serial;
    private int _serverErrors;

    private Stack(string vhost, Dictionary<string, string> databases)
    {
        VirtualHost = vhost;
        Databases = databases;
        University = Client(TestUsers.New(Roles.University).Token);
        Enterprise = Client(TestUsers.New(Roles.Enterprise).Token);
        Staff = Client(TestUsers.New(Roles.Staff).Token);
    }

    public string VirtualHost { get; }

    public Dictionary<string, string> Databases { get; }

    public ServiceProcess Research { get; private set; } = null!;

    public ServiceProcess Needs { get; private set; } = null!;

    public ServiceProcess Matching { get; private set; } = null!;

    public ServiceProcess Brokerage { get; private set; } = null!;

    /// <summary>Answers to posts that were a 5xx other than 503 (a fault must give 503 and a retry, never a 500).</summary>
    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public HttpClient University { get; }

    public HttpClient Enterprise { get; }

    public HttpClient Staff { get; }

    public static async Task<Stack> StartAsync(string name)
    {
        // The virtual host (two rabbitmqctl calls, seconds each) and the databases side by side.
        string[] services = ["Research", "Needs", "Matching", "Brokerage"];
        var vhost = FaultCluster.CreateVirtualHostAsync(name);
        var created = await Task.WhenAll(services.Select(service =>
            FaultCluster.CreateDatabaseAsync($"{name}_{service}".ToLowerInvariant().Replace('-', '_'))));
        var databases = services.Zip(created).ToDictionary(pair => pair.First, pair => pair.Second);

        var stack = new Stack(await vhost, databases);
        // Started side by side: process start-up is most of a scenario's time on a busy machine.
        var research = stack.StartServiceAsync("Research");
        var matching = stack.StartServiceAsync("Matching");
        var needs = stack.StartServiceAsync("Needs");
        var brokerage = stack.StartServiceAsync("Brokerage");
        stack.Research = await research;
        stack.Matching = await matching;
        stack.Needs = await needs;
        stack.Brokerage = await brokerage;
        return stack;
    }

    public Dictionary<string, string> Environment(string service)
    {
        var settings = FaultCluster.ServiceSettings(VirtualHost);
        settings[$"ConnectionStrings:{service}"] = Databases[service];
        if (service == "Matching")
        {
            settings["Matchmaking:Matching:IndexPath"] = _indexFolder;
        }

        return FaultCluster.AsEnvironment(settings);
    }

    private async Task<ServiceProcess> StartServiceAsync(string service)
    {
        var process = await ServiceProcess.StartAsync(service, Environment(service));
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>
    /// Brings the shared stack back to its plain state before a scenario, whatever the one before left behind: the
    /// private servers up, every service running without a test hook and ready. Nothing is restarted that need not be.
    /// </summary>
    public async Task ReviveAsync()
    {
        await FaultCluster.EnsurePostgresAsync();
        await FaultCluster.EnsureBrokerAsync();
        await Task.WhenAll(new[] { Research, Needs, Matching, Brokerage }.Select(async process =>
        {
            if (process.Hook is not null && !process.HasExited)
            {
                await process.KillAsync();
            }

            if (process.HasExited)
            {
                await process.RestartAsync();
            }
            else
            {
                await process.WaitUntilAsync("/health/ready", ok: true, TimeSpan.FromSeconds(120));
            }
        }));
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
    /// Posts one need, retrying (same body, same <c>Idempotency-Key</c>) while the service or its database is away;
    /// returns its id once a 201 came back, or null when none did before the deadline. A database that dies between its
    /// commit and the answer leaves the client not knowing whether the need exists; the key makes the retry return the
    /// need the lost answer was about instead of creating a second one (the unique title would show it as doubled).
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
        var key = $"fault-need-{serial}";
        return await CreatedAsync(Enterprise, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Needs.BaseAddress, "api/needs")) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }, patience);
    }

    /// <summary>
    /// Staff open a deal on a suggestion, retrying while Brokerage is away; returns the deal's id once a 201 came back,
    /// or null when none did before the deadline.
    /// </summary>
    public Task<Guid?> OpenDealAsync(Guid matchId, TimeSpan? patience = null) =>
        CreatedAsync(Staff, () => new HttpRequestMessage(HttpMethod.Post, new Uri(Brokerage.BaseAddress, "api/deals"))
        {
            Content = JsonContent.Create(new { matchId }),
        }, patience);

    /// <summary>
    /// Sends a fresh copy of <paramref name="request"/> every 250 ms until one is answered 201, and returns the id of what
    /// it created; null when none was before the deadline (default 60 s). A 5xx other than 503 is counted in
    /// <see cref="ServerErrors"/>.
    /// </summary>
    private async Task<Guid?> CreatedAsync(HttpClient client, Func<HttpRequestMessage> request, TimeSpan? patience)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < (patience ?? TimeSpan.FromSeconds(60)))
        {
            try
            {
                using var sent = request();
                var response = await client.SendAsync(sent);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                }

                if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref _serverErrors);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        return null;
    }

    /// <summary>One suggestion Brokerage holds for each of <paramref name="needs"/> that has one.</summary>
    public async Task<Dictionary<Guid, Guid>> SuggestionsAsync(IReadOnlyCollection<Guid> needs)
    {
        await using var connection = new NpgsqlConnection(Databases["Brokerage"]);
        return (await connection.QueryAsync<(string Need, string Match)>(
                "SELECT need_id, MIN(match_id) FROM suggestions WHERE need_id = ANY(@ids) GROUP BY need_id",
                new { ids = needs.Select(id => id.ToString("D")).ToArray() }))
            .ToDictionary(row => Guid.Parse(row.Need), row => Guid.Parse(row.Match));
    }

    /// <summary>
    /// Waits until the deal opened on each of <paramref name="needs"/> reached every service that consumes deal events
    /// (its opening event in the inbox of Matching, Needs and Research, and its pair accepted in Matching), or the
    /// deadline; then counts the ledger as <see cref="SettleAsync"/> does, a need without such a deal being lost.
    /// </summary>
    public async Task<(int Effects, int Lost, int Duplicated)> SettleDealsAsync(
        IReadOnlyCollection<Guid> needs, int duplicatesBefore, ITestOutputHelper output)
    {
        async Task<List<Guid>> ArrivedAsync()
        {
            var ids = needs.Select(id => id.ToString("D")).ToArray();
            await using var brokerage = new NpgsqlConnection(Databases["Brokerage"]);
            var opened = (await brokerage.QueryAsync<(string Need, string Match, string Event)>(
                """
                SELECT d.need_id, d.match_id, o.id
                FROM deals d
                JOIN outbox_messages o ON o.message_type LIKE 'Matchmaking.Brokerage.Contracts.DealStageChanged,%'
                                      AND o.body::json->>'dealId' = d.id AND o.body::json->>'fromStage' IS NULL
                WHERE d.need_id = ANY(@ids)
                """, new { ids })).ToList();
            var events = opened.Select(row => row.Event).ToArray();
            var consumed = new List<HashSet<string>>();
            (string Service, string Consumer)[] consumers =
                [("Matching", "matching-deal-stage-changed"), ("Needs", "needs-deal-stage-changed"), ("Research", "research-deal-stage-changed")];
            foreach (var (service, consumer) in consumers)
            {
                await using var connection = new NpgsqlConnection(Databases[service]);
                consumed.Add((await connection.QueryAsync<string>(
                    "SELECT message_id FROM inbox_messages WHERE consumer = @consumer AND message_id = ANY(@events)",
                    new { consumer, events })).ToHashSet());
            }

            await using var matching = new NpgsqlConnection(Databases["Matching"]);
            var accepted = (await matching.QueryAsync<string>(
                "SELECT match_id FROM matches WHERE match_id = ANY(@matches) AND status = 'accepted'",
                new { matches = opened.Select(row => row.Match).ToArray() })).ToHashSet();
            return opened.Where(row => consumed.All(inbox => inbox.Contains(row.Event)) && accepted.Contains(row.Match))
                .Select(row => Guid.Parse(row.Need)).Distinct().ToList();
        }

        List<Guid> arrived;
        try
        {
            arrived = await Eventually.UntilAsync(ArrivedAsync, found => found.Count == needs.Count, TimeSpan.FromSeconds(120),
                "every deal's event in Matching, Needs and Research");
        }
        catch (TimeoutException)
        {
            arrived = await ArrivedAsync();
        }

        var lost = needs.Except(arrived).ToList();
        foreach (var need in lost)
        {
            output.WriteLine($"lost: the deal on need {need} did not reach every service that consumes deal events");
        }

        var duplicated = Math.Max(0, await DuplicatesAsync(output) - duplicatesBefore);
        return (needs.Count - lost.Count, lost.Count, duplicated);
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

    /// <summary>
    /// Waits until every sent need took effect in Matching and then in Brokerage (or the deadline), then counts the
    /// ledger: effects among the sent, the lost (with where each was lost: never stored by Needs although it answered
    /// 201, stored and not delivered to Matching, or matched and not suggested or told in Brokerage), and doubled
    /// effects beyond <paramref name="duplicatesBefore"/> (what the stack held before).
    /// </summary>
    public async Task<(int Effects, int Lost, int Duplicated)> SettleAsync(
        IReadOnlyCollection<Guid> sent, int duplicatesBefore, ITestOutputHelper output, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var patience = timeout ?? TimeSpan.FromSeconds(120);
        HashSet<Guid> seen = [];
        try
        {
            seen = await Eventually.UntilAsync(NeedsInMatchingAsync, found => sent.All(found.Contains),
                patience, "every sent need in Matching");
        }
        catch (TimeoutException)
        {
            seen = await NeedsInMatchingAsync();
        }

        // Then the end of the chain: what Matching announced for each need, suggested and told in Brokerage.
        Dictionary<Guid, BrokerageEffect> told;
        try
        {
            told = await Eventually.UntilAsync(() => BrokerageEffectsAsync(sent),
                effects => sent.Where(seen.Contains).All(id => effects[id].Complete),
                TimeSpan.FromSeconds(Math.Max(30, (patience - clock.Elapsed).TotalSeconds)),
                "every sent need's suggestions and notifications in Brokerage");
        }
        catch (TimeoutException)
        {
            told = await BrokerageEffectsAsync(sent);
        }

        var lost = sent.Where(id => !seen.Contains(id) || !told[id].Complete).ToList();
        if (lost.Count > 0)
        {
            await using var connection = new NpgsqlConnection(Databases["Needs"]);
            var stored = (await connection.QueryAsync<string>("SELECT id FROM needs")).Select(Guid.Parse).ToHashSet();
            var unsent = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL");
            foreach (var id in lost)
            {
                output.WriteLine($"lost {id}: {(seen.Contains(id) ? $"in Matching, not all in Brokerage ({told[id]})"
                    : stored.Contains(id) ? "stored by Needs, not in Matching" : "answered 201 by Needs but not stored")}");
            }

            output.WriteLine($"{unsent} outbox rows of Needs still unsent");
        }

        // A pair never told to staff is lost whichever scenario lost it.
        var untoldToStaff = Math.Max(0, -await StaffToldBeyondSuggestionsAsync());
        if (untoldToStaff > 0)
        {
            output.WriteLine($"lost: {untoldToStaff} suggestions in Brokerage that staff were never told of");
        }

        var effects = sent.Count - lost.Count;
        var duplicated = Math.Max(0, await DuplicatesAsync(output) - duplicatesBefore);
        return (effects, lost.Count + untoldToStaff, duplicated);
    }

    /// <summary>
    /// Doubled effects: a need stored twice by Needs (same unique title), a need event applied twice by Matching (more
    /// than one inbox row for the need's consumer than needs it knows), one suggestion (a match id) announced twice for
    /// one listing, and in Brokerage a pair told twice to the need's owner or to staff, or a deal's opening announced twice.
    /// A listing matched again once its sentence vector exists announces only suggestions that are new, so a second
    /// MatchesSuggested for a listing is a doubled effect only where it repeats a suggestion.
    /// </summary>
    public async Task<int> DuplicatesAsync(ITestOutputHelper? output = null)
    {
        var needs = await CountAsync("Needs", "SELECT COUNT(*) - COUNT(DISTINCT title) FROM needs");
        var inbox = await CountAsync("Matching",
            "SELECT (SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'matching-need-posted') - (SELECT COUNT(*) FROM listings WHERE kind = 'need')");
        var suggestions = await CountAsync("Matching",
            """
            SELECT COUNT(*) FROM (
                SELECT body::json->>'listingId', suggestion->>'matchId'
                FROM outbox_messages, json_array_elements(body::json->'matches') suggestion
                WHERE message_type LIKE 'Matchmaking.Matching.Contracts.MatchesSuggested,%'
                GROUP BY 1, 2 HAVING COUNT(*) > 1) doubled
            """);
        var toOwners = (await BrokerageEffectsAsync(await NeedsInMatchingAsync())).Values
            .Sum(effect => Math.Max(0, effect.NeedOwnerTold - effect.Announced));
        var toStaff = await StaffToldBeyondSuggestionsAsync();
        // A deal opened once has one opening event: a second would be applied again by every consumer.
        var dealEvents = await CountAsync("Brokerage",
            """
            SELECT COUNT(*) - COUNT(DISTINCT body::json->>'dealId') FROM outbox_messages
            WHERE message_type LIKE 'Matchmaking.Brokerage.Contracts.DealStageChanged,%' AND body::json->>'fromStage' IS NULL
            """);
        output?.WriteLine($"doubled so far in this stack: needs stored twice {needs}, need events applied twice {Math.Max(0, inbox)}, "
            + $"suggestions announced twice {suggestions}, pairs told twice to need owners {toOwners}, "
            + $"staff told of {toStaff} pairs more than Brokerage suggested (fewer when negative), deals announced twice {dealEvents}");
        return needs + Math.Max(0, inbox) + suggestions + toOwners + Math.Max(0, toStaff) + dealEvents;
    }

    /// <summary>
    /// Staff hear of every new suggestion once, in the transaction that stores it, so what they were told adds up to the
    /// suggestions Brokerage holds: more is a pair told twice, fewer a pair never told (one statement, one snapshot).
    /// </summary>
    public Task<int> StaffToldBeyondSuggestionsAsync() => CountAsync("Brokerage",
        """
        SELECT (SELECT COALESCE(SUM((template::json->'args'->>'count')::int), 0)
                FROM notifications WHERE audience = 'staff' AND kind = 'match-found' AND template::json->>'key' = 'staff-suggestions')
             - (SELECT COUNT(*) FROM suggestions)
        """);

    /// <summary>
    /// What Brokerage made of each need's suggestions: the pairs Matching announced for the need (in its
    /// <c>MatchesSuggested</c> events), how many of them Brokerage holds as suggestions, how many its owner was told of
    /// (by each notification's template: need-matches with its count, need-match one), and how many technology owners
    /// were told of a pair with it (one notification each; the needs posted here are public, so every pair is told).
    /// </summary>
    public async Task<Dictionary<Guid, BrokerageEffect>> BrokerageEffectsAsync(IReadOnlyCollection<Guid> needs)
    {
        var ids = needs.Select(id => id.ToString("D")).ToArray();
        // Brokerage first, Matching after: Brokerage holds only what Matching announced before it, so a computation
        // announced in between shows as not arrived yet, never as told twice.
        List<(string Need, string Match)> suggested;
        List<(string Link, string? Template, string Key)> notices;
        await using (var brokerage = new NpgsqlConnection(Databases["Brokerage"]))
        {
            await brokerage.OpenAsync();
            await using var snapshot = await brokerage.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
            suggested = (await brokerage.QueryAsync<(string, string)>(
                "SELECT need_id, match_id FROM suggestions WHERE need_id = ANY(@ids)", new { ids }, snapshot)).ToList();
            // The need's owner's (linked to the need) and the technology owners' pair notifications (the need's id third
            // in the key); the rest of the inbox is not read.
            notices = (await brokerage.QueryAsync<(string, string?, string)>(
                """
                SELECT link, template, dedupe_key FROM notifications
                WHERE audience = 'organisation' AND kind = 'match-found'
                  AND (link = ANY(@links) OR split_part(dedupe_key, ':', 3) = ANY(@ids))
                """,
                new { links = ids.Select(id => $"/needs/{id}").ToArray(), ids }, snapshot)).ToList();
        }

        await using var matching = new NpgsqlConnection(Databases["Matching"]);
        var announced = (await matching.QueryAsync<(string Listing, string Match)>(
                """
                SELECT DISTINCT body::json->>'listingId', suggestion->>'matchId'
                FROM outbox_messages, json_array_elements(body::json->'matches') suggestion
                WHERE message_type LIKE 'Matchmaking.Matching.Contracts.MatchesSuggested,%' AND body::json->>'listingId' = ANY(@ids)
                """, new { ids }))
            .ToLookup(row => row.Listing, row => row.Match);

        var suggestedByNeed = suggested.ToLookup(row => row.Need, row => row.Match);
        var needOwnerTold = new Dictionary<string, int>();
        var technologyOwnersTold = new Dictionary<string, int>();
        foreach (var (link, template, key) in notices)
        {
            if (link.StartsWith("/needs/", StringComparison.Ordinal))
            {
                var need = link["/needs/".Length..];
                needOwnerTold[need] = needOwnerTold.GetValueOrDefault(need) + ToldCount(template);
            }
            else if (link.StartsWith("/technologies/", StringComparison.Ordinal) && key.Split(':') is [_, _, var pairNeed, _])
            {
                // A pair's own notification: match-found:{technology}:{need}:{organisation}.
                technologyOwnersTold[pairNeed] = technologyOwnersTold.GetValueOrDefault(pairNeed) + 1;
            }
        }

        return ids.ToDictionary(Guid.Parse, id =>
        {
            var pairs = announced[id].ToHashSet();
            return new BrokerageEffect(
                pairs.Count, suggestedByNeed[id].Count(pairs.Contains), needOwnerTold.GetValueOrDefault(id), technologyOwnersTold.GetValueOrDefault(id));
        });
    }

    // How many pairs a need owner's notification tells of, by its template: need-matches {count}, need-match one; none
    // (no template, another key) counts none, so a notification that says nothing countable shows as pairs lost.
    private static int ToldCount(string? template) => NotificationTemplate.FromJson(template) switch
    {
        { Key: "need-matches" } told => int.Parse(told.Args["count"], System.Globalization.CultureInfo.InvariantCulture),
        { Key: "need-match" } => 1,
        _ => 0,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        University.Dispose();
        Enterprise.Dispose();
        Staff.Dispose();
        try
        {
            Directory.Delete(_indexFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A steady stream of need posts in the background, one at a time 50 ms apart, each retried until Needs stores it (see
/// <see cref="Stack.PostNeedAsync"/>); what was acknowledged is the sent side of the ledger.
/// </summary>
public sealed class PostStream : IAsyncDisposable
{
    private readonly List<Guid> _sent = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PostStream(Stack stack) => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            if (await stack.PostNeedAsync() is { } id)
            {
                lock (_sent)
                {
                    _sent.Add(id);
                }
            }

            await Task.Delay(50, CancellationToken.None);
        }
    });

    public int Count
    {
        get
        {
            lock (_sent)
            {
                return _sent.Count;
            }
        }
    }

    /// <summary>Waits until <paramref name="more"/> further posts were acknowledged.</summary>
    public async Task WaitForMoreAsync(int more, string what)
    {
        var target = Count + more;
        await Eventually.UntilAsync(() => Task.FromResult(Count), n => n >= target, TimeSpan.FromSeconds(90), what);
    }

    /// <summary>Stops posting (the post in flight finishes) and returns every acknowledged need.</summary>
    public async Task<List<Guid>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_sent)
        {
            return [.. _sent];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}

/// <summary>One need's suggestions at the end of the chain (see <see cref="Stack.BrokerageEffectsAsync"/>).</summary>
public sealed record BrokerageEffect(int Announced, int Suggested, int NeedOwnerTold, int TechnologyOwnersTold)
{
    /// <summary>
    /// Pairs announced, and every one suggested in Brokerage and told to both owners. None announced is not complete: the
    /// stack is seeded with technologies every need posted here matches, so a need without a pair lost its announcement.
    /// </summary>
    public bool Complete =>
        Announced > 0 && Suggested == Announced && NeedOwnerTold == Announced && TechnologyOwnersTold == Announced;
}
