using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Matchmaking.Portal.Ui;

/// <summary>An API answer as a page needs it: the status, the JSON body when there is one, and the problem's title and field errors.</summary>
public sealed class ApiResult
{
    public HttpStatusCode Status { get; init; }

    public JsonElement Body { get; init; }

    public string? ProblemTitle { get; init; }

    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();

    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>404 or 405: for a list endpoint, it is not there (yet).</summary>
    public bool NotAvailable { get; init; }

    public bool NotFound => Status == HttpStatusCode.NotFound;

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}

/// <summary>
/// The pages' way to the services: HTTP to the configured base address (by default the Portal's own), with the
/// signed-in user's bearer token, so the API decides what each user may see and do.
/// </summary>
public sealed class PortalApi(IHttpClientFactory factory, IHttpContextAccessor accessor, IOptions<PortalUiOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private HttpClient Client(string? token)
    {
        var client = factory.CreateClient(UiModule.HttpClientName);
        client.BaseAddress = BaseAddress();
        token ??= accessor.HttpContext?.User.FindFirst(UiModule.TokenClaim)?.Value;
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    private Uri BaseAddress()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.ApiBaseAddress))
        {
            return new Uri(options.Value.ApiBaseAddress);
        }

        var request = accessor.HttpContext?.Request ?? throw new InvalidOperationException("no request to take the Portal's address from");
        // The local end of the connection, not the Host header: a client cannot point the pages' calls elsewhere.
        var connection = accessor.HttpContext.Connection;
        var address = connection.LocalIpAddress is { } ip
            ? (ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.Any) ? IPAddress.Loopback : ip)
            : IPAddress.Loopback;
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6
            ? $"[{address}]"
            : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString());
        return new Uri($"{request.Scheme}://{host}:{connection.LocalPort}/");
    }

    public Task<ApiResult> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<ApiResult> PostAsync(string path, object? body, CancellationToken ct, string? token = null) =>
        SendAsync(HttpMethod.Post, path, body, ct, token);

    public Task<ApiResult> PutAsync(string path, object body, CancellationToken ct) => SendAsync(HttpMethod.Put, path, body, ct);

    public async Task<ApiResult> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct, string? token = null)
    {
        using var client = Client(token);
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        else if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new JsonObject(), options: Json);
        }

        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement json = default;
        if (!string.IsNullOrWhiteSpace(text) && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false))
        {
            try
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                json = default;
            }
        }

        var problemTitle = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("title", out var title) ? title.GetString() : null;
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (!response.IsSuccessStatusCode && json.ValueKind == JsonValueKind.Object && json.TryGetProperty("errors", out var fields)
            && fields.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in fields.EnumerateObject())
            {
                errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                    ? field.Value.EnumerateArray().Select(e => e.ToString()).ToArray()
                    : [field.Value.ToString()];
            }
        }

        // For a list, 404 or 405 can only mean the endpoint is not there (yet); pages that list use this.
        var notAvailable = response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound;
        return new ApiResult
        {
            Status = response.StatusCode,
            Body = json,
            ProblemTitle = problemTitle,
            Errors = errors,
            NotAvailable = notAvailable,
        };
    }
}
