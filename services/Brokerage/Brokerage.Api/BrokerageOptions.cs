using Matchmaking.Brokerage.Api.Deals;

namespace Matchmaking.Brokerage.Api;

/// <summary><c>Matchmaking:Brokerage</c>: how long a deal may sit at each stage before it counts as idle, and how often that is checked.</summary>
public sealed class BrokerageOptions
{
    public const string Section = "Matchmaking:Brokerage";

    /// <summary>Per open stage, e.g. <c>Matchmaking:Brokerage:StageTimeLimits:nda-signed=30.00:00:00</c>; a stage not named uses its default.</summary>
    public Dictionary<string, TimeSpan> StageTimeLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often the idle check runs (<c>Matchmaking:Brokerage:IdleCheckInterval</c>).</summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromMinutes(15);

    public static readonly IReadOnlyDictionary<string, TimeSpan> DefaultStageTimeLimits = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        [DealStages.Suggested] = TimeSpan.FromDays(7),
        [DealStages.Introduced] = TimeSpan.FromDays(14),
        [DealStages.NdaSigned] = TimeSpan.FromDays(30),
        [DealStages.Negotiating] = TimeSpan.FromDays(60),
        [DealStages.Agreed] = TimeSpan.FromDays(30),
    };

    /// <summary>The time limit of an open stage; null for a closed one (completed, declined never go idle).</summary>
    public TimeSpan? LimitFor(string stage) =>
        DealStages.IsClosed(stage) ? null
        : StageTimeLimits.TryGetValue(stage, out var limit) ? limit
        : DefaultStageTimeLimits.TryGetValue(stage, out var fallback) ? fallback
        : null;

    public bool IsIdle(string stage, DateTimeOffset updatedAt, DateTimeOffset now) =>
        LimitFor(stage) is { } limit && now - updatedAt > limit;

    /// <summary>What should happen next at a stage, in words for the deal board.</summary>
    public static string NextAction(string stage) => stage switch
    {
        DealStages.Suggested => "Introduce the parties to each other.",
        DealStages.Introduced => "Get the non-disclosure agreement signed.",
        DealStages.NdaSigned => "Share the details and start negotiating terms.",
        DealStages.Negotiating => "Settle the licence terms.",
        DealStages.Agreed => "Complete the agreement and close the deal.",
        _ => "None: the deal is closed.",
    };
}
