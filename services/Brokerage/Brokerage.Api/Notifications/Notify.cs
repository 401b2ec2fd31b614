using System.Data.Common;
using Dapper;

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
        string kind, string title, string body, string link, string dedupeKey, DateTimeOffset at) =>
        AddAsync(connection, transaction, ToOrganisation, organisationId, kind, title, body, link, $"{dedupeKey}:{organisationId:D}", at);

    public static Task StaffAsync(
        DbConnection connection, DbTransaction transaction,
        string kind, string title, string body, string link, string dedupeKey, DateTimeOffset at) =>
        AddAsync(connection, transaction, ToStaff, null, kind, title, body, link, $"{dedupeKey}:staff", at);

    private static Task AddAsync(
        DbConnection connection, DbTransaction transaction, string audience, Guid? organisationId,
        string kind, string title, string body, string link, string dedupeKey, DateTimeOffset at) =>
        connection.ExecuteAsync(
            """
            INSERT INTO notifications (id, audience, organisation_id, kind, title, body, link, dedupe_key, created_at)
            VALUES (@Id, @Audience, @OrganisationId, @Kind, @Title, @Body, @Link, @DedupeKey, @CreatedAt)
            ON CONFLICT (dedupe_key) DO NOTHING
            """,
            new
            {
                Id = Guid.NewGuid(),
                Audience = audience,
                OrganisationId = organisationId?.ToString("D"),
                Kind = kind,
                Title = title,
                Body = body,
                Link = link,
                DedupeKey = dedupeKey,
                CreatedAt = at,
            },
            transaction);
}
