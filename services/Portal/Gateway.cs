using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Matchmaking.Portal;

/// <summary>
/// When the services run apart, the Portal is the front door: <c>Matchmaking:Gateway:{Research,Needs,Matching,Brokerage}</c>
/// name their base addresses and /api/* is proxied to the owner. In the one-process Host nothing is configured and the
/// services' own endpoints answer directly.
/// <para>
/// The gateway follows each replica's health: it probes <c>/health/serving</c> every
/// <c>Matchmaking:Gateway:HealthCheckInterval</c> (5 seconds unless set) and takes a replica that fails two probes in a
/// row out of the rotation until one succeeds again; a replica whose real requests fail to reach it (refused, reset or
/// timed out: 30% of at least ten within a minute) leaves it for 30 seconds without waiting for a probe. When no
/// replica of a service is healthy, all of them are tried rather than none. It probes <c>/health/serving</c>, not
/// <c>/health/ready</c>: while the broker is away every replica is unready but still answers reads and keeps posts in
/// its outbox.
/// </para>
/// </summary>
public static class Gateway
{
    private const string Section = "Matchmaking:Gateway";
    private const string IntervalKey = "HealthCheckInterval";
    private static readonly TimeSpan s_defaultInterval = TimeSpan.FromSeconds(5);
    private static readonly string[] s_services = ["research", "needs", "matching", "brokerage"];

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

    public static bool IsConfigured(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return s_services.Any(name => !string.IsNullOrWhiteSpace(section[name]));
    }

    public static void AddGateway(IHostApplicationBuilder builder)
    {
        if (!IsConfigured(builder.Configuration))
        {
            return;
        }

        var section = builder.Configuration.GetSection(Section);
        var interval = section.GetValue(IntervalKey, s_defaultInterval);
        if (interval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:{IntervalKey} must be positive (it is {interval}).");
        }

        var health = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = interval,
                Timeout = interval < s_defaultInterval ? interval : s_defaultInterval,
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/health/serving",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = TimeSpan.FromSeconds(30),
            },
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
        };
        var clusters = s_services
            .Where(name => !string.IsNullOrWhiteSpace(section[name]))
            .Select(name => new ClusterConfig
            {
                ClusterId = name,
                HealthCheck = health,
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
