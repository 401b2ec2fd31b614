using Matchmaking.Needs.Api.Features;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Needs.Api;

public static class NeedsModule
{
    /// <summary>Needs' database (migrated on start) and the relay that publishes its outbox.</summary>
    public static IHostApplicationBuilder AddNeeds(this IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<NeedsDatabase>(builder.Configuration, "Needs");
        builder.Services.AddOutboxRelay<NeedsDatabase>();
        builder.Services.AddConsumers(bus => bus.AddConsumer<NeedsDealStageChangedConsumer>());
        return builder;
    }

    /// <summary>/api/needs; every endpoint needs a signed-in caller, posting needs an enterprise.</summary>
    public static IEndpointRouteBuilder MapNeeds(this IEndpointRouteBuilder endpoints)
    {
        var needs = endpoints.MapGroup("/api/needs")
            .WithTags("Needs")
            .RequireAuthorization();
        PostNeed.Map(needs);
        GetNeed.Map(needs);
        ListNeeds.Map(needs);
        UpdateNeed.Map(needs);
        CloseNeed.Map(needs);
        return endpoints;
    }
}
