using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Needs.Api.Features;

/// <summary>Universities introduced to a need's owner by a deal (learnt from Brokerage's events), and auditing of confidential reads.</summary>
public static class Introductions
{
    public static async Task<bool> IsIntroducedAsync(DbConnection connection, Guid needId, Caller caller, CancellationToken ct) =>
        caller.Role == Roles.University
        && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) AS Introduced FROM introductions WHERE need_id = @NeedId AND technology_organisation_id = @OrganisationId",
            new { NeedId = needId, caller.OrganisationId },
            cancellationToken: ct)) > 0;

    /// <summary>Records, through the outbox, that someone other than the owner read a staff-only or anonymous need (ids and codes only).</summary>
    public static Task AuditReadAsync(NeedsDatabase database, Guid needId, Caller caller, string visibility, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await Outbox.AddAsync(connection, transaction, new ConfidentialContentRead(
                Guid.NewGuid(), caller.UserId, caller.Role, caller.OrganisationId, "need", needId, visibility, DateTimeOffset.UtcNow));
            return true;
        }, ct);
}

/// <summary>A deal reaching introduced (or beyond) lets the technology's university know who owns the need.</summary>
public sealed class NeedsDealStageChangedConsumer(NeedsDatabase database) : IConsumer<DealStageChanged>
{
    public Task Consume(ConsumeContext<DealStageChanged> context) =>
        Inbox.HandleOnceAsync(database, context, "needs-deal-stage-changed", async (connection, transaction) =>
        {
            var deal = context.Message;
            if (deal.TechnologyOrganisationId is { } university && DealStageNames.IntroducedOrLater.Contains(deal.ToStage))
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO introductions (need_id, technology_organisation_id, introduced_at)
                    VALUES (@NeedId, @OrganisationId, @At)
                    ON CONFLICT (need_id, technology_organisation_id) DO NOTHING
                    """,
                    new { deal.NeedId, OrganisationId = university, At = deal.OccurredAt },
                    transaction);
            }
        });
}
