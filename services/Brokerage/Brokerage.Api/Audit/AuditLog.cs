using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Brokerage.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Brokerage.Api.Audit;

/// <summary>The append-only audit log (the database refuses updates and deletes of its rows).</summary>
public static class AuditLog
{
    public const string ReadConfidential = "read-confidential";
    public const string DealStageChanged = "deal-stage-changed";

    public static Task AppendAsync(
        DbConnection connection, DbTransaction transaction, Guid id, DateTimeOffset at, Guid? actorUserId, string? actorRole,
        string action, string resourceType, Guid resourceId, string? detail) =>
        connection.ExecuteAsync(
            """
            INSERT INTO audit_log (id, at, actor_user_id, actor_role, action, resource_type, resource_id, detail)
            VALUES (@Id, @At, @ActorUserId, @ActorRole, @Action, @ResourceType, @ResourceId, @Detail)
            ON CONFLICT (id) DO NOTHING
            """,
            new
            {
                Id = id,
                At = at,
                ActorUserId = actorUserId?.ToString("D"),
                ActorRole = actorRole,
                Action = action,
                ResourceType = resourceType,
                ResourceId = resourceId,
                Detail = detail,
            },
            transaction);
}

/// <summary>Reads of confidential content reported by Research and Needs.</summary>
public sealed class BrokerageConfidentialContentReadConsumer(BrokerageDatabase database) : IConsumer<ConfidentialContentRead>
{
    public Task Consume(ConsumeContext<ConfidentialContentRead> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-confidential-content-read", (connection, transaction) =>
        {
            var read = context.Message;
            return AuditLog.AppendAsync(connection, transaction, read.AuditId, read.OccurredAt, read.ActorUserId, read.ActorRole,
                AuditLog.ReadConfidential, read.ResourceType, read.ResourceId, read.Detail);
        });
}
