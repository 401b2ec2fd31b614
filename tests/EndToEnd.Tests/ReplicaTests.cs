using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Api;
using Matchmaking.Matching.Api;
using Matchmaking.Matching.Engine;
using Matchmaking.Needs.Api;
using Matchmaking.Portal;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>
/// Two replicas each of Needs and Matching (one of Research, Brokerage and the Portal) on one RabbitMQ virtual host and
/// one PostgreSQL database per service. A few hundred listings posted through the Portal's gateway end up in both
/// Matching replicas' own indexes, every pair is matched, and every effect happened once: one inbox row per event, one
/// match row per pair, one suggestion per match in Brokerage.
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Pairs = 150;

    private static readonly string[] Themes =
    [
        "injection moulded housings warp after cooling",
        "solder joints crack under thermal cycling",
        "stainless steel welds corrode in salt spray",
        "fried snacks absorb too much oil",
        "concrete slabs crack while curing in summer",
        "cotton fabric shrinks after dyeing",
        "lithium battery packs overheat when charged fast",
        "die cast aluminium parts show porosity",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly List<RunningService> _services = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("matchmaking-replicas-").FullName;
    private readonly Dictionary<string, string> _databases = [];
    private readonly ConcurrentDictionary<string, int> _consumed = new();
    private RunningService[] _matching = [];
    private RunningService[] _needs = [];
    private RunningService _portal = null!;

    public async ValueTask InitializeAsync()
    {
        var broker = await RabbitMqServer.CreateVirtualHostAsync("replicas");
        foreach (var name in new[] { "Research", "Needs", "Matching", "Brokerage", "Portal" })
        {
            _databases[name] = await PostgresServer.CreateDatabaseAsync(name.ToLowerInvariant());
        }

        async Task<RunningService> StartAsync(string name, Action<WebApplicationBuilder> add, Action<WebApplication> map,
            params KeyValuePair<string, string?>[] extra)
        {
            var configuration = broker.AsConfiguration()
                .Append(new("Matchmaking:Storage:Provider", "Postgres"))
                .Append(new($"ConnectionStrings:{name}", _databases[name]))
                .Concat(extra)
                .ToList();
            var service = await RunningService.StartAsync(configuration, add, map);
            lock (_services)
            {
                _services.Add(service);
            }

            return service;
        }

        KeyValuePair<string, string?> Instance(string id) => new("Matchmaking:InstanceId", id);

        // Replicas of one service start at once, so their migrations of the shared database race (advisory lock).
        var research = await StartAsync("Research", b => b.AddResearch(), a => a.MapResearch());
        _needs = await Task.WhenAll(
            StartAsync("Needs", b => b.AddNeeds(), a => a.MapNeeds(), Instance("needs-1")),
            StartAsync("Needs", b => b.AddNeeds(), a => a.MapNeeds(), Instance("needs-2")));
        _matching = await Task.WhenAll(
            StartAsync("Matching", b => b.AddMatching(), a => a.MapMatching(), Instance("matching-1"),
                new("Matchmaking:Matching:IndexPath", Path.Combine(_folder, "index-1"))),
            StartAsync("Matching", b => b.AddMatching(), a => a.MapMatching(), Instance("matching-2"),
                new("Matchmaking:Matching:IndexPath", Path.Combine(_folder, "index-2"))));
        for (var i = 0; i < _matching.Length; i++)
        {
            var replica = $"matching-{i + 1}";
            _matching[i].Services.GetRequiredService<IBus>().ConnectConsumeObserver(new QueueCounter(replica, _consumed));
        }

        var brokerage = await StartAsync("Brokerage", b => b.AddBrokerage(), a => a.MapBrokerage());
        _portal = await StartAsync("Portal", b => b.AddPortal(), a => a.MapPortal(),
            new("Matchmaking:Gateway:Research", research.BaseAddress.ToString()),
            new("Matchmaking:Gateway:Needs", string.Join(';', _needs.Select(n => n.BaseAddress))),
            new("Matchmaking:Gateway:Matching", string.Join(';', _matching.Select(m => m.BaseAddress))),
            new("Matchmaking:Gateway:Brokerage", brokerage.BaseAddress.ToString()));
    }

    [Fact]
    public async Task Every_listing_is_indexed_by_every_Matching_replica_and_matched_once()
    {
        var flow = new Flow(_portal.BaseAddress, output);
        using var university = flow.Client(TestUsers.New(Roles.University).Token);
        using var enterprise = flow.Client(TestUsers.New(Roles.Enterprise).Token);

        // Each pair shares a made-up model code, so a need's own technology is its best candidate.
        var pairs = new (Guid Technology, Guid Need)[Pairs];
        await Parallel.ForEachAsync(Enumerable.Range(0, Pairs), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (i, ct) =>
            {
                var code = $"RQ{i:D4}{(char)('A' + i % 26)}{(char)('K' + i / 26 % 10)}";
                var theme = Themes[i % Themes.Length];
                var technology = await PostAsync(university, "/api/technologies", new
                {
                    title = $"A process for {code} parts: prevents that {theme}",
                    summary = $"Our laboratory method for {code} components stops the defect where {theme}, tested on production lines.",
                    sector = "plastics",
                    keywords = new[] { code, "defect", "process" },
                    trl = 6,
                    licenceModels = new[] { "non-exclusive" },
                }, ct);
                var need = await PostAsync(enterprise, "/api/needs", new
                {
                    title = $"Our {code} products: {theme}",
                    problem = $"On our {code} line {theme}, and we scrap about 5% of the output.",
                    sector = "plastics",
                    keywords = new[] { code, "scrap" },
                    minTrl = 4,
                    visibility = "public",
                }, ct);
                pairs[i] = (technology, need);
            });

        var ids = pairs.SelectMany(p => new[] { p.Technology, p.Need }).ToList();
        for (var r = 0; r < _matching.Length; r++)
        {
            var index = _matching[r].Services.GetRequiredService<IListingIndex>();
            var missing = await Eventually.UntilAsync(
                () => Task.FromResult(ids.Count(id => index.Get(id) is null)),
                count => count == 0, TimeSpan.FromSeconds(180), $"all {ids.Count} listings in replica matching-{r + 1}'s index");
            Assert.Equal(0, missing);
        }

        await using var matching = new NpgsqlConnection(_databases["Matching"]);
        await using var brokerage = new NpgsqlConnection(_databases["Brokerage"]);

        // Every event processed by exactly one replica, once.
        var inbox = await Eventually.UntilAsync(
            async () => (await matching.QueryAsync<(string Consumer, long Count)>(
                "SELECT consumer, COUNT(*) FROM inbox_messages GROUP BY consumer")).ToDictionary(r => r.Consumer, r => r.Count),
            rows => rows.GetValueOrDefault("matching-technology-published") == Pairs && rows.GetValueOrDefault("matching-need-posted") == Pairs,
            TimeSpan.FromSeconds(120), "every listing event in the Matching inbox");
        Assert.Equal(2, inbox.Count);

        // Every pair found (whichever replica matched which side), one row per pair.
        var twins = pairs.Select(p => $"{p.Technology:D}/{p.Need:D}").ToHashSet();
        var found = await Eventually.UntilAsync(
            async () => (await matching.QueryAsync<string>("SELECT technology_id || '/' || need_id FROM matches WHERE active = 1"))
                .Where(twins.Contains).Count(),
            count => count == Pairs, TimeSpan.FromSeconds(60), "every pair among the matches");
        Assert.Equal(Pairs, found);
        var duplicates = await matching.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) - COUNT(DISTINCT (technology_id, need_id)) FROM matches");
        Assert.Equal(0, duplicates);

        // At least one MatchesSuggested per listing event that suggested something; more come from listings matched
        // again once their sentence vectors exist (either replica may do it), which announce only new suggestions: no
        // listing announced one suggestion twice.
        const string SuggestedEvents =
            "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE 'Matchmaking.Matching.Contracts.MatchesSuggested,%'";
        Assert.InRange(await matching.ExecuteScalarAsync<long>(SuggestedEvents), Pairs, long.MaxValue);
        var announcedTwice = await matching.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM (
                SELECT body::json->>'listingId', suggestion->>'matchId'
                FROM outbox_messages, json_array_elements(body::json->'matches') suggestion
                WHERE message_type LIKE 'Matchmaking.Matching.Contracts.MatchesSuggested,%'
                GROUP BY 1, 2 HAVING COUNT(*) > 1) doubled
            """);
        Assert.Equal(0, announcedTwice);

        // Brokerage took each event once and each match once.
        var (suggestedEvents, brokerageInbox) = await Eventually.UntilAsync(
            async () => (await matching.ExecuteScalarAsync<long>(SuggestedEvents),
                await brokerage.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'brokerage-matches-suggested'")),
            counts => counts.Item1 == counts.Item2, TimeSpan.FromSeconds(60), "Brokerage to take every MatchesSuggested");
        Assert.Equal(suggestedEvents, brokerageInbox);
        var matchIds = (await matching.QueryAsync<string>("SELECT match_id FROM matches")).ToHashSet();
        var brokered = await Eventually.UntilAsync(
            async () => (await brokerage.QueryAsync<string>("SELECT match_id FROM suggestions")).ToList(),
            rows => rows.Count >= matchIds.Count, TimeSpan.FromSeconds(60), "Brokerage to hold every suggested match");
        Assert.Equal(brokered.Count, brokered.Distinct().Count());
        Assert.Subset(matchIds, brokered.ToHashSet());

        // Both replicas competed for the shared queues, and each read every event from its own index queue.
        foreach (var (queue, count) in _consumed.OrderBy(c => c.Key))
        {
            output.WriteLine($"{queue}: {count} consumed");
        }

        for (var r = 1; r <= _matching.Length; r++)
        {
            Assert.True(_consumed.GetValueOrDefault($"matching-{r}:matching-need-posted") > 0, $"matching-{r} matched no need");
            Assert.Equal(2 * Pairs, _consumed.GetValueOrDefault($"matching-{r}:matching-index-matching-{r}"));
        }

        Assert.Equal(Pairs, _consumed.Where(c => c.Key.EndsWith(":matching-need-posted", StringComparison.Ordinal)).Sum(c => c.Value));
    }

    private static async Task<Guid> PostAsync(HttpClient client, string path, object body, CancellationToken ct)
    {
        var response = await client.PostAsJsonAsync(path, body, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Counts successful consumptions per replica and queue ("matching-1:matching-need-posted").</summary>
    private sealed class QueueCounter(string replica, ConcurrentDictionary<string, int> counts) : IConsumeObserver
    {
        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            var queue = context.ReceiveContext.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "?";
            counts.AddOrUpdate($"{replica}:{queue}", 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
