using System.Data.Common;
using Dapper;
using MassTransit;
using Matchmaking.Matching.Engine;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// A technology was withdrawn or a need closed: it leaves the index, and its matches stop being served.
/// </summary>
public static class RetireListing
{
    /// <summary>
    /// Applies one retirement inside the consumer's transaction; <c>false</c> when we already hold a newer state of the
    /// listing (the event was delivered out of order) and it was ignored.
    /// </summary>
    public static async Task<bool> HandleAsync(
        Guid listingId, ListingKind kind, Guid organisationId, DateTimeOffset occurredAt, IListingIndex index,
        DbConnection connection, DbTransaction transaction)
    {
        // A retirement that overtakes the publication leaves a closed placeholder, so the late publication is ignored.
        var applied = await connection.ExecuteAsync(
            """
            INSERT INTO listings (id, kind, organisation_id, title, body, keywords, sector, trl, language, visibility, open, updated_at)
            VALUES (@Id, @Kind, @OrganisationId, '', '', '[]', NULL, NULL, 'en', @Visibility, 0, @UpdatedAt)
            ON CONFLICT (id) DO UPDATE SET
                open = 0,
                updated_at = excluded.updated_at
            WHERE listings.updated_at <= excluded.updated_at
            """,
            new
            {
                Id = listingId,
                Kind = StoredListing.KindValue(kind),
                OrganisationId = organisationId,
                Visibility = kind == ListingKind.Need ? ListingVisibility.StaffOnly : ListingVisibility.Public,
                UpdatedAt = occurredAt,
            },
            transaction);
        if (applied != 1)
        {
            return false;
        }

        index.Delete(listingId);
        var column = kind == ListingKind.Technology ? "technology_id" : "need_id";
        await connection.ExecuteAsync(
            $"""
            UPDATE matches
            SET active = 0, updated_at = @Now
            WHERE {column} = @Id AND active = 1
            """,
            new { Id = listingId, Now = DateTimeOffset.UtcNow },
            transaction);
        return true;
    }
}

public sealed class MatchingTechnologyWithdrawnConsumer(MatchingDatabase database, IListingIndex index) : IConsumer<TechnologyWithdrawn>
{
    public Task Consume(ConsumeContext<TechnologyWithdrawn> context) =>
        Inbox.HandleOnceAsync(database, context, "matching-technology-withdrawn", (connection, transaction) =>
            RetireListing.HandleAsync(context.Message.TechnologyId, ListingKind.Technology, context.Message.OrganisationId,
                context.Message.OccurredAt, index, connection, transaction));
}

public sealed class MatchingNeedClosedConsumer(MatchingDatabase database, IListingIndex index) : IConsumer<NeedClosed>
{
    public Task Consume(ConsumeContext<NeedClosed> context) =>
        Inbox.HandleOnceAsync(database, context, "matching-need-closed", (connection, transaction) =>
            RetireListing.HandleAsync(context.Message.NeedId, ListingKind.Need, context.Message.OrganisationId,
                context.Message.OccurredAt, index, connection, transaction));
}
