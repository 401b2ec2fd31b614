using MassTransit;
using Matchmaking.ServiceDefaults.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Matchmaking.ServiceDefaults.Messaging;

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

public sealed class RabbitMqSettings
{
    public string Host { get; set; } = "localhost";
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
}

/// <summary>Consumer registrations collected from each service's <c>AddXxx()</c>, applied once by <see cref="BusRegistration.AddMatchmakingBus"/>.</summary>
public sealed class BusConsumers
{
    internal List<Action<IBusRegistrationConfigurator>> Registrations { get; } = [];
}

public static class BusRegistration
{
    /// <summary>Lets a service register its consumers; the bus itself is configured once, after every service.</summary>
    public static IServiceCollection AddConsumers(this IServiceCollection services, Action<IBusRegistrationConfigurator> register)
    {
        Consumers(services).Registrations.Add(register);
        return services;
    }

    /// <summary>
    /// Registers the relay that publishes <typeparamref name="TDatabase"/>'s outbox, and the pruner that removes its
    /// sent outbox rows and old inbox rows (<see cref="MessageRetentionOptions"/>, checked at start).
    /// </summary>
    public static IServiceCollection AddOutboxRelay<TDatabase>(this IServiceCollection services)
        where TDatabase : ServiceDatabase
    {
        services.AddSingleton<OutboxRelay<TDatabase>>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<OutboxRelay<TDatabase>>());
        services.AddSingleton<MessageStorePruner<TDatabase>>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<MessageStorePruner<TDatabase>>());
        if (services.All(d => d.ServiceType != typeof(IValidateOptions<MessageRetentionOptions>)))
        {
            services.AddOptions<MessageRetentionOptions>()
                .BindConfiguration(MessageRetentionOptions.Section)
                .Validate(o => o.SentOutbox > TimeSpan.Zero, $"{MessageRetentionOptions.Section}:SentOutbox must be positive.")
                .Validate(o => o.Inbox > TimeSpan.Zero, $"{MessageRetentionOptions.Section}:Inbox must be positive.")
                .Validate(o => o.Interval > TimeSpan.Zero, $"{MessageRetentionOptions.Section}:Interval must be positive.")
                .ValidateOnStart();
        }

        return services;
    }

    /// <summary>
    /// MassTransit with the transport named by <c>Matchmaking:Bus:Transport</c>: <c>InMemory</c> (the one-process
    /// Host) or <c>RabbitMq</c> (services apart: quorum queues, publisher confirms). Call after every <c>AddXxx()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddMatchmakingBus(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var transport = configuration.GetValue("Matchmaking:Bus:Transport", BusTransport.InMemory);
        var rabbit = configuration.GetSection("Matchmaking:Bus:RabbitMq").Get<RabbitMqSettings>() ?? new RabbitMqSettings();
        var consumers = Consumers(builder.Services);

        // The host finishes starting only when the bus is connected, so nothing publishes into an unbound transport.
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit 8.4+ reports anonymous usage to usage-tracking.masstransit.io unless told not to: a deployment
            // here sends nothing to the internet by itself (MASSTRANSIT_USAGE_TELEMETRY=true turns it back on).
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var register in consumers.Registrations)
            {
                register(bus);
            }

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // About a minute of retries before _error, so a database restart (crash recovery takes seconds to tens
                // of seconds) is ridden out instead of parking every message consumed meanwhile (infra/faults.sh).
                endpoint.UseMessageRetry(retry => retry.Intervals(100, 500, 1000, 2000, 5000, 10000, 15000, 30000));
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                {
                    rabbitEndpoint.SetQuorumQueue();
                }
            });

            if (transport == BusTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, host =>
                    {
                        host.Username(rabbit.Username);
                        host.Password(rabbit.Password);
                        host.PublisherConfirmation = true;
                    });
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return builder;
    }

    private static BusConsumers Consumers(IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(BusConsumers))?.ImplementationInstance;
        if (existing is BusConsumers consumers)
        {
            return consumers;
        }

        consumers = new BusConsumers();
        services.AddSingleton(consumers);
        return consumers;
    }
}
