using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;

namespace Matchmaking.Research.Tests;

/// <summary>What every Research test class shares: callers, a valid body, and reading answers.</summary>
public abstract class ResearchTests(ResearchService research)
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected ResearchService Research { get; } = research;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static TestUser NewUniversity() => TestUsers.New(Roles.University);

    protected static TestUser NewEnterprise() => TestUsers.New(Roles.Enterprise);

    protected static TestUser NewStaff() => TestUsers.New(Roles.Staff);

    /// <summary>A body that passes every rule; tests change one field at a time.</summary>
    protected static JsonObject ValidTechnology(string? marker = null) => new()
    {
        ["title"] = $"Conformal cooling for injection moulds {marker}".Trim(),
        ["summary"] = "Mould inserts with cooling channels that follow the part, printed by laser powder-bed fusion.",
        ["details"] = "Channel diameter 3-6 mm; cycle time from 42 s to 29 s in trials.",
        ["sector"] = "moulds-dies",
        ["keywords"] = new JsonArray("conformal cooling", "injection moulding"),
        ["trl"] = 6,
        ["ipStatus"] = "granted",
        ["patentNumbers"] = new JsonArray("HK30012345"),
        ["licenceModels"] = new JsonArray("non-exclusive", "collaboration"),
        ["language"] = "en",
    };

    protected Task<HttpResponseMessage> PostAsync(TestUser caller, JsonObject body) =>
        Research.ClientFor(caller).PostAsJsonAsync("/api/technologies", body, Ct);

    protected async Task<TechnologyResponse> PublishAsync(TestUser owner, JsonObject? body = null)
    {
        using var response = await PostAsync(owner, body ?? ValidTechnology());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadAsync<TechnologyResponse>(response);
    }

    protected Task<HttpResponseMessage> GetAsync(TestUser caller, Guid id) =>
        Research.ClientFor(caller).GetAsync($"/api/technologies/{id}", Ct);

    protected Task<HttpResponseMessage> PutAsync(TestUser caller, Guid id, JsonObject body) =>
        Research.ClientFor(caller).PutAsJsonAsync($"/api/technologies/{id}", body, Ct);

    protected Task<HttpResponseMessage> WithdrawAsync(TestUser caller, Guid id) =>
        Research.ClientFor(caller).PostAsync($"/api/technologies/{id}/withdraw", content: null, Ct);

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<T>(Json, Ct) ?? throw new InvalidOperationException("empty body");

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>.</summary>
    protected static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"expected an error for '{field}', got: {body}");
    }

    protected static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
    }

    /// <summary>The outbox rows that carry <paramref name="technologyId"/>, read straight from the table.</summary>
    protected async Task<IReadOnlyList<OutboxRow>> OutboxRowsAsync(Guid technologyId)
    {
        await using var connection = await Research.Database.OpenAsync(Ct);
        var rows = await connection.QueryAsync<OutboxRow>(
            """
            SELECT id AS Id, message_type AS MessageType, body AS Body, sent_at AS SentAt
            FROM outbox_messages
            WHERE body LIKE @Pattern
            ORDER BY created_at
            """,
            new { Pattern = $"%{technologyId}%" });
        return rows.ToList();
    }

    protected sealed class OutboxRow
    {
        public string Id { get; init; } = "";
        public string MessageType { get; init; } = "";
        public string Body { get; init; } = "";
        public string? SentAt { get; init; }

        public bool Is<T>() => MessageType.StartsWith(typeof(T).FullName + ",", StringComparison.Ordinal);
    }
}
