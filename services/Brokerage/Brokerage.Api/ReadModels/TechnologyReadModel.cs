using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Brokerage.Api.ReadModels;

/// <summary>
/// Brokerage's copy of what it needs about technologies (owner, title, status). Events may arrive in any order:
/// content is taken only from an event newer than the one already held, and withdrawal is final, so a late
/// published or updated event never brings a withdrawn technology back.
/// </summary>
public static class TechnologyReadModel
{
    public const string Published = "published";
    public const string Withdrawn = "withdrawn";

    /// <summary>
    /// The content of many published or updated events in one statement (a batch consumer's): of each technology, its
    /// newest event, taken only if newer than the content held.
    /// </summary>
    public static async Task UpsertContentAsync(
        DbConnection connection, DbTransaction transaction,
        IEnumerable<(Guid Id, Guid OrganisationId, string Title, DateTimeOffset OccurredAt)> contents)
    {
        var newest = SqlRows.NewestPerKey(contents, c => c.Id, c => c.OccurredAt);
        foreach (var chunk in newest.Chunk(SqlRows.RowsPerStatement(5)))
        {
            var parameters = new DynamicParameters();
            var rows = SqlRows.Rows(connection, chunk, parameters, c => (c.Id, c.OrganisationId, c.Title, Published, c.OccurredAt));
            await connection.ExecuteAsync(
                $"""
                INSERT INTO technologies (id, organisation_id, title, status, content_at)
                {rows}
                ON CONFLICT (id) DO UPDATE SET
                    organisation_id = excluded.organisation_id,
                    title = excluded.title,
                    content_at = excluded.content_at
                WHERE technologies.content_at IS NULL OR technologies.content_at <= excluded.content_at
                """,
                parameters,
                transaction);
        }
    }

    /// <summary>
    /// A batch of published or updated events, each once (the inbox): their content upserted, a missing title read as
    /// empty so that one malformed event does not fail the batch.
    /// </summary>
    public static Task ConsumeContentAsync<T>(
        BrokerageDatabase database, ConsumeContext<Batch<T>> context, string consumer,
        Func<T, (Guid Id, Guid OrganisationId, string? Title, DateTimeOffset OccurredAt)> content)
        where T : class =>
        Inbox.HandleOnceAsync(database, context.Message.ToList(), consumer, (messages, connection, transaction) =>
                UpsertContentAsync(connection, transaction, messages
                    .Select(m => content(m.Message))
                    .Select(c => (c.Id, c.OrganisationId, c.Title ?? "", c.OccurredAt))),
            context.CancellationToken);

    public static Task WithdrawAsync(
        DbConnection connection, DbTransaction transaction, Guid id, Guid organisationId, DateTimeOffset occurredAt) =>
        connection.ExecuteAsync(
            """
            INSERT INTO technologies (id, organisation_id, title, status, content_at, withdrawn_at)
            VALUES (@Id, @OrganisationId, '', @Status, NULL, @OccurredAt)
            ON CONFLICT (id) DO UPDATE SET
                status = excluded.status,
                withdrawn_at = COALESCE(technologies.withdrawn_at, excluded.withdrawn_at)
            """,
            new { Id = id, OrganisationId = organisationId, Status = Withdrawn, OccurredAt = occurredAt },
            transaction);
}

// Published and updated events come in batches: under a stream of posts one transaction and one statement serve many.
public sealed class BrokerageTechnologyPublishedConsumer(BrokerageDatabase database) : IConsumer<Batch<TechnologyPublished>>
{
    public Task Consume(ConsumeContext<Batch<TechnologyPublished>> context) =>
        TechnologyReadModel.ConsumeContentAsync(database, context, "brokerage-technology-published",
            m => (m.TechnologyId, m.OrganisationId, m.Title, m.OccurredAt));
}

public sealed class BrokerageTechnologyUpdatedConsumer(BrokerageDatabase database) : IConsumer<Batch<TechnologyUpdated>>
{
    public Task Consume(ConsumeContext<Batch<TechnologyUpdated>> context) =>
        TechnologyReadModel.ConsumeContentAsync(database, context, "brokerage-technology-updated",
            m => (m.TechnologyId, m.OrganisationId, m.Title, m.OccurredAt));
}

public sealed class BrokerageTechnologyWithdrawnConsumer(BrokerageDatabase database) : IConsumer<TechnologyWithdrawn>
{
    public Task Consume(ConsumeContext<TechnologyWithdrawn> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-technology-withdrawn", (connection, transaction) =>
            TechnologyReadModel.WithdrawAsync(connection, transaction,
                context.Message.TechnologyId, context.Message.OrganisationId, context.Message.OccurredAt));
}
