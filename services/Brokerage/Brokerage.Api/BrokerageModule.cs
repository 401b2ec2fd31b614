using Matchmaking.Brokerage.Api.Features;
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
        builder.Services.AddConsumers(bus =>
        {
            bus.AddConsumer<BrokerageTechnologyPublishedConsumer>();
            bus.AddConsumer<BrokerageTechnologyUpdatedConsumer>();
            bus.AddConsumer<BrokerageTechnologyWithdrawnConsumer>();
            bus.AddConsumer<BrokerageNeedPostedConsumer>();
            bus.AddConsumer<BrokerageNeedUpdatedConsumer>();
            bus.AddConsumer<BrokerageNeedClosedConsumer>();
            bus.AddConsumer<BrokerageMatchesSuggestedConsumer>();
        });
        return builder;
    }

    /// <summary>/api/deals and /api/reports.</summary>
    public static IEndpointRouteBuilder MapBrokerage(this IEndpointRouteBuilder endpoints)
    {
        OpenDeal.Map(endpoints);
        MoveDealStage.Map(endpoints);
        GetDeal.Map(endpoints);
        ListDeals.Map(endpoints);
        FunnelReport.Map(endpoints);
        OneToNReport.Map(endpoints);
        return endpoints;
    }
}
