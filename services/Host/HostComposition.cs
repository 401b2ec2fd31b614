using Matchmaking.Brokerage.Api;
using Matchmaking.Matching.Api;
using Matchmaking.Needs.Api;
using Matchmaking.Portal;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Host;

/// <summary>Every service in one process: the same AddXxx/MapXxx calls each service's own Program.cs makes.</summary>
public static class HostComposition
{
    /// <summary>The embedded default; environment variables and the command line override each key.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>
    {
        ["Matchmaking:Storage:Provider"] = "Sqlite",
        ["Matchmaking:Bus:Transport"] = "InMemory",
        ["Matchmaking:DataDirectory"] = "data",
        ["Matchmaking:Seed"] = "true",
    };

    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder CreateBuilder(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Defaults go first so that every other source (environment, command line) wins over them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.AddServiceDefaults();
        builder.AddPortal();
        builder.AddResearch();
        builder.AddNeeds();
        builder.AddMatching();
        builder.AddBrokerage();
        builder.Services.AddSingleton<DemoSeeder>();
        if (builder.Configuration.GetValue("Matchmaking:Seed", true))
        {
            builder.Services.AddHostedService<SeedOnFirstStart>();
        }

        builder.AddMatchmakingBus();
        return builder;
    }

    public static WebApplication MapAll(WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapPortal();
        app.MapResearch();
        app.MapNeeds();
        app.MapMatching();
        app.MapBrokerage();
        return app;
    }
}
