using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Matchmaking.Needs.Tests;

/// <summary>The HTTP calls the tests make, and needs to post.</summary>
internal static class NeedsApi
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A day safely in the future whatever the time zone.</summary>
    public static string FutureDate => DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A word found in no other need, to find this one by search and to look for it in answers.</summary>
    public static string UniqueWord(string prefix = "marker") => $"{prefix}{Guid.NewGuid():N}";

    /// <summary>A need with every field set.</summary>
    public static Dictionary<string, object?> FullNeed(string title, string visibility = "public") => new()
    {
        ["title"] = title,
        ["problem"] = $"Our moulded parts warp after cooling ({title}); we need flatter parts and shorter cycles.",
        ["sector"] = "plastics",
        ["keywords"] = new[] { "warping", "cycle time" },
        ["minTrl"] = 6,
        ["budget"] = new { min = 300000, max = 800000.5m, currency = "HKD" },
        ["deadline"] = FutureDate,
        ["visibility"] = visibility,
        ["language"] = "en",
    };

    public static Task<HttpResponseMessage> PostNeedAsync(this HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/needs", body, Ct);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string json) =>
        client.PostAsync("/api/needs", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    public static Task<HttpResponseMessage> PutNeedAsync(this HttpClient client, Guid id, object body) =>
        client.PutAsJsonAsync($"/api/needs/{id}", body, Ct);

    public static Task<HttpResponseMessage> CloseNeedAsync(this HttpClient client, Guid id) =>
        client.PostAsync($"/api/needs/{id}/close", content: null, Ct);

    public static Task<HttpResponseMessage> GetNeedAsync(this HttpClient client, Guid id) =>
        client.GetAsync($"/api/needs/{id}", Ct);

    public static Task<HttpResponseMessage> ListNeedsAsync(this HttpClient client, string query = "") =>
        client.GetAsync($"/api/needs{query}", Ct);

    /// <summary>Posts <paramref name="body"/>, expects 201, and returns the need's id.</summary>
    public static async Task<Guid> PostNeedExpectingCreatedAsync(this HttpClient client, object body)
    {
        using var response = await client.PostNeedAsync(body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Expects a 400 validation problem and returns the fields it names.</summary>
    public static async Task<IReadOnlyList<string>> ReadValidationFieldsAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        return problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
    }

    public static async Task<IReadOnlyList<JsonElement>> ReadItemsAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
    }
}
