using System.Data.Common;
using Dapper;
using Matchmaking.Brokerage.Api.Notifications;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>
/// The caller's in-app inbox: notifications to their organisation, or to staff when they are staff or admin; read
/// state is per user. GET /api/notifications?unread=true, POST /api/notifications/{id}/read, POST /api/notifications/read-all.
/// </summary>
public static class NotificationInbox
{
    /// <param name="Template">What it says as a text key and values, for a client to say it in its reader's language; null
    /// for notifications written before templates (title and body are English).</param>
    public sealed record Item(Guid Id, string Kind, string Title, string Body, string Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt,
        NotificationTemplate? Template);

    public sealed record Response(long Total, long Unread, int Page, int PageSize, IReadOnlyList<Item> Items);

    /// <summary>Notifications addressed to the caller (bound with <see cref="Parameters"/>), from <c>notifications x</c>.</summary>
    private const string ForCaller =
        """
        ((@IsStaff = 1 AND x.audience = 'staff')
         OR (x.audience = 'organisation' AND x.organisation_id = @OrganisationId))
        """;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/notifications", async (bool? unread, string? page, string? pageSize, HttpContext http, BrokerageDatabase database, CancellationToken ct) =>
            {
                var errors = new ValidationErrors();
                var (pageNumber, size) = Paging.Parse(errors, page, pageSize);
                if (errors.Any)
                {
                    return errors.ToResult();
                }

                return Results.Ok(await ListAsync(Caller.From(http.User), unread == true, pageNumber, size, database, ct));
            })
            .RequireAuthorization()
            .WithName("ListNotifications")
            .WithTags("Notifications")
            .Produces<Response>()
            .ProducesValidationProblem();

        endpoints.MapPost("/api/notifications/{id:guid}/read", async (Guid id, HttpContext http, BrokerageDatabase database, CancellationToken ct) =>
                await MarkReadAsync(Caller.From(http.User), id, database, ct)
                    ? Results.NoContent()
                    : Results.Problem(title: "Notification not found.", statusCode: StatusCodes.Status404NotFound))
            .RequireAuthorization()
            .WithName("MarkNotificationRead")
            .WithTags("Notifications")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapPost("/api/notifications/read-all", async (HttpContext http, BrokerageDatabase database, CancellationToken ct) =>
            {
                await MarkAllReadAsync(Caller.From(http.User), database, ct);
                return Results.NoContent();
            })
            .RequireAuthorization()
            .WithName("MarkAllNotificationsRead")
            .WithTags("Notifications")
            .Produces(StatusCodes.Status204NoContent);
    }

    public static async Task<Response> ListAsync(Caller caller, bool unreadOnly, int page, int pageSize, BrokerageDatabase database, CancellationToken ct)
    {
        var parameters = Parameters(caller);
        parameters.Add("UnreadOnly", unreadOnly ? 1 : 0);
        parameters.Add("Take", pageSize);
        parameters.Add("Skip", (long)(page - 1) * pageSize);
        const string From =
            $"""
            FROM notifications x
            LEFT JOIN notification_reads r ON r.notification_id = x.id AND r.user_id = @UserId
            WHERE {ForCaller}
            """;
        await using var connection = await database.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) AS Total {From} AND (@UnreadOnly = 0 OR r.read_at IS NULL)", parameters);
        var unread = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) AS Unread {From} AND r.read_at IS NULL", parameters);
        var rows = await connection.QueryAsync<Row>(
            $"""
            SELECT x.id AS Id, x.kind AS Kind, x.title AS Title, x.body AS Body, x.link AS Link, x.template AS Template,
                   x.created_at AS CreatedAt, r.read_at AS ReadAt
            {From} AND (@UnreadOnly = 0 OR r.read_at IS NULL)
            ORDER BY x.created_at DESC, x.id
            LIMIT @Take OFFSET @Skip
            """,
            parameters);
        return new Response(total, unread, page, pageSize,
            rows.Select(r => new Item(r.Id, r.Kind, r.Title, r.Body, r.Link, r.CreatedAt, r.ReadAt, NotificationTemplate.FromJson(r.Template))).ToList());
    }

    /// <returns>false when the notification is not the caller's (or does not exist).</returns>
    public static Task<bool> MarkReadAsync(Caller caller, Guid id, BrokerageDatabase database, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var parameters = Parameters(caller);
            parameters.Add("Id", id);
            parameters.Add("Now", DateTimeOffset.UtcNow);
            var mine = await connection.ExecuteScalarAsync<long>(
                $"SELECT COUNT(*) AS Mine FROM notifications x WHERE x.id = @Id AND {ForCaller}", parameters, transaction);
            if (mine == 0)
            {
                return false;
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO notification_reads (notification_id, user_id, read_at)
                VALUES (@Id, @UserId, @Now)
                ON CONFLICT (notification_id, user_id) DO NOTHING
                """,
                parameters,
                transaction);
            return true;
        }, ct);

    public static Task MarkAllReadAsync(Caller caller, BrokerageDatabase database, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var parameters = Parameters(caller);
            parameters.Add("Now", DateTimeOffset.UtcNow);
            await connection.ExecuteAsync(
                $"""
                INSERT INTO notification_reads (notification_id, user_id, read_at)
                SELECT x.id, @UserId, @Now
                FROM notifications x
                WHERE {ForCaller}
                ON CONFLICT (notification_id, user_id) DO NOTHING
                """,
                parameters,
                transaction);
            return true;
        }, ct);

    /// <summary>
    /// Notifications for a user that arrived in the inbox after <paramref name="since"/> (up to <paramref name="until"/>)
    /// and are unread, in order of
    /// arrival, with their arrival times (for the e-mail digest: an event delivered late still arrives after the last
    /// digest, although it happened before it).
    /// </summary>
    public static async Task<IReadOnlyList<(Item Item, DateTimeOffset ArrivedAt)>> UnreadArrivedSinceAsync(
        DbConnection connection, Guid userId, string role, Guid organisationId, DateTimeOffset since, DateTimeOffset until)
    {
        var parameters = Parameters(new Caller(userId, "", role, organisationId));
        parameters.Add("Since", since);
        parameters.Add("Until", until);
        var rows = await connection.QueryAsync<Row>(
            $"""
            SELECT x.id AS Id, x.kind AS Kind, x.title AS Title, x.body AS Body, x.link AS Link, x.template AS Template,
                   x.created_at AS CreatedAt, r.read_at AS ReadAt, x.arrived_at AS ArrivedAt
            FROM notifications x
            LEFT JOIN notification_reads r ON r.notification_id = x.id AND r.user_id = @UserId
            WHERE {ForCaller} AND r.read_at IS NULL AND x.arrived_at > @Since AND x.arrived_at <= @Until
            ORDER BY x.arrived_at, x.id
            """,
            parameters);
        return rows.Select(r => (new Item(r.Id, r.Kind, r.Title, r.Body, r.Link, r.CreatedAt, r.ReadAt, NotificationTemplate.FromJson(r.Template)), r.ArrivedAt)).ToList();
    }

    private static DynamicParameters Parameters(Caller caller)
    {
        var parameters = new DynamicParameters();
        parameters.Add("IsStaff", caller.IsStaff ? 1 : 0);
        parameters.Add("OrganisationId", caller.OrganisationId.ToString("D"));
        parameters.Add("UserId", caller.UserId);
        return parameters;
    }

    private sealed class Row
    {
        public Guid Id { get; init; }

        public string Kind { get; init; } = "";

        public string? Template { get; init; }

        public string Title { get; init; } = "";

        public string Body { get; init; } = "";

        public string Link { get; init; } = "";

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? ReadAt { get; init; }

        public DateTimeOffset ArrivedAt { get; init; }
    }
}
