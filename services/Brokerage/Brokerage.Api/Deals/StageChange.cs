using System.Data.Common;
using Dapper;
using Matchmaking.Brokerage.Api.Audit;
using Matchmaking.Brokerage.Api.Notifications;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Brokerage.Api.Deals;

/// <summary>
/// Records one move of a deal: the history row and the <see cref="DealStageChanged"/> event, in the caller's
/// transaction, so the history and what the bus hears never disagree.
/// </summary>
public static class StageChange
{
    public static async Task RecordAsync(
        DbConnection connection, DbTransaction transaction,
        Guid dealId, Guid technologyId, Guid needId,
        string? fromStage, string toStage, string? note, string? reason, Guid changedBy, DateTimeOffset changedAt,
        string actorRole = "staff")
    {
        // The (deal_id, step) key refuses a second row for the same step, should two moves ever race past the stage check.
        await connection.ExecuteAsync(
            """
            INSERT INTO deal_history (deal_id, step, from_stage, to_stage, note, reason, changed_by, changed_at)
            SELECT @DealId, COALESCE(MAX(h.step), 0) + 1, @FromStage, @ToStage, @Note, @Reason, @ChangedBy, @ChangedAt
            FROM deal_history h
            WHERE h.deal_id = @DealId
            """,
            new
            {
                DealId = dealId,
                FromStage = fromStage,
                ToStage = toStage,
                Note = note,
                Reason = reason,
                ChangedBy = changedBy,
                ChangedAt = changedAt,
            },
            transaction);
        var parties = await connection.QuerySingleAsync<Parties>(
            """
            SELECT d.technology_organisation_id AS TechnologyOrganisationId, d.need_organisation_id AS NeedOrganisationId,
                   COALESCE(n.visibility, 'staff-only') AS NeedVisibility,
                   CASE WHEN EXISTS (SELECT 1 FROM deal_history h WHERE h.deal_id = d.id AND h.to_stage = 'introduced')
                        THEN 1 ELSE 0 END AS Introduced
            FROM deals d
            LEFT JOIN needs n ON n.id = d.need_id
            WHERE d.id = @DealId
            """,
            new { DealId = dealId },
            transaction);
        await Outbox.AddAsync(connection, transaction,
            new DealStageChanged(dealId, technologyId, needId, fromStage, toStage, reason, changedBy, changedAt,
                parties.TechnologyOrganisationId, parties.NeedOrganisationId));
        await AuditLog.AppendAsync(connection, transaction, Guid.NewGuid(), changedAt, changedBy, actorRole,
            AuditLog.DealStageChanged, "deal", dealId, fromStage is null ? $"opened at {toStage}" : $"{fromStage} -> {toStage}");

        // Both parties and staff hear of it; the university only once a deal on a staff-only need has been introduced.
        var key = $"deal-stage:{dealId:D}:{toStage}:{changedAt.UtcTicks}";
        var title = fromStage is null ? "A deal was opened" : $"A deal moved to {toStage}";
        var body = fromStage is null
            ? $"Centre staff opened a deal at stage {toStage}."
            : $"The deal moved from {fromStage} to {toStage}.";
        var link = $"/deals/{dealId:D}";
        var template = fromStage is null
            ? new NotificationTemplate("deal-opened", ("to", toStage))
            : new NotificationTemplate("deal-moved", ("from", fromStage), ("to", toStage));
        await Notify.StaffAsync(connection, transaction, Notify.DealStageChanged, title, body, link, key, changedAt, template);
        await Notify.OrganisationAsync(connection, transaction, parties.NeedOrganisationId, Notify.DealStageChanged, title, body, link, key, changedAt, template);
        if (parties.NeedVisibility != "staff-only" || parties.Introduced == 1)
        {
            await Notify.OrganisationAsync(connection, transaction, parties.TechnologyOrganisationId, Notify.DealStageChanged, title, body, link, key, changedAt, template);
        }
    }

    private sealed class Parties
    {
        public Guid TechnologyOrganisationId { get; init; }

        public Guid NeedOrganisationId { get; init; }

        public string NeedVisibility { get; init; } = "";

        public long Introduced { get; init; }
    }
}
