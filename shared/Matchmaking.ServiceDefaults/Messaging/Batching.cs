using MassTransit;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// The one batching policy of the hot consumers (<c>IConsumer&lt;Batch&lt;T&gt;&gt;</c>): a batch closes when it holds
/// <see cref="Size"/> messages or <see cref="Window"/> after its first message, whichever comes first. A lone message
/// waits the window; a stream of them shares one transaction, one inbox statement, one statement per table and one
/// index reopen, whose fixed cost dominates a batch of one or two listings.
/// <para>
/// Measured with infra/load.sh (listings posted at a steady 40 a second, one replica): with a window of 20 ms counted
/// from the last message, batches held 1.2 listings and Matching spent 20.5 ms of processor time per listing (p50 / p99
/// from POST to match 131 / 398 ms); with 100 ms from the first, 2.8 listings and 13.2 ms (90 / 312 ms). Under a flood
/// both fill batches (16.5 and 25.6 listings).
/// </para>
/// </summary>
public static class Batching
{
    public const int Size = 50;

    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Messages the broker may hand the endpoint before it acknowledges any: two batches' worth, so the next batch
    /// collects while one runs. MassTransit's default is one batch (the message limit): nothing arrived while a batch
    /// ran.
    /// </summary>
    public const int InFlight = 2 * Size;

    /// <summary>Pass to <c>AddConsumer</c> of a batch consumer.</summary>
    public static void Configure<TConsumer>(IRegistrationContext context, IConsumerConfigurator<TConsumer> consumer)
        where TConsumer : class =>
        consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(Size)
            .SetTimeLimit(Window)
            .SetTimeLimitStart(BatchTimeLimitStart.FromFirst)
            .SetConfigurationCallback((_, endpoint) =>
            {
                // A batch runs one at a time (the concurrency limit stays 1); the messages collected for the next
                // one count against the endpoint's limit too.
                endpoint.PrefetchCount = InFlight;
                endpoint.ConcurrentMessageLimit = InFlight;
            }));
}
