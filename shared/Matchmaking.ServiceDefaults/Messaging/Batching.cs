using MassTransit;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// The one batching policy of the hot consumers (<c>IConsumer&lt;Batch&lt;T&gt;&gt;</c>): a batch closes when it holds
/// <see cref="Size"/> messages or <see cref="Window"/> after its first one, whichever comes first. A lone message waits
/// at most the window; a stream of them shares one transaction, one inbox statement and one statement per table.
/// </summary>
public static class Batching
{
    public const int Size = 50;

    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);

    /// <summary>Pass to <c>AddConsumer</c> of a batch consumer.</summary>
    public static void Configure<TConsumer>(IRegistrationContext context, IConsumerConfigurator<TConsumer> consumer)
        where TConsumer : class =>
        consumer.Options<BatchOptions>(batch => batch.SetMessageLimit(Size).SetTimeLimit(Window));
}
