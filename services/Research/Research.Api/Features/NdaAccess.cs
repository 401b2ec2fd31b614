using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Research.Api.Features;

/// <summary>Which enterprises signed an NDA for a technology in a deal (learnt from Brokerage's events), and auditing of detail reads.</summary>
public static class NdaAccess
{
    public static async Task<bool> IsGrantedAsync(DbConnection connection, Guid technologyId, Caller caller, CancellationToken ct) =>
        caller.Role == Roles.Enterprise
        && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) AS Granted FROM nda_access WHERE technology_id = @TechnologyId AND organisation_id = @OrganisationId",
            new { TechnologyId = technologyId, caller.OrganisationId },
            cancellationToken: ct)) > 0;

    /// <summary>The technologies whose details the caller's enterprise may read by NDA.</summary>
    public static async Task<IReadOnlySet<Guid>> GrantedAsync(DbConnection connection, Caller caller, CancellationToken ct) =>
        caller.Role != Roles.Enterprise
            ? new HashSet<Guid>()
            : (await connection.QueryAsync<Guid>(new CommandDefinition(
                "SELECT technology_id AS TechnologyId FROM nda_access WHERE organisation_id = @OrganisationId",
                new { caller.OrganisationId },
                cancellationToken: ct))).ToHashSet();

    /// <summary>Records, through the outbox, that someone other than the owner read a technology's details (ids only).</summary>
    public static Task AuditReadAsync(ResearchDatabase database, Guid technologyId, Caller caller, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await Outbox.AddAsync(connection, transaction, new ConfidentialContentRead(
                Guid.NewGuid(), caller.UserId, caller.Role, caller.OrganisationId, "technology", technologyId, "details", DateTimeOffset.UtcNow));
            return true;
        }, ct);
}

/// <summary>A deal reaching nda-signed (or beyond) opens the technology's details to the need's enterprise.</summary>
public sealed class ResearchDealStageChangedConsumer(ResearchDatabase database) : IConsumer<DealStageChanged>
{
    public Task Consume(ConsumeContext<DealStageChanged> context) =>
        Inbox.HandleOnceAsync(database, context, "research-deal-stage-changed", async (connection, transaction) =>
        {
            var deal = context.Message;
            if (deal.NeedOrganisationId is { } enterprise && DealStageNames.NdaSignedOrLater.Contains(deal.ToStage))
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO nda_access (technology_id, organisation_id, granted_at)
                    VALUES (@TechnologyId, @OrganisationId, @At)
                    ON CONFLICT (technology_id, organisation_id) DO NOTHING
                    """,
                    new { deal.TechnologyId, OrganisationId = enterprise, At = deal.OccurredAt },
                    transaction);
            }
        });
}
