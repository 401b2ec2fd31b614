using System.Collections.Concurrent;
using MassTransit;
using Matchmaking.Research.Contracts;

namespace Matchmaking.Research.Tests;

/// <summary>Records every technology event the bus delivers, so a test can see what another service would receive.</summary>
public sealed class ResearchTestsTechnologyEventsConsumer :
    IConsumer<TechnologyPublished>, IConsumer<TechnologyUpdated>, IConsumer<TechnologyWithdrawn>
{
    public static ConcurrentQueue<ReceivedEvent> Received { get; } = new();

    public Task Consume(ConsumeContext<TechnologyPublished> context) => Record(context, context.Message.TechnologyId);

    public Task Consume(ConsumeContext<TechnologyUpdated> context) => Record(context, context.Message.TechnologyId);

    public Task Consume(ConsumeContext<TechnologyWithdrawn> context) => Record(context, context.Message.TechnologyId);

    public static IReadOnlyList<ReceivedEvent> For(Guid technologyId) =>
        Received.Where(e => e.TechnologyId == technologyId).ToList();

    private static Task Record<T>(ConsumeContext<T> context, Guid technologyId)
        where T : class
    {
        Received.Enqueue(new ReceivedEvent(technologyId, context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}

public sealed record ReceivedEvent(Guid TechnologyId, Guid? MessageId, object Message);
