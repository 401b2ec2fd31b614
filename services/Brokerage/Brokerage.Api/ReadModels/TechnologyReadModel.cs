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
        // One row per id (a statement may not update a row twice), in one order of ids so concurrent batches lock shared
        // rows in the same order.
        var newest = contents.GroupBy(c => c.Id).Select(group => group.MaxBy(c => c.OccurredAt)).OrderBy(c => c.Id).ToList();
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
        Inbox.HandleOnceAsync(database, context.Message.ToList(), "brokerage-technology-published", (messages, connection, transaction) =>
            TechnologyReadModel.UpsertContentAsync(connection, transaction,
                messages.Select(m => (m.Message.TechnologyId, m.Message.OrganisationId, m.Message.Title ?? "", m.Message.OccurredAt))),
            context.CancellationToken);
}

public sealed class BrokerageTechnologyUpdatedConsumer(BrokerageDatabase database) : IConsumer<Batch<TechnologyUpdated>>
{
    public Task Consume(ConsumeContext<Batch<TechnologyUpdated>> context) =>
        Inbox.HandleOnceAsync(database, context.Message.ToList(), "brokerage-technology-updated", (messages, connection, transaction) =>
            TechnologyReadModel.UpsertContentAsync(connection, transaction,
                messages.Select(m => (m.Message.TechnologyId, m.Message.OrganisationId, m.Message.Title ?? "", m.Message.OccurredAt))),
            context.CancellationToken);
}

public sealed class BrokerageTechnologyWithdrawnConsumer(BrokerageDatabase database) : IConsumer<TechnologyWithdrawn>
{
    public Task Consume(ConsumeContext<TechnologyWithdrawn> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-technology-withdrawn", (connection, transaction) =>
            TechnologyReadModel.WithdrawAsync(connection, transaction,
                context.Message.TechnologyId, context.Message.OrganisationId, context.Message.OccurredAt));
}
