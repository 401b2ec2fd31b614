using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Needs.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Brokerage.Api.ReadModels;

/// <summary>
/// Brokerage's copy of what it needs about needs (owner, title, visibility, status). As with technologies, content
/// is taken only from a newer event and closing is final, whatever order the events arrive in.
/// </summary>
public static class NeedReadModel
{
    public const string Open = "open";
    public const string Closed = "closed";

    public static Task UpsertContentAsync(
        DbConnection connection, DbTransaction transaction,
        Guid id, Guid organisationId, string title, string visibility, DateTimeOffset occurredAt) =>
        connection.ExecuteAsync(
            """
            INSERT INTO needs (id, organisation_id, title, visibility, status, content_at, closed_at)
            VALUES (@Id, @OrganisationId, @Title, @Visibility, @Status, @OccurredAt, NULL)
            ON CONFLICT (id) DO UPDATE SET
                organisation_id = excluded.organisation_id,
                title = excluded.title,
                visibility = excluded.visibility,
                content_at = excluded.content_at
            WHERE needs.content_at IS NULL OR needs.content_at <= excluded.content_at
            """,
            new { Id = id, OrganisationId = organisationId, Title = title, Visibility = visibility, Status = Open, OccurredAt = occurredAt },
            transaction);

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

public sealed class BrokerageNeedPostedConsumer(BrokerageDatabase database, ConfidentialText confidential) : IConsumer<NeedPosted>
{
    public Task Consume(ConsumeContext<NeedPosted> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-need-posted", (connection, transaction) =>
            NeedReadModel.UpsertContentAsync(connection, transaction, context.Message.NeedId, context.Message.OrganisationId,
                confidential.Open(context.Message.Title), context.Message.Visibility, context.Message.OccurredAt));
}

public sealed class BrokerageNeedUpdatedConsumer(BrokerageDatabase database, ConfidentialText confidential) : IConsumer<NeedUpdated>
{
    public Task Consume(ConsumeContext<NeedUpdated> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-need-updated", (connection, transaction) =>
            NeedReadModel.UpsertContentAsync(connection, transaction, context.Message.NeedId, context.Message.OrganisationId,
                confidential.Open(context.Message.Title), context.Message.Visibility, context.Message.OccurredAt));
}

public sealed class BrokerageNeedClosedConsumer(BrokerageDatabase database) : IConsumer<NeedClosed>
{
    public Task Consume(ConsumeContext<NeedClosed> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-need-closed", (connection, transaction) =>
            NeedReadModel.CloseAsync(connection, transaction, context.Message.NeedId, context.Message.OrganisationId,
                context.Message.OccurredAt));
}
