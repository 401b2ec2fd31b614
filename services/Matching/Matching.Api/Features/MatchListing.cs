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
    /// Applies a batch of listing events (of one kind) inside the consumer's transaction: stores them, indexes them with
    /// one write, matches each and writes every suggestion and event in a few statements. A listing given twice counts as
    /// its newest copy; an event older than what we hold (delivered out of order) is ignored. Returns the suggestions.
    /// </summary>
    public static async Task<IReadOnlyList<SuggestedMatch>> HandleAsync(
        IReadOnlyList<Listing> listings, IListingIndex index, int topN, DbConnection connection, DbTransaction transaction)
    {
        var applied = await StoreManyAsync(listings, connection, transaction);
        if (applied.Count == 0)
        {
            return [];
        }

        var previouslyActive = await ActiveMatchesAsync(applied, connection, transaction);

        // The index is outside the transaction; an upsert is idempotent, so a retried batch does no harm. Every listing
        // of the batch is indexed before any is matched, so a need and a technology posted together can meet. The
        // database is the source of truth: the index commits on its own schedule (a commit per batch fsynced every
        // new file), and at start IndexReconciliation re-applies what a crash kept from the disk.
        index.UpsertMany(applied, commit: false);

        // Queued before any match row is written: SemanticRematch takes a queue row before the match rows too, so the
        // two lock rows in one order.
        var now = DateTimeOffset.UtcNow;
        await AwaitVectorsAsync(applied, index, now, connection, transaction);

        var kept = new List<(Listing Listing, SuggestedMatch Match, MatchCandidate Candidate, bool Suggestion)>();
        var dropped = new List<(Listing Listing, List<Guid> Counterparts)>();
        foreach (var listing in applied)
        {
            // A listing without active matches (a new one, mostly) needs only its top N; one with matches is ranked
            // deeper, to tell which of them still rank well enough to keep.
            var active = previouslyActive.GetValueOrDefault(listing.Id) ?? [];
            var candidates = index.Match(listing, active.Count == 0 ? topN : topN * KeepWithinTopNTimes);
            for (var rank = 0; rank < candidates.Count; rank++)
            {
                var candidate = candidates[rank];
                var isSuggestion = rank < topN;
                if (isSuggestion || active.Contains(candidate.Id))
                {
                    kept.Add((listing, Pair(listing, candidate), candidate, isSuggestion));
                }
            }

            var gone = active.Except(candidates.Select(c => c.Id)).Order().ToList();
            if (gone.Count > 0)
            {
                dropped.Add((listing, gone));
            }
        }

        var matchIds = await UpsertMatchesAsync(kept.Select(k => (k.Match, k.Candidate)).ToList(), now, connection, transaction);
        foreach (var (listing, counterparts) in dropped)
        {
            await RetireAsync(listing, counterparts, now, connection, transaction);
        }

        var suggested = kept
            .Where(k => k.Suggestion)
            .Select(k => (k.Listing, Match: k.Match with { MatchId = matchIds[(k.Match.TechnologyId, k.Match.NeedId)] }))
            .ToList();
        return await AnnounceAsync(suggested, now, connection, transaction);
    }

    /// <summary>
    /// Matches again listings that were matched before their sentence vectors existed, now that they do
    /// (<see cref="SemanticRematch"/>): the top N with the semantic signal. Suggestions already active get their new
    /// scores and explanations quietly; only pairs that were not active suggestions before are announced, so nobody is
    /// told twice about one suggestion, and a pair two replicas both find new is inserted, and announced, by one of them.
    /// Returns the suggestions announced.
    /// </summary>
    public static async Task<IReadOnlyList<SuggestedMatch>> RematchAsync(
        IReadOnlyList<Listing> listings, IListingIndex index, int topN, DbConnection connection, DbTransaction transaction)
    {
        var now = DateTimeOffset.UtcNow;
        // A technology and a need matched again together may each find the other: one row per pair (a statement may
        // not update a row twice), the better-scored computation, announced once.
        var ranked = listings
            .SelectMany(listing => index.Match(listing, topN).Select(candidate => (Listing: listing, Match: Pair(listing, candidate), Candidate: candidate)))
            .OrderByDescending(r => r.Match.Score)
            .DistinctBy(r => (r.Match.TechnologyId, r.Match.NeedId))
            .ToList();
        var fresh = await UpsertMatchesAsync(ranked.Select(r => (r.Match, r.Candidate)).ToList(), now, connection, transaction, newOnly: true);
        var known = ranked.Where(r => !fresh.ContainsKey((r.Match.TechnologyId, r.Match.NeedId))).Select(r => (r.Match, r.Candidate)).ToList();
        await UpsertMatchesAsync(known, now, connection, transaction);
        var suggested = ranked
            .Where(r => fresh.ContainsKey((r.Match.TechnologyId, r.Match.NeedId)))
            .Select(r => (r.Listing, Match: r.Match with { MatchId = fresh[(r.Match.TechnologyId, r.Match.NeedId)] }))
            .ToList();
        return await AnnounceAsync(suggested, now, connection, transaction);
    }

    /// <summary>
    /// Queues the listings whose matches were ranked without a sentence vector they will have (semantic ranking on,
    /// text not embedded yet) for <see cref="SemanticRematch"/>, in the transaction that stored those matches.
    /// </summary>
    internal static async Task AwaitVectorsAsync(
        IReadOnlyList<Listing> listings, IListingIndex index, DateTimeOffset now, DbConnection connection, DbTransaction transaction)
    {
        if (index is not LuceneListingIndex lucene)
        {
            return;
        }

        var awaiting = listings.Where(listing => listing.Open && lucene.AwaitsVector(listing)).Select(listing => listing.Id).Distinct().ToList();
        foreach (var chunk in awaiting.Chunk(SqlRows.RowsPerStatement(2)))
        {
            var parameters = new DynamicParameters();
            var rows = SqlRows.Rows(connection, chunk, parameters, id => (id, now));
            await connection.ExecuteAsync(
                $"""
                INSERT INTO listings_awaiting_vectors (listing_id, queued_at)
                {rows}
                ON CONFLICT (listing_id) DO UPDATE SET queued_at = excluded.queued_at
                """,
                parameters,
                transaction);
        }
    }

    // The suggestions, annotated for Brokerage, as one MatchesSuggested per listing, into the outbox.
    private static async Task<IReadOnlyList<SuggestedMatch>> AnnounceAsync(
        IReadOnlyList<(Listing Listing, SuggestedMatch Match)> suggested, DateTimeOffset now, DbConnection connection, DbTransaction transaction)
    {
        var annotated = await NeedAccess.AnnotateAsync(suggested.Select(s => s.Match).ToList(), connection, transaction);
        var events = suggested
            .Select((s, i) => (s.Listing, Match: annotated[i]))
            .GroupBy(s => s.Listing)
            .Select(group => new MatchesSuggested(group.Key.Id, StoredListing.KindValue(group.Key.Kind), group.Select(s => s.Match).ToList(), now))
            .ToList();
        await Outbox.AddManyAsync(connection, transaction, events);
        return annotated;
    }

    private static SuggestedMatch Pair(Listing listing, MatchCandidate candidate) =>
        listing.Kind == ListingKind.Technology
            ? new SuggestedMatch(Guid.Empty, listing.Id, listing.OrganisationId, candidate.Id, candidate.OrganisationId, candidate.Score)
            : new SuggestedMatch(Guid.Empty, candidate.Id, candidate.OrganisationId, listing.Id, listing.OrganisationId, candidate.Score);

    private static (string Own, string Other) Columns(ListingKind kind) =>
        kind == ListingKind.Technology ? ("technology_id", "need_id") : ("need_id", "technology_id");

    // The active matches of each listing, by listing, in one query per kind.
    private static async Task<Dictionary<Guid, HashSet<Guid>>> ActiveMatchesAsync(
        IReadOnlyList<Listing> listings, DbConnection connection, DbTransaction transaction)
    {
        var active = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var group in listings.GroupBy(l => l.Kind))
        {
            var (own, other) = Columns(group.Key);
            var parameters = new DynamicParameters();
            var rows = await connection.QueryAsync<(string Own, string Other)>(
                $"""
                SELECT {own} AS Own, {other} AS Other
                FROM matches
                WHERE {own} {SqlRows.In(connection, group.Select(l => l.Id).ToList(), parameters)} AND active = 1
                """,
                parameters,
                transaction);
            foreach (var (ownId, otherId) in rows)
            {
                var key = Guid.Parse(ownId);
                if (!active.TryGetValue(key, out var set))
                {
                    active[key] = set = [];
                }

                set.Add(Guid.Parse(otherId));
            }
        }

        return active;
    }

    // Matches a listing held that no longer rank: retired, in one statement.
    private static Task RetireAsync(
        Listing listing, IReadOnlyList<Guid> counterparts, DateTimeOffset now, DbConnection connection, DbTransaction transaction)
    {
        var (own, other) = Columns(listing.Kind);
        var parameters = new DynamicParameters(new { listing.Id, Now = now });
        return connection.ExecuteAsync(
            $"""
            UPDATE matches
            SET active = 0, updated_at = @Now
            WHERE {own} = @Id AND {other} {SqlRows.In(connection, counterparts, parameters)}
            """,
            parameters,
            transaction);
    }

    /// <summary>
    /// Upserts our copies in one statement, each unless we already hold a newer state; returns the listings applied
    /// (of a listing given twice, the newest copy), in the order given.
    /// </summary>
    internal static async Task<IReadOnlyList<Listing>> StoreManyAsync(
        IReadOnlyList<Listing> listings, DbConnection connection, DbTransaction transaction)
    {
        // One row per id: a statement may not update the same row twice.
        var newest = listings
            .Select((listing, order) => (listing, order))
            .GroupBy(x => x.listing.Id)
            .Select(group => group.MaxBy(x => (x.listing.UpdatedAt, x.order)))
            .OrderBy(x => x.order)
            .Select(x => x.listing)
            .ToList();
        if (newest.Count == 0)
        {
            return [];
        }

        var parameters = new DynamicParameters();
        var rows = SqlRows.Rows(connection, newest, parameters, listing => (
            listing.Id,
            StoredListing.KindValue(listing.Kind),
            listing.OrganisationId,
            listing.Title,
            listing.Body,
            StoredListing.SerializeKeywords(listing.Keywords),
            listing.Sector,
            listing.Trl,
            listing.Language,
            listing.Visibility,
            listing.Open ? 1 : 0,
            listing.UpdatedAt));
        var applied = (await connection.QueryAsync<string>(
            $"""
            INSERT INTO listings (id, kind, organisation_id, title, body, keywords, sector, trl, language, visibility, open, updated_at)
            {rows}
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
            RETURNING id
            """,
            parameters,
            transaction)).Select(Guid.Parse).ToHashSet();
        return newest.Where(listing => applied.Contains(listing.Id)).ToList();
    }

    // Every kept pair in one statement. On a known pair the row is updated in place, so its match_id (which Brokerage
    // may hold) never changes; the ids come back keyed by pair, since RETURNING promises no order. With newOnly, a pair
    // that is already an active match is left as it is and not returned: the ids returned are those of pairs inserted
    // or brought back by this statement (under concurrent writers, by exactly one of them).
    private static async Task<Dictionary<(Guid TechnologyId, Guid NeedId), Guid>> UpsertMatchesAsync(
        IReadOnlyList<(SuggestedMatch Match, MatchCandidate Candidate)> pairs, DateTimeOffset now, DbConnection connection, DbTransaction transaction,
        bool newOnly = false)
    {
        var ids = new Dictionary<(Guid TechnologyId, Guid NeedId), Guid>();

        // In one order of pairs, so two batches writing shared pairs at once lock them in the same order (no deadlock);
        // in chunks of a bounded number of parameters (SqlRows.ParametersPerStatement).
        var ordered = pairs.OrderBy(p => p.Match.TechnologyId).ThenBy(p => p.Match.NeedId).ToList();
        foreach (var chunk in ordered.Chunk(SqlRows.RowsPerStatement(11)))
        {
            var parameters = new DynamicParameters();
            var rows = SqlRows.Rows(connection, chunk, parameters, pair => (
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
                now));
            var returned = await connection.QueryAsync<(string MatchId, string TechnologyId, string NeedId)>(
                $"""
                INSERT INTO matches (match_id, technology_id, need_id, technology_organisation_id, need_organisation_id,
                                     score, explanation, features, active, created_at, updated_at)
                {rows}
                ON CONFLICT (technology_id, need_id) DO UPDATE SET
                    technology_organisation_id = excluded.technology_organisation_id,
                    need_organisation_id = excluded.need_organisation_id,
                    score = excluded.score,
                    explanation = excluded.explanation,
                    features = excluded.features,
                    active = 1,
                    updated_at = excluded.updated_at
                {(newOnly ? "WHERE matches.active = 0" : "")}
                RETURNING match_id AS MatchId, technology_id AS TechnologyId, need_id AS NeedId
                """,
                parameters,
                transaction);
            foreach (var row in returned)
            {
                ids[(Guid.Parse(row.TechnologyId), Guid.Parse(row.NeedId))] = Guid.Parse(row.MatchId);
            }
        }

        return ids;
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

// Listing events are consumed in batches: under a stream of posts one transaction, one index write and a few statements
// serve many listings; alone, a message is a batch of one after Batching.Window.
public sealed class MatchingTechnologyPublishedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options)
    : IConsumer<Batch<TechnologyPublished>>
{
    public Task Consume(ConsumeContext<Batch<TechnologyPublished>> context) =>
        replica.MatchOnceAsync(context.Message, "matching-technology-published", m => MatchListing.FromEvent(m), options.Value.TopN,
            context.CancellationToken);
}

public sealed class MatchingTechnologyUpdatedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options)
    : IConsumer<Batch<TechnologyUpdated>>
{
    public Task Consume(ConsumeContext<Batch<TechnologyUpdated>> context) =>
        replica.MatchOnceAsync(context.Message, "matching-technology-updated", m => MatchListing.FromEvent(m), options.Value.TopN,
            context.CancellationToken);
}

public sealed class MatchingNeedPostedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options, ConfidentialText confidential)
    : IConsumer<Batch<NeedPosted>>
{
    public Task Consume(ConsumeContext<Batch<NeedPosted>> context) =>
        replica.MatchOnceAsync(context.Message, "matching-need-posted", m => MatchListing.FromEvent(m, confidential), options.Value.TopN,
            context.CancellationToken);
}

public sealed class MatchingNeedUpdatedConsumer(ReplicaIndex replica, IOptions<MatchingOptions> options, ConfidentialText confidential)
    : IConsumer<Batch<NeedUpdated>>
{
    public Task Consume(ConsumeContext<Batch<NeedUpdated>> context) =>
        replica.MatchOnceAsync(context.Message, "matching-need-updated", m => MatchListing.FromEvent(m, confidential), options.Value.TopN,
            context.CancellationToken);
}
