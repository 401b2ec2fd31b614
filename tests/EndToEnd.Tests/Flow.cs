using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaking.Testing;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>
/// The walking skeleton's journey over HTTP, the same whether the services run apart or in the Host: a university
/// posts a technology, an enterprise posts a need, the match appears on both sides, staff open a deal and move it,
/// and a skipped stage is refused.
/// </summary>
public sealed class Flow(Uri frontDoor, ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<string> SignInAsync(string email, string password)
    {
        using var client = new HttpClient { BaseAddress = frontDoor };
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("accessToken").GetString()!;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = frontDoor, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task RunAsync(string universityToken, string enterpriseToken, string staffToken)
    {
        // A model number shared by both texts keeps this pair on top among the demo data's similar listings.
        var model = $"PX{Random.Shared.Next(100_000, 999_999)}";
        using var university = Client(universityToken);
        using var enterprise = Client(enterpriseToken);
        using var staff = Client(staffToken);

        var technology = await university.PostAsJsonAsync("/api/technologies", new
        {
            title = $"Conformal cooling channels that stop warpage of {model} injection moulded housings",
            summary = "Mould inserts with cooling channels that follow the part surface keep the mould wall at one temperature, " +
                      "so thin housings cool evenly, warpage falls and the moulding cycle is shorter.",
            sector = "moulds-dies",
            keywords = new[] { "conformal cooling", "warpage", "injection moulding", model },
            trl = 6,
            licenceModels = new[] { "non-exclusive" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, technology.StatusCode);
        var technologyId = (await technology.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var clock = Stopwatch.StartNew();
        var need = await enterprise.PostAsJsonAsync("/api/needs", new
        {
            title = $"Moulded {model} housings warp after cooling",
            problem = "About 8% of our injection moulded housings are scrapped because they warp after cooling, " +
                      "and the moulding cycle is too long for our customer.",
            sector = "plastics",
            keywords = new[] { "warpage", "housing", model },
            minTrl = 5,
            visibility = "public",
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, need.StatusCode);
        var needId = (await need.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var needMatches = await Eventually.UntilAsync(
            () => MatchesAsync(enterprise, $"/api/needs/{needId}/matches?top=100"),
            items => items.Any(m => m.GetProperty("technologyId").GetGuid() == technologyId),
            what: "the technology among the need's matches");
        var latency = clock.Elapsed;
        output.WriteLine($"match latency (need POST 201 → match readable on GET /api/needs/{{id}}/matches): {latency.TotalMilliseconds:F0} ms");

        var match = needMatches.First(m => m.GetProperty("technologyId").GetGuid() == technologyId);
        Assert.True(match.GetProperty("score").GetDouble() > 0);
        Assert.NotEmpty(match.GetProperty("explanation").GetProperty("terms").EnumerateArray());
        var matchId = match.GetProperty("matchId").GetGuid();

        var technologyMatches = await MatchesAsync(university, $"/api/technologies/{technologyId}/matches?top=100");
        Assert.Contains(technologyMatches, m => m.GetProperty("needId").GetGuid() == needId);

        // An enterprise may not broker; staff open the deal once Brokerage has heard of the match.
        Assert.Equal(HttpStatusCode.Forbidden, (await enterprise.PostAsJsonAsync("/api/deals", new { matchId }, Ct)).StatusCode);
        var deal = await Eventually.UntilAsync(
            () => staff.PostAsJsonAsync("/api/deals", new { matchId }, Ct),
            response => response.StatusCode == HttpStatusCode.Created,
            what: "Brokerage to accept a deal for the suggested match");
        var dealId = (await deal.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var introduced = await staff.PostAsJsonAsync($"/api/deals/{dealId}/stage", new { stage = "introduced", note = "Introduced by phone." }, Ct);
        Assert.Equal(HttpStatusCode.OK, introduced.StatusCode);
        var skipped = await staff.PostAsJsonAsync($"/api/deals/{dealId}/stage", new { stage = "negotiating" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, skipped.StatusCode);
        Assert.Equal("application/problem+json", skipped.Content.Headers.ContentType?.MediaType);

        var history = await staff.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}", Ct);
        Assert.Equal("introduced", history.GetProperty("stage").GetString());

        // Bad input is a 400 naming the field; another organisation's edit is refused.
        var invalid = await enterprise.PostAsJsonAsync("/api/needs", new { title = "", problem = "x", minTrl = 12 }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("title", out _));
        Assert.True(errors.TryGetProperty("minTrl", out _));
    }

    private static async Task<List<JsonElement>> MatchesAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("items").EnumerateArray().ToList();
    }
}
