using Yarp.ReverseProxy.Configuration;

namespace Matchmaking.Portal;

/// <summary>
/// When the services run apart, the Portal is the front door: <c>Matchmaking:Gateway:{Research,Needs,Matching,Brokerage}</c>
/// name their base addresses and /api/* is proxied to the owner. In the one-process Host nothing is configured and the
/// services' own endpoints answer directly.
/// </summary>
public static class Gateway
{
    private const string Section = "Matchmaking:Gateway";

    // Routing precedence puts the literal "matches" segments ahead of the catch-alls, so a technology's matches go to
    // Matching while the technology itself goes to Research.
    private static readonly (string Route, string Cluster, string Path)[] Routes =
    [
        ("technology-matches", "matching", "/api/technologies/{id}/matches"),
        ("need-matches", "matching", "/api/needs/{id}/matches"),
        ("matches", "matching", "/api/matches/{**rest}"),
        ("matches-root", "matching", "/api/matches"),
        ("interests", "matching", "/api/interests"),
        ("search", "matching", "/api/search"),
        ("technologies", "research", "/api/technologies/{**rest}"),
        ("technologies-root", "research", "/api/technologies"),
        ("needs", "needs", "/api/needs/{**rest}"),
        ("needs-root", "needs", "/api/needs"),
        ("deals", "brokerage", "/api/deals/{**rest}"),
        ("deals-root", "brokerage", "/api/deals"),
        ("reports", "brokerage", "/api/reports/{**rest}"),
        ("notifications", "brokerage", "/api/notifications/{**rest}"),
        ("notifications-root", "brokerage", "/api/notifications"),
        ("audit", "brokerage", "/api/audit"),
    ];

    public static bool IsConfigured(IConfiguration configuration) =>
        configuration.GetSection(Section).GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value));

    public static void AddGateway(IHostApplicationBuilder builder)
    {
        if (!IsConfigured(builder.Configuration))
        {
            return;
        }

        var section = builder.Configuration.GetSection(Section);
        var clusters = new[] { "research", "needs", "matching", "brokerage" }
            .Where(name => !string.IsNullOrWhiteSpace(section[name]))
            .Select(name => new ClusterConfig
            {
                ClusterId = name,
                // Several replicas: addresses separated by ';' or ',' (YARP balances across them, PowerOfTwoChoices).
                Destinations = section[name]!
                    .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select((address, i) => (Key: i == 0 ? name : $"{name}-{i + 1}", Address: address))
                    .ToDictionary(d => d.Key, d => new DestinationConfig { Address = d.Address }),
            })
            .ToList();
        var known = clusters.Select(c => c.ClusterId).ToHashSet();
        var routes = Routes
            .Where(r => known.Contains(r.Cluster))
            .Select(r => new RouteConfig { RouteId = r.Route, ClusterId = r.Cluster, Match = new RouteMatch { Path = r.Path } })
            .ToList();
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
    }

    public static void MapGateway(WebApplication app)
    {
        if (IsConfigured(app.Configuration))
        {
            app.MapReverseProxy();
        }
    }
}
