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

    /// <summary>
    /// Messages the broker may hand the endpoint before it acknowledges any: two batches' worth. MassTransit's default
    /// is one batch (the message limit), so while a batch ran nothing arrived, and the next one closed after the window
    /// with the few messages delivered by then: under infra/load.sh, with thousands queued, batches held 7 listings on
    /// average. With a second batch's worth the next batch fills while one runs.
    /// </summary>
    public const int InFlight = 2 * Size;

    /// <summary>Pass to <c>AddConsumer</c> of a batch consumer.</summary>
    public static void Configure<TConsumer>(IRegistrationContext context, IConsumerConfigurator<TConsumer> consumer)
        where TConsumer : class =>
        consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(Size)
            .SetTimeLimit(Window)
            .SetConfigurationCallback((_, endpoint) =>
            {
                // A batch runs one at a time (the concurrency limit stays 1); the messages collected for the next
                // one count against the endpoint's limit too.
                endpoint.PrefetchCount = InFlight;
                endpoint.ConcurrentMessageLimit = InFlight;
            }));
}
