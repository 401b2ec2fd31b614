using System.Data.Common;
using Dapper;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Brokerage.Api.Notifications;

/// <summary>Writes notifications into the inbox, once per dedupe key, in the caller's transaction.</summary>
public static class Notify
{
    public const string MatchFound = "match-found";
    public const string InterestExpressed = "interest-expressed";
    public const string DealStageChanged = "deal-stage-changed";
    public const string DealIdle = "deal-idle";

    public const string ToOrganisation = "organisation";
    public const string ToStaff = "staff";

    public static Task OrganisationAsync(
        DbConnection connection, DbTransaction transaction, Guid organisationId,
        string kind, string title, string body, string link, string dedupeKey, DateTimeOffset at, NotificationTemplate? template = null) =>
        AddAsync(connection, transaction, [ForOrganisation(organisationId, kind, title, body, link, dedupeKey, at, template)]);

    public static Task StaffAsync(
        DbConnection connection, DbTransaction transaction,
        string kind, string title, string body, string link, string dedupeKey, DateTimeOffset at, NotificationTemplate? template = null) =>
        AddAsync(connection, transaction, [ForStaff(kind, title, body, link, dedupeKey, at, template)]);

    /// <summary>A notification to every user of an organisation, once per dedupe key and organisation.</summary>
    public static Notification ForOrganisation(
        Guid organisationId, string kind, string title, string body, string link, string dedupeKey, DateTimeOffset at,
        NotificationTemplate? template = null) =>
        new(ToOrganisation, organisationId, kind, title, body, link, $"{dedupeKey}:{organisationId:D}", at, template);

    /// <summary>A notification to centre staff, once per dedupe key.</summary>
    public static Notification ForStaff(
        string kind, string title, string body, string link, string dedupeKey, DateTimeOffset at, NotificationTemplate? template = null) =>
        new(ToStaff, null, kind, title, body, link, $"{dedupeKey}:staff", at, template);

    /// <summary>Writes the notifications, many to a statement; a dedupe key already written (or repeated) is written once.</summary>
    public static async Task AddAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Notification> notifications)
    {
        var arrived = DateTimeOffset.UtcNow;
        var distinct = notifications.DistinctBy(n => n.DedupeKey, StringComparer.Ordinal).ToList();
        foreach (var chunk in distinct.Chunk(SqlRows.RowsPerStatement(11)))
        {
            var parameters = new DynamicParameters();
            var rows = SqlRows.Rows(connection, chunk, parameters, n =>
                (Guid.NewGuid(), n.Audience, n.OrganisationId, n.Kind, n.Title, n.Body, n.Link, n.DedupeKey, n.At, arrived,
                    n.Template?.ToJson()));
            await connection.ExecuteAsync(
                $"""
                INSERT INTO notifications (id, audience, organisation_id, kind, title, body, link, dedupe_key, created_at, arrived_at, template)
                {rows}
                ON CONFLICT (dedupe_key) DO NOTHING
                """,
                parameters,
                transaction);
        }
    }
}

/// <summary>One notification to write: to an organisation's users or to staff.</summary>
public sealed record Notification(
    string Audience, Guid? OrganisationId, string Kind, string Title, string Body, string Link, string DedupeKey, DateTimeOffset At,
    NotificationTemplate? Template = null);

/// <summary>
/// What a notification says, for a page to say in the reader's language: a key (the web application's text
/// <c>notice.{Key}.title</c> and <c>.body</c>) and the values it names, e.g. a count or a deal's stages as their codes.
/// </summary>
public sealed record NotificationTemplate(string Key, IReadOnlyDictionary<string, string> Args)
{
    public NotificationTemplate(string key, params (string Name, object Value)[] args)
        : this(key, args.ToDictionary(a => a.Name, a => Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))
    {
    }

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(new { key = Key, args = Args });

    public static NotificationTemplate? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        return new NotificationTemplate(
            root.GetProperty("key").GetString() ?? "",
            root.GetProperty("args").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""));
    }
}
