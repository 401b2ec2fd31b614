using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Brokerage.Api.ReadModels;

/// <summary>
/// Brokerage's copy of what it needs about needs (owner, title, visibility, status). As with technologies, content
/// is taken only from a newer event and closing is final, whatever order the events arrive in.
/// </summary>
public static class NeedReadModel
{
    public const string Open = "open";
    public const string Closed = "closed";

    /// <summary>
    /// The content of many posted or updated events in one statement (a batch consumer's): of each need, its newest
    /// event, taken only if newer than the content held.
    /// </summary>
    public static async Task UpsertContentAsync(
        DbConnection connection, DbTransaction transaction,
        IEnumerable<(Guid Id, Guid OrganisationId, string Title, string Visibility, DateTimeOffset OccurredAt)> contents)
    {
        var newest = SqlRows.NewestPerKey(contents, c => c.Id, c => c.OccurredAt);
        foreach (var chunk in newest.Chunk(SqlRows.RowsPerStatement(6)))
        {
            var parameters = new DynamicParameters();
            var rows = SqlRows.Rows(connection, chunk, parameters, c => (c.Id, c.OrganisationId, c.Title, c.Visibility, Open, c.OccurredAt));
            await connection.ExecuteAsync(
                $"""
                INSERT INTO needs (id, organisation_id, title, visibility, status, content_at)
                {rows}
                ON CONFLICT (id) DO UPDATE SET
                    organisation_id = excluded.organisation_id,
                    title = excluded.title,
                    visibility = excluded.visibility,
                    content_at = excluded.content_at
                WHERE needs.content_at IS NULL OR needs.content_at <= excluded.content_at
                """,
                parameters,
                transaction);
        }
    }

    /// <summary>
    /// A batch of posted or updated events, each once (the inbox): their content upserted with the title opened, a
    /// missing title read as empty and a missing visibility as staff-only (the narrowest), so that one malformed event
    /// does not fail the batch.
    /// </summary>
    public static Task ConsumeContentAsync<T>(
        BrokerageDatabase database, ConfidentialText confidential, ConsumeContext<Batch<T>> context, string consumer,
        Func<T, (Guid Id, Guid OrganisationId, string? Title, string? Visibility, DateTimeOffset OccurredAt)> content)
        where T : class =>
        Inbox.HandleOnceAsync(database, context.Message.ToList(), consumer, (messages, connection, transaction) =>
                UpsertContentAsync(connection, transaction, messages
                    .Select(m => content(m.Message))
                    .Select(c => (c.Id, c.OrganisationId, confidential.Open(c.Title ?? ""), c.Visibility ?? "staff-only", c.OccurredAt))),
            context.CancellationToken);

    public static Task CloseAsync(
        DbConnection connection, DbTransaction transaction, Guid id, Guid organisationId, DateTimeOffset occurredAt) =>
        connection.ExecuteAsync(
            """
            INSERT INTO needs (id, organisation_id, title, visibility, status, content_at, closed_at)
            VALUES (@Id, @OrganisationId, '', 'staff-only', @Status, NULL, @OccurredAt)
            ON CONFLICT (id) DO UPDATE SET
                status = excluded.status,
                closed_at = COALESCE(needs.closed_at, excluded.closed_at)
            """,
            new { Id = id, OrganisationId = organisationId, Status = Closed, OccurredAt = occurredAt },
            transaction);
}

// Posted and updated events come in batches, as for technologies.
public sealed class BrokerageNeedPostedConsumer(BrokerageDatabase database, ConfidentialText confidential) : IConsumer<Batch<NeedPosted>>
{
    public Task Consume(ConsumeContext<Batch<NeedPosted>> context) =>
        NeedReadModel.ConsumeContentAsync(database, confidential, context, "brokerage-need-posted",
            m => (m.NeedId, m.OrganisationId, m.Title, m.Visibility, m.OccurredAt));
}

public sealed class BrokerageNeedUpdatedConsumer(BrokerageDatabase database, ConfidentialText confidential) : IConsumer<Batch<NeedUpdated>>
{
    public Task Consume(ConsumeContext<Batch<NeedUpdated>> context) =>
        NeedReadModel.ConsumeContentAsync(database, confidential, context, "brokerage-need-updated",
            m => (m.NeedId, m.OrganisationId, m.Title, m.Visibility, m.OccurredAt));
}

public sealed class BrokerageNeedClosedConsumer(BrokerageDatabase database) : IConsumer<NeedClosed>
{
    public Task Consume(ConsumeContext<NeedClosed> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-need-closed", (connection, transaction) =>
            NeedReadModel.CloseAsync(connection, transaction, context.Message.NeedId, context.Message.OrganisationId,
                context.Message.OccurredAt));
}
