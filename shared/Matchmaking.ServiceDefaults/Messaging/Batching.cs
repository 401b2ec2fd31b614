using MassTransit;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// The one batching policy of the hot consumers (<c>IConsumer&lt;Batch&lt;T&gt;&gt;</c>): a batch closes when it holds
/// <see cref="Size"/> messages or when no message has arrived for <see cref="Window"/>, whichever comes first. A lone
/// message waits the window; a stream of them shares one transaction, one inbox statement and one statement per table.
/// <para>
/// The window counts from the last message, not the first: on a loaded broker the messages released by one
/// acknowledgement arrive over more than the window, so a window from the first message cut them into batches of a few
/// (under infra/load.sh most batches held 1 to 12 listings with thousands queued), each paying the fixed cost of a
/// transaction and an index reopen.
/// </para>
/// </summary>
public static class Batching
{
    public const int Size = 50;

    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);

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
            .SetTimeLimitStart(BatchTimeLimitStart.FromLast)
            .SetConfigurationCallback((_, endpoint) =>
            {
                // A batch runs one at a time (the concurrency limit stays 1); the messages collected for the next
                // one count against the endpoint's limit too.
                endpoint.PrefetchCount = InFlight;
                endpoint.ConcurrentMessageLimit = InFlight;
            }));
}
