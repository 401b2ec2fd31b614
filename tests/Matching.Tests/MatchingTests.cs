using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;

namespace Matchmaking.Matching.Tests;

/// <summary>
/// What every Matching test class shares: a service of its own per test, callers, events and reading answers.
/// </summary>
public abstract class MatchingTests(Setup setup) : IAsyncLifetime
{
    protected const string Technologies = "technologies";
    protected const string Needs = "needs";

    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly DateTimeOffset s_start = new(2025, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private MatchingService? _matching;

    protected MatchingService Matching => _matching ?? throw new InvalidOperationException("The service has not started.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _matching = await MatchingService.StartAsync(setup);

    public async ValueTask DisposeAsync()
    {
        if (_matching is not null)
        {
            await _matching.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected static TestUser NewUniversity() => TestUsers.New(Roles.University);

    protected static TestUser NewEnterprise() => TestUsers.New(Roles.Enterprise);

    protected static TestUser NewStaff() => TestUsers.New(Roles.Staff);

    /// <summary>An instant after the fixed start, so tests can order events explicitly.</summary>
    protected static DateTimeOffset At(int minutes) => s_start.AddMinutes(minutes);

    protected static TechnologyPublished CoolingTechnology(TestUser owner, Guid? id = null, string sector = "moulds-dies", int minutes = 0) => new(
        id ?? Guid.NewGuid(),
        owner.OrganisationId,
        "Conformal cooling channels for injection moulds",
        "Metal 3D printed mould inserts with conformal cooling reduce warpage and cycle time in injection moulding.",
        ["conformal cooling", "warpage"],
        sector,
        6,
        ["non-exclusive"],
        "en",
        At(minutes));

    protected static TechnologyPublished BatteryTechnology(TestUser owner, string sector = "energy") => new(
        Guid.NewGuid(),
        owner.OrganisationId,
        "Battery state of charge estimation",
        "A Kalman filter for lithium cells that tracks capacity fade in electric vehicle battery packs.",
        ["battery management", "lithium"],
        sector,
        4,
        ["collaboration"],
        "en",
        At(0));

    protected static NeedPosted WarpageNeed(
        TestUser owner, string visibility = "public", Guid? id = null, string? sector = "moulds-dies", int minutes = 0) => new(
        id ?? Guid.NewGuid(),
        owner.OrganisationId,
        "Warpage of injection moulded parts",
        "Our housings show warpage after injection moulding; we need better mould cooling to cut the cycle time.",
        ["warpage", "injection moulding"],
        sector,
        5,
        visibility,
        "en",
        At(minutes));

    protected static TechnologyUpdated Updated(
        TechnologyPublished technology, string title, string summary, int minutes, IReadOnlyList<string>? keywords = null) => new(
        technology.TechnologyId,
        technology.OrganisationId,
        title,
        summary,
        keywords ?? technology.Keywords,
        technology.Sector,
        technology.Trl,
        technology.LicenceModels,
        technology.Language,
        At(minutes));

    /// <summary>Publishes on the running service's bus, as Research or Needs would; returns the message id.</summary>
    protected async Task<Guid> PublishAsync<T>(T message, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        await Matching.Bus.Publish(message, context => context.MessageId = id, Ct);
        return id;
    }

    /// <summary>Publishes all at once, then waits until the Matching consumer has handled each.</summary>
    protected async Task PublishAllAndWaitAsync<T>(IEnumerable<T> messages)
        where T : class
    {
        var ids = new List<Guid>();
        foreach (var message in messages)
        {
            ids.Add(await PublishAsync(message));
        }

        foreach (var id in ids)
        {
            await Matching.Consumed.WaitAsync(id);
        }
    }

    /// <summary>Publishes and waits until the Matching consumer has handled the message.</summary>
    protected async Task<Guid> PublishAndWaitAsync<T>(T message)
        where T : class
    {
        var id = await PublishAsync(message);
        await Matching.Consumed.WaitAsync(id);
        return id;
    }

    protected Task<HttpResponseMessage> GetMatchesAsync(TestUser caller, string resource, Guid id, string? top = null) =>
        Matching.Service.CreateClient(caller.Token)
            .GetAsync(top is null ? $"/api/{resource}/{id}/matches" : $"/api/{resource}/{id}/matches?top={top}", Ct);

    protected async Task<MatchesBody> MatchesAsync(TestUser caller, string resource, Guid id)
    {
        using var response = await GetMatchesAsync(caller, resource, id);
        await AssertStatusAsync(HttpStatusCode.OK, response);
        return await ReadAsync<MatchesBody>(response);
    }

    protected Task<MatchesBody> MatchesEventuallyAsync(TestUser caller, string resource, Guid id, Func<MatchesBody, bool> done) =>
        Eventually.UntilAsync(() => MatchesAsync(caller, resource, id), done, what: $"the matches of {resource}/{id}");

    protected async Task<HttpResponseMessage> SearchRawAsync(TestUser caller, string query) =>
        await Matching.Service.CreateClient(caller.Token).GetAsync($"/api/search?{query}", Ct);

    protected async Task<SearchBody> SearchAsync(TestUser caller, string query)
    {
        using var response = await SearchRawAsync(caller, query);
        await AssertStatusAsync(HttpStatusCode.OK, response);
        return await ReadAsync<SearchBody>(response);
    }

    protected Task<SearchBody> SearchEventuallyAsync(TestUser caller, string query, Func<SearchBody, bool> done) =>
        Eventually.UntilAsync(() => SearchAsync(caller, query), done, what: $"search '{query}'");

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<T>(Json, Ct) ?? throw new InvalidOperationException("empty body");

    protected static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
    }

    /// <summary>Asserts a 400 validation problem whose errors name every one of <paramref name="fields"/>.</summary>
    protected static async Task AssertValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        foreach (var field in fields)
        {
            Assert.True(errors.ContainsKey(field), $"expected an error for '{field}', got: {body}");
        }
    }

    public sealed record MatchesBody(List<MatchItem> Items)
    {
        public override string ToString() => $"[{string.Join(", ", Items.Select(i => $"{i.TechnologyId}/{i.NeedId}"))}]";
    }

    public sealed record MatchItem(Guid MatchId, Guid TechnologyId, Guid NeedId, double Score, Explanation Explanation)
    {
        /// <summary>What two answers about the same match must agree on (the explanation holds lists, compared by reference).</summary>
        public (Guid MatchId, Guid TechnologyId, Guid NeedId, double Score, string Summary) Key =>
            (MatchId, TechnologyId, NeedId, Score, Explanation.Summary);
    }

    public sealed record Explanation(string Summary, List<string> Terms, Dictionary<string, double> Features);

    public sealed record SearchBody(int Total, List<SearchItem> Items, SearchFacets Facets)
    {
        public override string ToString() => $"{Total}: [{string.Join(", ", Items.Select(i => $"{i.Type} {i.Id}"))}]";
    }

    public sealed record SearchItem(Guid Id, string Type, string Title, string Snippet, double Score, string Language);

    public sealed record SearchFacets(Dictionary<string, int> Sector);
}
