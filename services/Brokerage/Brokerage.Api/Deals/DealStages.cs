namespace Matchmaking.Brokerage.Api.Deals;

/// <summary>The pipeline a deal runs through, and the one step allowed from each stage.</summary>
public static class DealStages
{
    public const string Suggested = "suggested";
    public const string Introduced = "introduced";
    public const string NdaSigned = "nda-signed";
    public const string Negotiating = "negotiating";
    public const string Agreed = "agreed";
    public const string Completed = "completed";
    public const string Declined = "declined";

    /// <summary>The open path, in order; <see cref="Declined"/> leaves it from any open stage.</summary>
    public static readonly IReadOnlyList<string> Pipeline = [Suggested, Introduced, NdaSigned, Negotiating, Agreed, Completed];

    public static readonly IReadOnlyList<string> All = [.. Pipeline, Declined];

    public static bool IsKnown(string? stage) => stage is not null && All.Contains(stage);

    public static bool IsClosed(string stage) => stage is Completed or Declined;

    /// <summary>What a deal at <paramref name="stage"/> may move to: the next stage of the pipeline, or declined; nothing once closed.</summary>
    public static IReadOnlyList<string> NextFrom(string stage)
    {
        if (IsClosed(stage))
        {
            return [];
        }

        var index = Pipeline.IndexOf(stage);
        return index < 0 ? [] : [Pipeline[index + 1], Declined];
    }

    private static int IndexOf(this IReadOnlyList<string> stages, string stage)
    {
        for (var i = 0; i < stages.Count; i++)
        {
            if (stages[i] == stage)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Why a deal was declined: a fixed list, so the reports can group by it.</summary>
public static class DeclineReasons
{
    public const string NoFit = "no-fit";
    public const string Budget = "budget";
    public const string Timing = "timing";
    public const string IpTerms = "ip-terms";
    public const string Unresponsive = "unresponsive";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [NoFit, Budget, Timing, IpTerms, Unresponsive, Other];
}
