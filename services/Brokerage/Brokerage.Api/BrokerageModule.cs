using Matchmaking.Brokerage.Api.Audit;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.Brokerage.Api.Email;
using Matchmaking.Brokerage.Api.Features;
using Matchmaking.Brokerage.Api.Notifications;
using Matchmaking.Brokerage.Api.ReadModels;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Brokerage.Api;

public static class BrokerageModule
{
    /// <summary>Brokerage's database, its outbox relay and the consumers that keep its read models.</summary>
    public static IHostApplicationBuilder AddBrokerage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<BrokerageDatabase>(builder.Configuration, "Brokerage");
        builder.Services.AddOutboxRelay<BrokerageDatabase>();
        var options = builder.Configuration.GetSection(BrokerageOptions.Section).Get<BrokerageOptions>() ?? new BrokerageOptions();
        foreach (var stage in options.StageTimeLimits.Keys.Where(stage => !DealStages.IsKnown(stage) || DealStages.IsClosed(stage)))
        {
            throw new InvalidOperationException($"{BrokerageOptions.Section}:StageTimeLimits:{stage} names no open deal stage.");
        }

        if (options.IdleCheckInterval <= TimeSpan.Zero || options.StageTimeLimits.Values.Any(limit => limit <= TimeSpan.Zero))
        {
            throw new InvalidOperationException($"{BrokerageOptions.Section}: IdleCheckInterval and StageTimeLimits must be positive.");
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<IdleDealsMonitor>();

        var email = builder.Configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions();
        if (email.DigestInterval <= TimeSpan.Zero || email.Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"{EmailOptions.Section}: DigestInterval must be positive and Port between 1 and 65535.");
        }

        builder.Services.AddSingleton(email);
        if (email.Enabled)
        {
            builder.Services.AddHttpClient();
            builder.Services.AddSingleton<EmailDigestSender>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<EmailDigestSender>());
        }
        builder.Services.AddConsumers(bus =>
        {
            bus.AddConsumer<BrokerageTechnologyPublishedConsumer>(Batching.Configure);
            bus.AddConsumer<BrokerageTechnologyUpdatedConsumer>(Batching.Configure);
            bus.AddConsumer<BrokerageTechnologyWithdrawnConsumer>();
            bus.AddConsumer<BrokerageNeedPostedConsumer>(Batching.Configure);
            bus.AddConsumer<BrokerageNeedUpdatedConsumer>(Batching.Configure);
            bus.AddConsumer<BrokerageNeedClosedConsumer>();
            bus.AddConsumer<BrokerageMatchesSuggestedConsumer>(Batching.Configure);
            bus.AddConsumer<BrokerageInterestExpressedConsumer>();
            bus.AddConsumer<BrokerageConfidentialContentReadConsumer>();
        });
        return builder;
    }

    /// <summary>/api/deals, /api/reports, /api/notifications and /api/audit.</summary>
    public static IEndpointRouteBuilder MapBrokerage(this IEndpointRouteBuilder endpoints)
    {
        OpenDeal.Map(endpoints);
        MoveDealStage.Map(endpoints);
        GetDeal.Map(endpoints);
        ListDeals.Map(endpoints);
        FunnelReport.Map(endpoints);
        OneToNReport.Map(endpoints);
        AddDealNote.Map(endpoints);
        NotificationInbox.Map(endpoints);
        ListAudit.Map(endpoints);
        return endpoints;
    }
}
