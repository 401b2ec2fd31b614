using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// What Matching learns from Brokerage's deals: a deal opened for a pair accepts its match (the review queue), and a
/// deal that reached introduced lets the technology's owner know who owns an anonymous need.
/// </summary>
public sealed class MatchingDealStageChangedConsumer(MatchingDatabase database) : IConsumer<DealStageChanged>
{
    public Task Consume(ConsumeContext<DealStageChanged> context) =>
        Inbox.HandleOnceAsync(database, context, "matching-deal-stage-changed", async (connection, transaction) =>
        {
            var deal = context.Message;
            if (deal.FromStage is null)
            {
                await connection.ExecuteAsync(
                    """
                    UPDATE matches
                    SET status = 'accepted', status_at = @At
                    WHERE technology_id = @TechnologyId AND need_id = @NeedId
                    """,
                    new { deal.TechnologyId, deal.NeedId, At = deal.OccurredAt },
                    transaction);
            }

            if (DealStageNames.IntroducedOrLater.Contains(deal.ToStage))
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO introductions (technology_id, need_id, introduced_at)
                    VALUES (@TechnologyId, @NeedId, @At)
                    ON CONFLICT (technology_id, need_id) DO NOTHING
                    """,
                    new { deal.TechnologyId, deal.NeedId, At = deal.OccurredAt },
                    transaction);
            }
        });
}
