using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Api.Notifications;
using Matchmaking.Matching.Contracts;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Brokerage.Api.ReadModels;

/// <summary>
/// The engine's suggestions, one row per match id. A suggestion carries both owners, so deals can be opened and
/// reported on before the technology or need events arrive; a later computation of the same match updates its score.
/// </summary>
public sealed class BrokerageMatchesSuggestedConsumer(BrokerageDatabase database) : IConsumer<MatchesSuggested>
{
    public Task Consume(ConsumeContext<MatchesSuggested> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-matches-suggested", async (connection, transaction) =>
        {
            // One statement for the whole message (a match appears once in it).
            var matches = context.Message.Matches.DistinctBy(match => match.MatchId).ToList();
            if (matches.Count > 0)
            {
                var parameters = new DynamicParameters();
                var values = SqlRows.Values(matches, parameters, match =>
                [
                    match.MatchId, match.TechnologyId, match.TechnologyOrganisationId, match.NeedId, match.NeedOrganisationId,
                    match.Score, context.Message.OccurredAt,
                ]);
                await connection.ExecuteAsync(
                    $"""
                    INSERT INTO suggestions (match_id, technology_id, technology_organisation_id, need_id, need_organisation_id, score, suggested_at)
                    VALUES {values}
                    ON CONFLICT (match_id) DO UPDATE SET
                        technology_id = excluded.technology_id,
                        technology_organisation_id = excluded.technology_organisation_id,
                        need_id = excluded.need_id,
                        need_organisation_id = excluded.need_organisation_id,
                        score = excluded.score,
                        suggested_at = excluded.suggested_at
                    WHERE suggestions.suggested_at <= excluded.suggested_at
                    """,
                    parameters,
                    transaction);
            }

            await MatchFoundNotifications.WriteAsync(connection, transaction, context.Message, context.MessageId);
        });
}
