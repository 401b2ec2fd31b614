using System.Data.Common;
using Dapper;
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
        string? fromStage, string toStage, string? note, string? reason, Guid changedBy, DateTimeOffset changedAt)
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
        await Outbox.AddAsync(connection, transaction,
            new DealStageChanged(dealId, technologyId, needId, fromStage, toStage, reason, changedBy, changedAt));
    }
}
