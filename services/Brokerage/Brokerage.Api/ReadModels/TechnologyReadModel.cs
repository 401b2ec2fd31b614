using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

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

    public static Task UpsertContentAsync(
        DbConnection connection, DbTransaction transaction, Guid id, Guid organisationId, string title, DateTimeOffset occurredAt) =>
        connection.ExecuteAsync(
            """
            INSERT INTO technologies (id, organisation_id, title, status, content_at, withdrawn_at)
            VALUES (@Id, @OrganisationId, @Title, @Status, @OccurredAt, NULL)
            ON CONFLICT (id) DO UPDATE SET
                organisation_id = excluded.organisation_id,
                title = excluded.title,
                content_at = excluded.content_at
            WHERE technologies.content_at IS NULL OR technologies.content_at <= excluded.content_at
            """,
            new { Id = id, OrganisationId = organisationId, Title = title, Status = Published, OccurredAt = occurredAt },
            transaction);

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

public sealed class BrokerageTechnologyPublishedConsumer(BrokerageDatabase database) : IConsumer<TechnologyPublished>
{
    public Task Consume(ConsumeContext<TechnologyPublished> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-technology-published", (connection, transaction) =>
            TechnologyReadModel.UpsertContentAsync(connection, transaction,
                context.Message.TechnologyId, context.Message.OrganisationId, context.Message.Title, context.Message.OccurredAt));
}

public sealed class BrokerageTechnologyUpdatedConsumer(BrokerageDatabase database) : IConsumer<TechnologyUpdated>
{
    public Task Consume(ConsumeContext<TechnologyUpdated> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-technology-updated", (connection, transaction) =>
            TechnologyReadModel.UpsertContentAsync(connection, transaction,
                context.Message.TechnologyId, context.Message.OrganisationId, context.Message.Title, context.Message.OccurredAt));
}

public sealed class BrokerageTechnologyWithdrawnConsumer(BrokerageDatabase database) : IConsumer<TechnologyWithdrawn>
{
    public Task Consume(ConsumeContext<TechnologyWithdrawn> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-technology-withdrawn", (connection, transaction) =>
            TechnologyReadModel.WithdrawAsync(connection, transaction,
                context.Message.TechnologyId, context.Message.OrganisationId, context.Message.OccurredAt));
}
