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
/// <remarks>Consumed in batches: one transaction, one upsert and one notification statement for many events.</remarks>
public sealed class BrokerageMatchesSuggestedConsumer(BrokerageDatabase database) : IConsumer<Batch<MatchesSuggested>>
{
    public Task Consume(ConsumeContext<Batch<MatchesSuggested>> context) =>
        Inbox.HandleOnceAsync(database, context.Message.ToList(), "brokerage-matches-suggested", async (messages, connection, transaction) =>
        {
            // One row per match id (a statement may not update a row twice; the newest computation wins), in one order of
            // ids so concurrent batches lock shared rows in the same order.
            var matches = SqlRows.NewestPerKey(
                messages.SelectMany(message => message.Message.Matches.Select(match => (Match: match, message.Message.OccurredAt))),
                suggestion => suggestion.Match.MatchId, suggestion => suggestion.OccurredAt);

            // Only pairs not suggested before are notified. PostgreSQL tells which rows the upsert inserted (xmax is 0 on a
            // row version no one has updated or locked), exactly even when replicas upsert the same pair at once: the
            // second waits for the first and updates. SQLite, which has no such column, serialises writers, so a look-up
            // in the transaction before the upsert is as exact.
            var fresh = new HashSet<Guid>();
            if (!database.IsPostgres)
            {
                var ids = matches.Select(suggestion => suggestion.Match.MatchId).ToList();
                var known = new HashSet<Guid>();
                foreach (var chunk in ids.Chunk(SqlRows.ParametersPerStatement))
                {
                    var parameters = new DynamicParameters();
                    known.UnionWith((await connection.QueryAsync<string>(
                        $"SELECT match_id FROM suggestions WHERE match_id {SqlRows.In(connection, chunk, parameters)}",
                        parameters,
                        transaction)).Select(Guid.Parse));
                }

                fresh.UnionWith(ids.Where(id => !known.Contains(id)));
            }

            // The technology's owner is told of a pair once, when its need is first seen public or anonymous: a pair
            // suggested while its need was staff-only is kept untold (technology_owner_told = 0) and told when a later
            // computation finds the need visible. The upsert keeps the stored flag, so what it returns for a known pair
            // is whether the owner was told before. Seen visible in any event of the batch is told, in the first such
            // event, as it would be were the events consumed one by one, even if a newer one finds the need staff-only.
            var untold = new HashSet<Guid>();
            var toTell = new List<Guid>();
            var seenVisible = messages.SelectMany(message => message.Message.Matches)
                .Where(MatchFoundNotifications.Visible).Select(match => match.MatchId).ToHashSet();
            foreach (var chunk in matches.Chunk(SqlRows.RowsPerStatement(8)))
            {
                var parameters = new DynamicParameters();
                var rows = SqlRows.Rows(connection, chunk, parameters, suggestion =>
                (
                    suggestion.Match.MatchId, suggestion.Match.TechnologyId, suggestion.Match.TechnologyOrganisationId,
                    suggestion.Match.NeedId, suggestion.Match.NeedOrganisationId, suggestion.Match.Score, suggestion.OccurredAt,
                    seenVisible.Contains(suggestion.Match.MatchId) ? 1 : 0
                ));
                var upserted = await connection.QueryAsync<(string MatchId, bool Inserted, bool Told)>(
                    $"""
                    INSERT INTO suggestions (match_id, technology_id, technology_organisation_id, need_id, need_organisation_id, score, suggested_at,
                                             technology_owner_told)
                    {rows}
                    ON CONFLICT (match_id) DO UPDATE SET
                        technology_id = excluded.technology_id,
                        technology_organisation_id = excluded.technology_organisation_id,
                        need_id = excluded.need_id,
                        need_organisation_id = excluded.need_organisation_id,
                        score = excluded.score,
                        suggested_at = excluded.suggested_at
                    WHERE suggestions.suggested_at <= excluded.suggested_at
                    RETURNING match_id, {(database.IsPostgres ? "xmax = 0" : "0")}, technology_owner_told
                    """,
                    parameters,
                    transaction);
                foreach (var (matchId, inserted, told) in upserted)
                {
                    var id = Guid.Parse(matchId);
                    if (database.IsPostgres ? inserted : fresh.Contains(id))
                    {
                        fresh.Add(id);
                        untold.Add(id);
                    }
                    else if (!told && seenVisible.Contains(id))
                    {
                        toTell.Add(id);
                    }
                }
            }

            // Known pairs whose owner was not told and whose need is visible now: told now, by exactly one writer (the
            // flag is taken in the update), and never again.
            foreach (var chunk in toTell.Order().Chunk(SqlRows.ParametersPerStatement))
            {
                var parameters = new DynamicParameters();
                untold.UnionWith((await connection.QueryAsync<string>(
                    $"""
                    UPDATE suggestions SET technology_owner_told = 1
                    WHERE match_id {SqlRows.In(connection, chunk, parameters)} AND technology_owner_told = 0
                    RETURNING match_id
                    """,
                    parameters,
                    transaction)).Select(Guid.Parse));
            }

            // A pair named by several events of the batch is announced in the first of them only; to the technology's
            // owner, in the first that finds its need visible.
            await Notify.AddAsync(connection, transaction, messages
                .SelectMany(message => MatchFoundNotifications.For(message.Message, message.MessageId,
                    message.Message.Matches.Where(match => fresh.Remove(match.MatchId)).ToList(),
                    message.Message.Matches.Where(match => MatchFoundNotifications.Visible(match) && untold.Remove(match.MatchId)).ToList()))
                .ToList());
        }, context.CancellationToken);
}
