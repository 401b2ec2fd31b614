using Dapper;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Matchmaking.ServiceDefaults.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers the database a service owns. Provider from <c>Matchmaking:Storage:Provider</c> (Sqlite by default),
    /// connection string from <c>ConnectionStrings:{name}</c>, else a SQLite file <c>{name}.db</c> in the data directory.
    /// </summary>
    public static IServiceCollection AddServiceDatabase<TDatabase>(
        this IServiceCollection services, IConfiguration configuration, string name)
        where TDatabase : ServiceDatabase
    {
        DapperTypeHandlers.Register();
        var settings = ResolveSettings(configuration, name);
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<TDatabase>(provider, settings));
        // Also as the base type, so the Host's migrate command can walk every database it holds.
        services.AddSingleton<ServiceDatabase>(provider => provider.GetRequiredService<TDatabase>());
        if (configuration.GetValue("Matchmaking:Storage:MigrateOnStart", true))
        {
            services.AddSingleton<IHostedService>(provider => new MigrateOnStart(provider.GetRequiredService<TDatabase>()));
        }

        services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"database-{name.ToLowerInvariant()}",
            provider => new DatabaseHealthCheck(provider.GetRequiredService<TDatabase>()),
            HealthStatus.Unhealthy,
            [HealthTags.Ready, HealthTags.Serving]));
        return services;
    }

    public static DatabaseSettings ResolveSettings(IConfiguration configuration, string name)
    {
        var provider = configuration.GetValue("Matchmaking:Storage:Provider", DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new InvalidOperationException(
                    $"Matchmaking:Storage:Provider is Postgres but ConnectionStrings:{name} is not set.");
            }

            var dataDirectory = DataDirectory.Resolve(configuration);
            connectionString = $"Data Source={Path.Combine(dataDirectory, name.ToLowerInvariant() + ".db")}";
        }

        return new DatabaseSettings(provider, connectionString);
    }

    /// <summary>Brings the schema up to date before anything else of the service starts (registered first).</summary>
    private sealed class MigrateOnStart(ServiceDatabase database) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            database.Migrate();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class DatabaseHealthCheck(ServiceDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await connection.ExecuteScalarAsync<int>("SELECT 1");
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception)
            {
                return HealthCheckResult.Unhealthy("database unreachable", exception);
            }
        }
    }
}

public static class DataDirectory
{
    /// <summary><c>Matchmaking:DataDirectory</c>, else <c>./data</c> under the working directory.</summary>
    public static string Resolve(IConfiguration configuration)
    {
        var directory = configuration["Matchmaking:DataDirectory"];
        return Path.GetFullPath(string.IsNullOrWhiteSpace(directory) ? "data" : directory);
    }
}
