using MassTransit;
using Matchmaking.Matching.Api.Features;
using Matchmaking.Matching.Elasticsearch;
using Matchmaking.Matching.Engine;
using Matchmaking.ServiceDefaults.Hosting;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.Extensions.Options;

namespace Matchmaking.Matching.Api;

public static class MatchingModule
{
    /// <summary>The Matching service's database, outbox relay, search index, consumers and options.</summary>
    public static IHostApplicationBuilder AddMatching(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddServiceDatabase<MatchingDatabase>(builder.Configuration, "Matching");
        services.AddOutboxRelay<MatchingDatabase>();

        services.AddOptions<MatchingOptions>()
            .BindConfiguration(MatchingOptions.Section)
            .Validate(options => options.TopN is >= 1 and <= MatchingOptions.MaxTopN,
                $"{MatchingOptions.Section}:TopN must be between 1 and {MatchingOptions.MaxTopN}.")
            .Validate(options => options.RankingRefreshInterval > TimeSpan.Zero,
                $"{MatchingOptions.Section}:RankingRefreshInterval must be positive.")
            .Validate(options => options.EmbeddingShareUnderLoad is >= 0 and <= 1,
                $"{MatchingOptions.Section}:EmbeddingShareUnderLoad must be between 0 and 1.")
            .Validate(options => options.Index.IsValid,
                $"{MatchingOptions.Section}:Index:Provider must be 'lucene' or 'elasticsearch'; with 'elasticsearch', " +
                $"{MatchingOptions.Section}:Index:Elasticsearch:Url must be an absolute http(s) URL, IndexPrefix set and Replicas at least 0.")
            .ValidateOnStart();

        // Lucene: one writer per index folder (Lucene's lock), so one instance for the whole process; disposed on
        // shutdown. Elasticsearch: one client for the process, and one index on the cluster for every replica.
        services.AddSingleton<IListingIndex>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<MatchingOptions>>().Value;
            return options.Index.UsesElasticsearch
                ? new ElasticsearchListingIndex(options.Index.Elasticsearch.ToIndexOptions())
                : new LuceneListingIndex(options.ResolveIndexPath(provider.GetRequiredService<IConfiguration>()),
                    new MatchingEngineOptions { EmbeddingShareUnderLoad = options.EmbeddingShareUnderLoad });
        });
        services.AddSingleton<MatchingIndexRebuilder>();
        services.AddHostedService<IndexUpgrade>();

        // Registered before the bus (AddMatchmakingBus comes after every service), so it finishes before any delivery.
        services.AddSingleton<IndexReconciliation>();
        services.AddHostedService(provider => provider.GetRequiredService<IndexReconciliation>());
        services.AddHostedService<RankingWeightsRefresher>();
        services.AddHealthChecks().AddCheck<ListingIndexHealthCheck>("index-matching", tags: [HealthTags.Ready, HealthTags.Serving]);

        // Replicas (Matchmaking:InstanceId set, PostgreSQL): each keeps its own index, fed by a queue of its own.
        services.AddSingleton<ReplicaIndex>();
        services.AddHostedService<ReplicaIndexCatchUp>();
        services.AddHostedService<SemanticRematch>();
        var instance = Instance.Id(builder.Configuration);
        var replicated = instance is not null
            && StorageRegistration.ResolveSettings(builder.Configuration, "Matching").Provider == DatabaseProvider.Postgres;
        services.AddConsumers(bus =>
        {
            if (replicated)
            {
                bus.AddConsumer<MatchingIndexConsumer>(Batching.Configure).Endpoint(endpoint => endpoint.Name = $"matching-index-{instance}");
            }

            bus.AddConsumer<MatchingTechnologyPublishedConsumer>(Batching.Configure);
            bus.AddConsumer<MatchingTechnologyUpdatedConsumer>(Batching.Configure);
            bus.AddConsumer<MatchingTechnologyWithdrawnConsumer>();
            bus.AddConsumer<MatchingNeedPostedConsumer>(Batching.Configure);
            bus.AddConsumer<MatchingNeedUpdatedConsumer>(Batching.Configure);
            bus.AddConsumer<MatchingNeedClosedConsumer>();
            bus.AddConsumer<MatchingDealStageChangedConsumer>();
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapMatching(this IEndpointRouteBuilder endpoints)
    {
        GetMatches.Map(endpoints);
        GiveFeedback.Map(endpoints);
        SearchListings.Map(endpoints);
        ExpressInterest.Map(endpoints);
        ListInterests.Map(endpoints);
        ReviewQueue.Map(endpoints);
        return endpoints;
    }
}
