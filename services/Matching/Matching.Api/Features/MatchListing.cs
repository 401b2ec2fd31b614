using System.Data.Common;
using System.Text.Json;
using Dapper;
using MassTransit;
using Matchmaking.Matching.Contracts;
using Matchmaking.Matching.Engine;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Storage;
using Matchmaking.Text;
using Microsoft.Extensions.Options;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// A technology was published or changed, or a need was posted or changed: keep our copy, index it, match it against
/// the other side and store the best candidates as suggestions (announced with <see cref="MatchesSuggested"/>).
/// </summary>
public static class MatchListing
{
    /// <summary>
    /// Matches still held by a changed listing stay active while they rank within this many times TopN; a match found
    /// from the other side must not vanish just because it is not in this listing's own top N.
    /// </summary>
    private const int KeepWithinTopNTimes = 5;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static Listing FromEvent(TechnologyPublished e) =>
        Technology(e.TechnologyId, e.OrganisationId, e.Title, e.Summary, e.Keywords, e.Sector, e.Trl, e.Language, e.OccurredAt);

    public static Listing FromEvent(TechnologyUpdated e) =>
        Technology(e.TechnologyId, e.OrganisationId, e.Title, e.Summary, e.Keywords, e.Sector, e.Trl, e.Language, e.OccurredAt);

    // A staff-only need's text arrives sealed (ConfidentialText); opened here, it lives only in this service's database and index.
    public static Listing FromEvent(NeedPosted e, ConfidentialText confidential) =>
        Need(e.NeedId, e.OrganisationId, confidential.Open(e.Title), confidential.Open(e.Problem), confidential.Open(e.Keywords),
            e.Sector, e.MinTrl, e.Visibility, e.Language, e.OccurredAt);

    public static Listing FromEvent(NeedUpdated e, ConfidentialText confidential) =>
        Need(e.NeedId, e.OrganisationId, confidential.Open(e.Title), confidential.Open(e.Problem), confidential.Open(e.Keywords),
            e.Sector, e.MinTrl, e.Visibility, e.Language, e.OccurredAt);

    /// <summary>
    /// Applies one listing event inside the consumer's transaction. Returns the suggestions written, or <c>null</c> when
    /// the event is older than what we hold (delivered out of order) and was ignored.
    /// </summary>
    public static async Task<IReadOnlyList<SuggestedMatch>?> HandleAsync(
        Listing listing, IListingIndex index, int topN, DbConnection connection, DbTransaction transaction)
    {
        if (!await StoreAsync(listing, connection, transaction))
        {
            return null;
        }

        var isTechnology = listing.Kind == ListingKind.Technology;
        var ownColumn = isTechnology ? "technology_id" : "need_id";
        var otherColumn = isTechnology ? "need_id" : "technology_id";
        var previouslyActive = (await connection.QueryAsync<string>(
            $"""
            SELECT {otherColumn} AS CounterpartId
            FROM matches
            WHERE {ownColumn} = @Id AND active = 1
            """,
            new { listing.Id },
            transaction)).Select(Guid.Parse).ToHashSet();

        // The index is outside the transaction; an upsert is idempotent, so a retried message does no harm. A listing
        // without active matches (a new one, mostly) needs only its top N; one with matches is ranked deeper, to tell
        // which of them still rank well enough to keep.
        index.Upsert(listing);
        var candidates = index.Match(listing, previouslyActive.Count == 0 ? topN : topN * KeepWithinTopNTimes);

        var now = DateTimeOffset.UtcNow;
        var kept = new List<(SuggestedMatch Match, MatchCandidate Candidate, bool Suggestion)>();
        for (var rank = 0; rank < candidates.Count; rank++)
        {
            var candidate = candidates[rank];
            var isSuggestion = rank < topN;
            if (!isSuggestion && !previouslyActive.Contains(candidate.Id))
            {
                continue;
            }

            var match = isTechnology
                ? new SuggestedMatch(Guid.Empty, listing.Id, listing.OrganisationId, candidate.Id, candidate.OrganisationId, candidate.Score)
                : new SuggestedMatch(Guid.Empty, candidate.Id, candidate.OrganisationId, listing.Id, listing.OrganisationId, candidate.Score);
            kept.Add((match, candidate, isSuggestion));
        }

        var matchIds = await UpsertMatchesAsync(kept.Select(k => (k.Match, k.Candidate)).ToList(), now, connection, transaction);
        var suggested = kept
            .Where(k => k.Suggestion)
            .Select(k => k.Match with { MatchId = matchIds[(k.Match.TechnologyId, k.Match.NeedId)] })
            .ToList();

        // Matches this listing held that no longer rank: retired, in one statement.
        var dropped = previouslyActive.Except(candidates.Select(c => c.Id)).Order().ToList();
        if (dropped.Count > 0)
        {
            var parameters = new DynamicParameters(new { listing.Id, Now = now });
            await connection.ExecuteAsync(
                $"""
                UPDATE matches
                SET active = 0, updated_at = @Now
                WHERE {ownColumn} = @Id AND {otherColumn} IN ({SqlRows.List(dropped, parameters)})
                """,
                parameters,
                transaction);
        }

        if (suggested.Count > 0)
        {
            await Outbox.AddAsync(connection, transaction,
                new MatchesSuggested(listing.Id, StoredListing.KindValue(listing.Kind),
                    await NeedAccess.AnnotateAsync(suggested, connection, transaction), now));
        }

        return suggested;
    }

    /// <summary>Upserts our copy unless it already holds a newer state; <c>false</c> when the event is stale.</summary>
    internal static async Task<bool> StoreAsync(Listing listing, DbConnection connection, DbTransaction transaction)
    {
        var applied = await connection.ExecuteAsync(
            """
            INSERT INTO listings (id, kind, organisation_id, title, body, keywords, sector, trl, language, visibility, open, updated_at)
            VALUES (@Id, @Kind, @OrganisationId, @Title, @Body, @Keywords, @Sector, @Trl, @Language, @Visibility, @Open, @UpdatedAt)
            ON CONFLICT (id) DO UPDATE SET
                kind = excluded.kind,
                organisation_id = excluded.organisation_id,
                title = excluded.title,
                body = excluded.body,
                keywords = excluded.keywords,
                sector = excluded.sector,
                trl = excluded.trl,
                language = excluded.language,
                visibility = excluded.visibility,
                open = excluded.open,
                updated_at = excluded.updated_at
            WHERE listings.updated_at <= excluded.updated_at
            """,
            new
            {
                listing.Id,
                Kind = StoredListing.KindValue(listing.Kind),
                listing.OrganisationId,
                listing.Title,
                listing.Body,
                Keywords = StoredListing.SerializeKeywords(listing.Keywords),
                listing.Sector,
                listing.Trl,
                listing.Language,
                listing.Visibility,
                Open = listing.Open ? 1 : 0,
                listing.UpdatedAt,
            },
            transaction);
        return applied == 1;
    }

    // Every kept pair in one statement. On a known pair the row is updated in place, so its match_id (which Brokerage
    // may hold) never changes; the ids come back keyed by pair, since RETURNING promises no order.
    private static async Task<Dictionary<(Guid TechnologyId, Guid NeedId), Guid>> UpsertMatchesAsync(
        IReadOnlyList<(SuggestedMatch Match, MatchCandidate Candidate)> pairs, DateTimeOffset now, DbConnection connection, DbTransaction transaction)
    {
        if (pairs.Count == 0)
        {
            return [];
        }

        var parameters = new DynamicParameters(new { Now = now });
        var values = SqlRows.Values(pairs, parameters, pair => [
            Guid.NewGuid(),
            pair.Match.TechnologyId,
            pair.Match.NeedId,
            pair.Match.TechnologyOrganisationId,
            pair.Match.NeedOrganisationId,
            pair.Match.Score,
            JsonSerializer.Serialize(pair.Candidate.Explanation.WithBridgesInTerms(), s_json),
            // Kept so staff feedback on this suggestion can teach the ranking model (LearnRankingWeights).
            JsonSerializer.Serialize(pair.Candidate.Features.ToArray(), s_json),
            1,
            now,
            now,
        ]);
        var returned = await connection.QueryAsync<(string MatchId, string TechnologyId, string NeedId)>(
            $"""
            INSERT INTO matches (match_id, technology_id, need_id, technology_organisation_id, need_organisation_id,
                                 score, explanation, features, active, created_at, updated_at)
            VALUES {values}
            ON CONFLICT (technology_id, need_id) DO UPDATE SET
                technology_organisation_id = excluded.technology_organisation_id,
                need_organisation_id = excluded.need_organisation_id,
                score = excluded.score,
                explanation = excluded.explanation,
                features = excluded.features,
                active = 1,
                updated_at = excluded.updated_at
            RETURNING match_id AS MatchId, technology_id AS TechnologyId, need_id AS NeedId
            """,
            parameters,
            transaction);
        return returned.ToDictionary(r => (Guid.Parse(r.TechnologyId), Guid.Parse(r.NeedId)), r => Guid.Parse(r.MatchId));
    }

    private static Listing Technology(
        Guid id, Guid organisationId, string title, string summary, IReadOnlyList<string>? keywords, string? sector,
        int? trl, string? language, DateTimeOffset occurredAt) =>
        new(id, ListingKind.Technology, organisationId, title ?? "", summary ?? "", keywords ?? [], sector, trl,
            Language(language, title, summary), ListingVisibility.Public, Open: true, occurredAt);

    private static Listing Need(
        Guid id, Guid organisationId, string title, string problem, IReadOnlyList<string>? keywords, string? sector,
        int? minTrl, string? visibility, string? language, DateTimeOffset occurredAt) =>
        new(id, ListingKind.Need, organisationId, title ?? "", problem ?? "", keywords ?? [], sector, minTrl,
            Language(language, title, problem), Visibility(visibility), Open: true, occurredAt);

    private static string Language(string? language, string? title, string? body) =>
        string.IsNullOrWhiteSpace(language) ? LanguageDetector.Detect($"{title} {body}") : language;

    /// <summary>A visibility we do not recognise is treated as the most restrictive one, never as public.</summary>
    private static string Visibility(string? visibility) =>
        visibility is ListingVisibility.Public or ListingVisibility.Anonymous ? visibility : ListingVisibility.StaffOnly;
}

public sealed class MatchingTechnologyPublishedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options) : IConsumer<TechnologyPublished>
{
    public Task Consume(ConsumeContext<TechnologyPublished> context) =>
        replica.MatchOnceAsync(context, "matching-technology-published", MatchListing.FromEvent(context.Message), options.Value.TopN);
}

public sealed class MatchingTechnologyUpdatedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options) : IConsumer<TechnologyUpdated>
{
    public Task Consume(ConsumeContext<TechnologyUpdated> context) =>
        replica.MatchOnceAsync(context, "matching-technology-updated", MatchListing.FromEvent(context.Message), options.Value.TopN);
}

public sealed class MatchingNeedPostedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options, ConfidentialText confidential)
    : IConsumer<NeedPosted>
{
    public Task Consume(ConsumeContext<NeedPosted> context) =>
        replica.MatchOnceAsync(context, "matching-need-posted", MatchListing.FromEvent(context.Message, confidential), options.Value.TopN);
}

public sealed class MatchingNeedUpdatedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options, ConfidentialText confidential)
    : IConsumer<NeedUpdated>
{
    public Task Consume(ConsumeContext<NeedUpdated> context) =>
        replica.MatchOnceAsync(context, "matching-need-updated", MatchListing.FromEvent(context.Message, confidential), options.Value.TopN);
}
