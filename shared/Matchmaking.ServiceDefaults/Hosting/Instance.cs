using Microsoft.Extensions.Configuration;

namespace Matchmaking.ServiceDefaults.Hosting;

/// <summary>
/// <c>Matchmaking:InstanceId</c>: the name of one replica of a service, stable across its restarts (e.g. <c>matching-1</c>,
/// a pod ordinal). Unset, a service assumes it runs alone. Set, state kept per replica (the Lucene index of Matching)
/// gets a queue of its own named after it.
/// </summary>
public static class Instance
{
    public const string Key = "Matchmaking:InstanceId";

    /// <summary>The configured instance id in kebab case, or <c>null</c> when the service runs as the only instance.</summary>
    public static string? Id(IConfiguration configuration)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var chars = value.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return new string(chars).Trim('-');
    }
}
