using Matchmaking.Research.Api.Features;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Research.Api;

public static class ResearchModule
{
    /// <summary>Research's database (migrated on start), the relay that publishes its outbox, and the deal-stage consumer (NDA access).</summary>
    public static IHostApplicationBuilder AddResearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<ResearchDatabase>(builder.Configuration, "Research");
        builder.Services.AddOutboxRelay<ResearchDatabase>();
        builder.Services.AddConsumers(bus => bus.AddConsumer<ResearchDealStageChangedConsumer>());
        return builder;
    }

    /// <summary>/api/technologies; every endpoint needs a signed-in caller, some a role on top.</summary>
    public static IEndpointRouteBuilder MapResearch(this IEndpointRouteBuilder endpoints)
    {
        var technologies = endpoints.MapGroup("/api/technologies")
            .WithTags("Technologies")
            .RequireAuthorization();
        PublishTechnology.Map(technologies);
        GetTechnology.Map(technologies);
        ListTechnologies.Map(technologies);
        UpdateTechnology.Map(technologies);
        WithdrawTechnology.Map(technologies);
        return endpoints;
    }
}
