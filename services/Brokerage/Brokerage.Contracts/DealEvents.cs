namespace Matchmaking.Brokerage.Contracts;

/// <summary>A deal moved to a new stage (or was opened, when <paramref name="FromStage"/> is null).</summary>
/// <param name="DealId">The deal.</param>
/// <param name="TechnologyId">The technology in the deal.</param>
/// <param name="NeedId">The need in the deal.</param>
/// <param name="FromStage">The stage before, or null for a new deal.</param>
/// <param name="ToStage">The stage now.</param>
/// <param name="Reason">The reason code, for declined.</param>
/// <param name="ChangedBy">The staff user who moved it.</param>
/// <param name="OccurredAt">When it moved.</param>
public sealed record DealStageChanged(
    Guid DealId,
    Guid TechnologyId,
    Guid NeedId,
    string? FromStage,
    string ToStage,
    string? Reason,
    Guid ChangedBy,
    DateTimeOffset OccurredAt);
