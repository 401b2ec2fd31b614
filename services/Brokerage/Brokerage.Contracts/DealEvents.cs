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
/// <param name="TechnologyOrganisationId">The university that owns the technology (null from older publishers).</param>
/// <param name="NeedOrganisationId">The enterprise that owns the need (null from older publishers).</param>
public sealed record DealStageChanged(
    Guid DealId,
    Guid TechnologyId,
    Guid NeedId,
    string? FromStage,
    string ToStage,
    string? Reason,
    Guid ChangedBy,
    DateTimeOffset OccurredAt,
    Guid? TechnologyOrganisationId = null,
    Guid? NeedOrganisationId = null);

/// <summary>Deal stages that mean the parties have been introduced to each other.</summary>
public static class DealStageNames
{
    /// <summary>Stages at or past <c>introduced</c> (a deal declined later keeps the introduction it had).</summary>
    public static readonly IReadOnlyList<string> IntroducedOrLater = ["introduced", "nda-signed", "negotiating", "agreed", "completed"];

    /// <summary>Stages at or past <c>nda-signed</c>: the enterprise may read the technology's details.</summary>
    public static readonly IReadOnlyList<string> NdaSignedOrLater = ["nda-signed", "negotiating", "agreed", "completed"];
}

/// <summary>
/// Someone read confidential content (a technology's details, a staff-only or anonymous need they do not own). Ids and
/// codes only: the content itself never travels. Brokerage appends it to the audit log.
/// </summary>
/// <param name="AuditId">Unique id of this read, so a redelivery is recorded once.</param>
/// <param name="ActorUserId">Who read.</param>
/// <param name="ActorRole">Their role.</param>
/// <param name="ActorOrganisationId">Their organisation.</param>
/// <param name="ResourceType">"technology" or "need".</param>
/// <param name="ResourceId">What was read.</param>
/// <param name="Detail">A code-like note such as "details" or "staff-only"; never content.</param>
/// <param name="OccurredAt">When.</param>
public sealed record ConfidentialContentRead(
    Guid AuditId,
    Guid ActorUserId,
    string ActorRole,
    Guid ActorOrganisationId,
    string ResourceType,
    Guid ResourceId,
    string Detail,
    DateTimeOffset OccurredAt);
