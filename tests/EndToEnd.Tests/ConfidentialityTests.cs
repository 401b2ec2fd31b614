using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaking.Host;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>
/// Over the one-process Host (every service, the real bus between them): the authorisation matrix (every role ×
/// another organisation's objects × every by-id route and action → refused) and the leak test (a staff-only need's
/// unique words appear in no answer to anyone but its owner and staff).
/// </summary>
public sealed class ConfidentialityTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"matchmaking-confidential-{Guid.NewGuid():N}");
    private RunningService _host = null!;

    private readonly TestUser _universityA = TestUsers.New(Roles.University);
    private readonly TestUser _enterpriseA = TestUsers.New(Roles.Enterprise);
    private readonly TestUser _universityB = TestUsers.New(Roles.University);
    private readonly TestUser _enterpriseB = TestUsers.New(Roles.Enterprise);
    private readonly TestUser _staff = TestUsers.New(Roles.Staff);
    private readonly TestUser _admin = TestUsers.New(Roles.Admin);

    public async ValueTask InitializeAsync()
    {
        var builder = HostComposition.CreateBuilder([], [
            new("urls", "http://127.0.0.1:0"),
            new("Matchmaking:DataDirectory", _dataDirectory),
            new("Matchmaking:Seed", "false"),
        ]);
        var app = builder.Build();
        HostComposition.MapAll(app);
        _host = await RunningService.StartAsync(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Every_role_is_refused_every_by_id_route_and_action_on_another_organisations_objects()
    {
        var world = await WorldAsync("public", UniqueWord());
        var notification = (await GetJsonAsync(_enterpriseA, "/api/notifications")).GetProperty("items")[0].GetProperty("id").GetGuid();
        var technologyBody = new { title = "Changed", summary = "Changed summary.", sector = "moulds-dies", keywords = new[] { "x" }, trl = 5 };
        var needBody = new { title = "Changed", problem = "Changed problem.", sector = "moulds-dies" };

        var actions = new (string Method, string Path, object? Body, string[] Roles)[]
        {
            ("PUT", $"/api/technologies/{world.TechnologyId}", technologyBody, [Roles.University, Roles.Enterprise]),
            ("POST", $"/api/technologies/{world.TechnologyId}/withdraw", null, [Roles.University, Roles.Enterprise]),
            ("GET", $"/api/technologies/{world.TechnologyId}/matches", null, [Roles.University, Roles.Enterprise]),
            ("PUT", $"/api/needs/{world.NeedId}", needBody, [Roles.University, Roles.Enterprise]),
            ("POST", $"/api/needs/{world.NeedId}/close", null, [Roles.University, Roles.Enterprise]),
            ("GET", $"/api/needs/{world.NeedId}/matches", null, [Roles.University, Roles.Enterprise]),
            ("POST", $"/api/matches/{world.MatchId}/interest", new { message = "me too" }, [Roles.University, Roles.Enterprise]),
            ("POST", $"/api/matches/{world.MatchId}/feedback", new { verdict = "not-relevant", reason = "other" }, [Roles.University, Roles.Enterprise]),
            ("GET", $"/api/deals/{world.DealId}", null, [Roles.University, Roles.Enterprise]),
            ("POST", $"/api/deals/{world.DealId}/stage", new { stage = "introduced" }, [Roles.University, Roles.Enterprise]),
            ("POST", $"/api/deals/{world.DealId}/notes", new { text = "mine" }, [Roles.University, Roles.Enterprise]),
            ("POST", $"/api/notifications/{notification}/read", null, [Roles.University, Roles.Enterprise, Roles.Staff, Roles.Admin]),
            ("GET", "/api/matches?status=new", null, [Roles.University, Roles.Enterprise]),
            ("POST", "/api/deals", new { matchId = world.MatchId }, [Roles.University, Roles.Enterprise]),
            ("GET", "/api/audit", null, [Roles.University, Roles.Enterprise, Roles.Staff]),
            ("GET", "/api/reports/funnel", null, [Roles.University, Roles.Enterprise]),
        };
        var callers = new Dictionary<string, TestUser>
        {
            [Roles.University] = _universityB,
            [Roles.Enterprise] = _enterpriseB,
            [Roles.Staff] = _staff,
            [Roles.Admin] = _admin,
        };

        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (method, path, body, roles) in actions)
        {
            foreach (var role in roles)
            {
                using var response = await SendAsync(callers[role], method, path, body);
                checkedCount++;
                if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                {
                    failures.Add($"{role} {method} {path} → {(int)response.StatusCode}");
                }

                var text = await response.Content.ReadAsStringAsync(Ct);
                if (text.Contains(world.Word, StringComparison.Ordinal))
                {
                    failures.Add($"{role} {method} {path} answered with the listing's text");
                }
            }
        }

        // Reading another organisation's technology is allowed, but not its NDA details.
        foreach (var caller in new[] { _universityB, _enterpriseB, _enterpriseA })
        {
            var technology = await GetJsonAsync(caller, $"/api/technologies/{world.TechnologyId}");
            Assert.Equal(JsonValueKind.Null, technology.GetProperty("details").ValueKind);
            Assert.True(technology.GetProperty("detailsLocked").GetBoolean());
        }

        Assert.True(checkedCount >= 30, $"only {checkedCount} combinations checked");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The owners themselves are not refused (the matrix is not trivially satisfied).
        using var own = await SendAsync(_enterpriseA, "GET", $"/api/deals/{world.DealId}", null);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_staff_only_needs_unique_words_appear_in_no_answer_to_any_other_role()
    {
        var word = UniqueWord();
        var world = await WorldAsync("staff-only", word);

        // Insiders do find it, so the probes below would see it if it leaked.
        Assert.Contains(word, await GetTextAsync(_staff, $"/api/search?q={word}"), StringComparison.Ordinal);
        Assert.Contains(word, await GetTextAsync(_enterpriseA, $"/api/needs?q={word}"), StringComparison.Ordinal);

        var probes = new[]
        {
            $"/api/search?q={word}", $"/api/search?q={word}&type=need", "/api/search?q=warpage%20injection%20moulding",
            $"/api/needs?q={word}", "/api/needs?pageSize=100", $"/api/needs/{world.NeedId}",
            $"/api/technologies/{world.TechnologyId}/matches", "/api/interests", $"/api/interests?technologyId={world.TechnologyId}",
            "/api/notifications?pageSize=100", "/api/deals?mine=true", $"/api/deals/{world.DealId}",
        };
        var failures = new List<string>();
        foreach (var caller in new[] { _universityA, _universityB, _enterpriseB })
        {
            foreach (var probe in probes)
            {
                using var response = await SendAsync(caller, "GET", probe, null);
                var text = await response.Content.ReadAsStringAsync(Ct);
                if (text.Contains(word, StringComparison.Ordinal) || text.Contains(world.NeedId.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{caller.Role} GET {probe} ({(int)response.StatusCode}) leaks the staff-only need: {text[..Math.Min(300, text.Length)]}");
                }
            }

            // Facet counts do not count it either.
            var search = await GetJsonAsync(caller, $"/api/search?q={word}");
            Assert.Equal(0, search.GetProperty("total").GetInt32());
            Assert.All(search.GetProperty("facets").GetProperty("sector").EnumerateObject(), facet => Assert.Equal(0, facet.Value.GetInt32()));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private sealed record World(Guid TechnologyId, Guid NeedId, Guid MatchId, Guid DealId, string Word);

    /// <summary>University A's technology, enterprise A's need (with <paramref name="word"/>), their match, A's interest, and a deal staff opened.</summary>
    private async Task<World> WorldAsync(string visibility, string word)
    {
        var technology = await PostJsonAsync(_universityA, "/api/technologies", new
        {
            title = "Conformal cooling channels for injection moulds",
            summary = "Metal 3D printed mould inserts with conformal cooling reduce warpage and cycle time in injection moulding.",
            details = $"Confidential process window {word}.",
            sector = "moulds-dies",
            keywords = new[] { "conformal cooling", "warpage" },
            trl = 6,
        }, HttpStatusCode.Created);
        var technologyId = technology.GetProperty("id").GetGuid();
        var need = await PostJsonAsync(_enterpriseA, "/api/needs", new
        {
            title = $"Warpage of injection moulded parts {word}",
            problem = $"Our {word} housings show warpage after injection moulding; we need better mould cooling to cut the cycle time.",
            sector = "moulds-dies",
            keywords = new[] { "warpage", "injection moulding", word },
            visibility,
        }, HttpStatusCode.Created);
        var needId = need.GetProperty("id").GetGuid();

        var matches = await Eventually.UntilAsync(
            () => GetJsonAsync(_enterpriseA, $"/api/needs/{needId}/matches"),
            m => m.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("technologyId").GetGuid() == technologyId),
            TimeSpan.FromMinutes(2),
            "the need to be matched with the technology");
        var matchId = matches.GetProperty("items").EnumerateArray()
            .First(i => i.GetProperty("technologyId").GetGuid() == technologyId).GetProperty("matchId").GetGuid();
        await PostJsonAsync(_enterpriseA, $"/api/matches/{matchId}/interest", new { message = $"Interested {word}" }, HttpStatusCode.Created);
        await Eventually.UntilAsync(
            async () => (await GetJsonAsync(_staff, $"/api/deals?pageSize=1")).GetProperty("total").GetInt32() >= 0
                        && (await SendAsync(_staff, "POST", "/api/deals", new { matchId })).StatusCode is var status ? status : HttpStatusCode.InternalServerError,
            status => status is HttpStatusCode.Created or HttpStatusCode.Conflict,
            TimeSpan.FromMinutes(1),
            "Brokerage to know the match and open a deal");
        var deals = await GetJsonAsync(_staff, "/api/deals?pageSize=100");
        var dealId = deals.GetProperty("items").EnumerateArray().First(d => d.GetProperty("needId").GetGuid() == needId).GetProperty("id").GetGuid();
        await Eventually.UntilAsync(
            () => GetJsonAsync(_enterpriseA, "/api/notifications"),
            inbox => inbox.GetProperty("total").GetInt32() > 0,
            TimeSpan.FromMinutes(1),
            "enterprise A's inbox to fill");
        return new World(technologyId, needId, matchId, dealId, word);
    }

    private static string UniqueWord() =>
        "qz" + new string(Guid.NewGuid().ToString("N").Select(c => (char)('a' + (Convert.ToInt32(c.ToString(), 16) % 26))).ToArray());

    private async Task<HttpResponseMessage> SendAsync(TestUser caller, string method, string path, object? body)
    {
        using var client = _host.CreateClient(caller.Token);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        else if (method == "POST")
        {
            request.Content = new StringContent("", new MediaTypeHeaderValue("application/json"));
        }

        return await client.SendAsync(request, Ct);
    }

    private async Task<JsonElement> PostJsonAsync(TestUser caller, string path, object body, HttpStatusCode expected)
    {
        using var response = await SendAsync(caller, "POST", path, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> GetJsonAsync(TestUser caller, string path) =>
        JsonDocument.Parse(await GetTextAsync(caller, path)).RootElement.Clone();

    private async Task<string> GetTextAsync(TestUser caller, string path)
    {
        using var response = await SendAsync(caller, "GET", path, null);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return text;
    }
}
