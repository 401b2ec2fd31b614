using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Matchmaking.ServiceDefaults.Web;

/// <summary>
/// The <c>Idempotency-Key</c> request header of a creating POST: a client that never heard the answer to a POST sends
/// it again with the same key and gets the resource the first one created, not a second one. The key names the new
/// resource's id (a hash of the caller, the kind of resource and the key), so the database's primary key makes the
/// creation happen once without a table of keys; two callers never share a resource, whatever keys they choose.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set on the answer to a repeated request: the resource was created by an earlier one.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public const int MaxLength = 200;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The key of the request, or <c>null</c> without one; adds an error naming the header to <paramref name="errors"/>
    /// when it is empty, too long or not printable ASCII.
    /// </summary>
    public static string? Read(HttpRequest request, ValidationErrors errors)
    {
        if (!request.Headers.TryGetValue(Header, out var values))
        {
            return null;
        }

        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxLength || key.Any(c => c is < ' ' or > '~'))
        {
            errors.Add(Header, $"'{Header}' must be one value of 1 to {MaxLength} printable ASCII characters.");
            return null;
        }

        return key;
    }

    /// <summary>
    /// The request's key and the id it names for <paramref name="resource"/>: both null without the header, and a 400
    /// naming the header (<c>Invalid</c>) when it is malformed.
    /// </summary>
    public static (IResult? Invalid, string? Key, Guid? ResourceId) ForRequest(HttpRequest request, string resource, Guid organisationId, Guid userId)
    {
        var errors = new ValidationErrors();
        var key = Read(request, errors);
        return errors.Any ? (errors.ToResult(), null, null)
            : key is null ? (null, null, null)
            : (null, key, ResourceId(resource, organisationId, userId, key));
    }

    /// <summary>The id of the <paramref name="resource"/> that <paramref name="key"/> creates for this caller.</summary>
    public static Guid ResourceId(string resource, Guid organisationId, Guid userId, string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"matchmaking-idempotency\n{resource}\n{organisationId:D}\n{userId:D}\n{key}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: a name-based id of our own scheme (RFC 9562)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122/9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// The answer to a POST that found its resource already created under the key: the same 201 as the first time when
    /// the resource is what this request would create (<paramref name="asRequested"/>), else 422 naming the header.
    /// </summary>
    public static IResult Replay<T>(HttpResponse response, string location, T existing, T asRequested)
    {
        if (JsonSerializer.Serialize(existing, s_json) != JsonSerializer.Serialize(asRequested, s_json))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    [Header] = [$"This '{Header}' already created a resource from other content, or the resource has changed since; use a new key for a new request."],
                },
                title: $"The {Header} was already used for a different request.",
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        response.Headers[ReplayedHeader] = "true";
        return TypedResults.Created(location, existing);
    }
}
