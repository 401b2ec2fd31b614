using System.Net;
using Dapper;
using MassTransit;
using Matchmaking.Matching.Contracts;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Brokerage.Tests;

public sealed class MessagingTestsOnPostgresAndRabbitMq(PostgresAndRabbitMqBrokerage brokerage)
    : MessagingTests(brokerage), IClassFixture<PostgresAndRabbitMqBrokerage>;

public sealed class MessagingTestsOnSqliteAndInMemoryBus(SqliteAndInMemoryBrokerage brokerage)
    : MessagingTests(brokerage), IClassFixture<SqliteAndInMemoryBrokerage>;

/// <summary>What Brokerage hears on the bus (read models, duplicates, order) and what it says (the outbox).</summary>
public abstract class MessagingTests(BrokerageService brokerage)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => brokerage.Client(brokerage.Staff);

    private sealed record TechnologyRow(string OrganisationId, string Title, string Status);

    private sealed record NeedRow(string OrganisationId, string Title, string Visibility, string Status);

    private Task<IReadOnlyList<TechnologyRow>> TechnologyAsync(Guid id) => brokerage.QueryAsync<TechnologyRow>(
        "SELECT organisation_id AS OrganisationId, title AS Title, status AS Status FROM technologies WHERE id = @Id", new { Id = id });

    private Task<IReadOnlyList<NeedRow>> NeedAsync(Guid id) => brokerage.QueryAsync<NeedRow>(
        "SELECT organisation_id AS OrganisationId, title AS Title, visibility AS Visibility, status AS Status FROM needs WHERE id = @Id",
        new { Id = id });

    [Fact]
    public async Task Published_technologies_posted_needs_and_suggested_matches_fill_the_read_models()
    {
        var pair = await brokerage.SuggestedPairAsync();

        var technology = Assert.Single(await TechnologyAsync(pair.TechnologyId));
        var need = Assert.Single(await NeedAsync(pair.NeedId));
        var suggestion = Assert.Single(await brokerage.QueryAsync<(string TechnologyId, string NeedId, string NeedOrganisationId, double Score)>(
            """
            SELECT technology_id AS TechnologyId, need_id AS NeedId, need_organisation_id AS NeedOrganisationId, score AS Score
            FROM suggestions WHERE match_id = @MatchId
            """, pair));

        Assert.Equal((pair.TechnologyOrganisationId.ToString(), $"Technology {pair.TechnologyId:N}", "published"),
            (technology.OrganisationId, technology.Title, technology.Status));
        Assert.Equal((pair.NeedOrganisationId.ToString(), "public", "open"), (need.OrganisationId, need.Visibility, need.Status));
        Assert.Equal((pair.TechnologyId.ToString(), pair.NeedId.ToString(), pair.NeedOrganisationId.ToString(), 0.8), suggestion);
    }

    [Fact]
    public async Task A_message_delivered_twice_with_the_same_message_id_has_one_effect()
    {
        var pair = new Pair(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var consumed = new ConsumedMessages<MatchesSuggested>();
        using var observing = brokerage.Service.Services.GetRequiredService<IBus>().ConnectConsumeMessageObserver(consumed);
        var messageId = Guid.NewGuid();
        var first = new MatchesSuggested(pair.TechnologyId, "technology", [pair.Match(0.5)], DateTimeOffset.UtcNow);
        // A redelivery carries the same id; its body differs here only so that a second effect would show.
        var again = first with { Matches = [pair.Match(0.9), pair.Match(0.7, Guid.NewGuid())], OccurredAt = first.OccurredAt.AddMinutes(1) };

        await brokerage.PublishAsync(first, messageId);
        await Eventually.UntilAsync(() => Task.FromResult(consumed.Count(messageId)), count => count == 1, what: "the first delivery");
        await brokerage.PublishAsync(again, messageId);
        await Eventually.UntilAsync(() => Task.FromResult(consumed.Count(messageId)), count => count == 2, what: "the second delivery");

        var scores = await brokerage.QueryAsync<double>(
            "SELECT score FROM suggestions WHERE technology_id = @TechnologyId AND need_id = @NeedId", pair);
        Assert.Equal(0.5, Assert.Single(scores));
        Assert.Equal(1L, await brokerage.ScalarAsync<long>(
            "SELECT COUNT(*) FROM inbox_messages WHERE message_id = @MessageId", new { MessageId = messageId }));
    }

    [Fact]
    public async Task Suggestions_delivered_together_are_stored_in_batches_with_the_newest_score_and_notified_once()
    {
        static Pair NewPair() => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var at = DateTimeOffset.UtcNow;
        var others = Enumerable.Range(0, 30).Select(_ => NewPair()).ToList();
        var pair = NewPair();
        var older = new MatchesSuggested(pair.TechnologyId, "technology", [pair.Match(0.4) with { NeedVisibility = "public" }], at);
        var newer = older with { Matches = [pair.Match(0.9) with { NeedVisibility = "public" }], OccurredAt = at.AddMinutes(1) };

        // The newer computation is published first: within a batch, as across batches, the newest must win.
        List<(MatchesSuggested Message, Guid Id)> sent =
            [(newer, Guid.NewGuid()), .. others.Select(p => (new MatchesSuggested(p.NeedId, "need", [p.Match(0.5)], at), Guid.NewGuid())), (older, Guid.NewGuid())];
        foreach (var (message, id) in sent)
        {
            await brokerage.PublishAsync(message, id);
        }

        foreach (var (_, id) in sent)
        {
            await brokerage.WaitUntilHandledAsync("brokerage-matches-suggested", id);
        }

        var ids = sent.Select(s => s.Id.ToString()).ToList();
        var batches = (await brokerage.QueryAsync<(string MessageId, string ProcessedAt)>(
                "SELECT message_id AS MessageId, processed_at AS ProcessedAt FROM inbox_messages WHERE consumer = 'brokerage-matches-suggested'"))
            .Where(row => ids.Contains(row.MessageId))
            .Select(row => row.ProcessedAt)
            .Distinct()
            .Count();
        Assert.InRange(batches, 1, sent.Count - 1);
        Assert.Equal(0.9, Assert.Single(await brokerage.QueryAsync<double>("SELECT score FROM suggestions WHERE match_id = @MatchId", pair)));
        foreach (var other in others)
        {
            Assert.Equal(0.5, Assert.Single(await brokerage.QueryAsync<double>("SELECT score FROM suggestions WHERE match_id = @MatchId", other)));
        }

        // The public need's pair: one notification to each owner, although two events named it.
        var notified = await brokerage.QueryAsync<string>(
            "SELECT organisation_id FROM notifications WHERE kind = 'match-found' AND organisation_id IN (@NeedOrganisationId, @TechnologyOrganisationId)",
            new { NeedOrganisationId = pair.NeedOrganisationId.ToString("D"), TechnologyOrganisationId = pair.TechnologyOrganisationId.ToString("D") });
        Assert.Equal(new[] { pair.NeedOrganisationId.ToString("D"), pair.TechnologyOrganisationId.ToString("D") }.Order(), notified.Order());
    }

    [Fact]
    public async Task A_listing_owner_is_told_only_of_the_matches_not_suggested_before()
    {
        var technology = Guid.NewGuid();
        var university = Guid.NewGuid();
        SuggestedMatch Match() => new(Guid.NewGuid(), technology, university, Guid.NewGuid(), Guid.NewGuid(), 0.5, "public");
        var first = Match();
        var second = Match();
        var at = DateTimeOffset.UtcNow;
        foreach (var message in new[]
                 {
                     new MatchesSuggested(technology, "technology", [first], at),
                     new MatchesSuggested(technology, "technology", [first, second], at.AddMinutes(1)),
                 })
        {
            var id = Guid.NewGuid();
            await brokerage.PublishAsync(message, id);
            await brokerage.WaitUntilHandledAsync("brokerage-matches-suggested", id);
        }

        var told = await brokerage.QueryAsync<string>(
            "SELECT body FROM notifications WHERE kind = 'match-found' AND organisation_id = @University",
            new { University = university.ToString("D") });
        Assert.Equal(2, told.Count());
        Assert.All(told, body => Assert.Contains("suggested 1 need ", body, StringComparison.Ordinal));
        Assert.Equal(1L, await brokerage.ScalarAsync<long>(
            "SELECT COUNT(*) FROM notifications WHERE kind = 'match-found' AND organisation_id = @Enterprise",
            new { Enterprise = second.NeedOrganisationId.ToString("D") }));
    }

    [Fact]
    public async Task A_university_is_told_of_a_pair_once_its_need_is_no_longer_staff_only()
    {
        var technology = Guid.NewGuid();
        var university = Guid.NewGuid();
        var hidden = new SuggestedMatch(Guid.NewGuid(), technology, university, Guid.NewGuid(), Guid.NewGuid(), 0.5, "staff-only");
        var at = DateTimeOffset.UtcNow;
        async Task<int> TellsAfterAsync(MatchesSuggested message)
        {
            var id = Guid.NewGuid();
            await brokerage.PublishAsync(message, id);
            await brokerage.WaitUntilHandledAsync("brokerage-matches-suggested", id);
            return (int)await brokerage.ScalarAsync<long>(
                "SELECT COUNT(*) FROM notifications WHERE kind = 'match-found' AND organisation_id = @University",
                new { University = university.ToString("D") });
        }

        Assert.Equal(0, await TellsAfterAsync(new MatchesSuggested(technology, "technology", [hidden], at)));
        // Computed again after the need became public: not a new suggestion, but news to the university, once.
        var visible = hidden with { NeedVisibility = "public" };
        Assert.Equal(1, await TellsAfterAsync(new MatchesSuggested(technology, "technology", [visible], at.AddMinutes(1))));
        Assert.Equal(1, await TellsAfterAsync(new MatchesSuggested(technology, "technology", [visible], at.AddMinutes(2))));
        // The enterprise heard of the pair when it was new, and only then.
        Assert.Equal(1L, await brokerage.ScalarAsync<long>(
            "SELECT COUNT(*) FROM notifications WHERE kind = 'match-found' AND organisation_id = @Enterprise",
            new { Enterprise = hidden.NeedOrganisationId.ToString("D") }));
    }

    [Fact]
    public async Task A_university_told_of_a_pair_is_not_told_again_after_its_need_was_hidden_and_shown()
    {
        // In one batch: the pair shown, then its need staff-only in the newer event.
        var (shown, at) = await InOneBatchAsync("brokerage-matches-suggested", () =>
        {
            var shown = new SuggestedMatch(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 0.5, "public");
            var at = DateTimeOffset.UtcNow;
            return Task.FromResult(((shown, at), new[]
            {
                new MatchesSuggested(shown.TechnologyId, "technology", [shown], at),
                new MatchesSuggested(shown.TechnologyId, "technology", [shown with { NeedVisibility = "staff-only" }], at.AddMinutes(1)),
            }));
        });

        // Shown again later beside a new pair: the university heard of the first pair in the first event already, so
        // the technology's second notification announces the new pair alone.
        var other = shown with { MatchId = Guid.NewGuid(), NeedId = Guid.NewGuid(), NeedOrganisationId = Guid.NewGuid() };
        await PublishAndWaitAsync(new MatchesSuggested(shown.TechnologyId, "technology", [shown, other], at.AddMinutes(2)), "brokerage-matches-suggested");
        Assert.Equal(
            ["The matching engine suggested 1 need your technology may answer.", "The matching engine suggested 1 need your technology may answer."],
            await brokerage.QueryAsync<string>(
                "SELECT body FROM notifications WHERE kind = 'match-found' AND organisation_id = @University ORDER BY created_at",
                new { University = shown.TechnologyOrganisationId.ToString("D") }));
    }

    [Fact]
    public async Task A_match_suggested_before_its_listings_arrive_can_still_be_brokered()
    {
        var pair = new Pair(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await brokerage.PublishMatchesAsync(pair.Match(0.6));

        var deal = await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created);
        await brokerage.PublishNeedAsync(pair.NeedId, pair.NeedOrganisationId, "Late need");
        await brokerage.PublishTechnologyAsync(pair.TechnologyId, pair.TechnologyOrganisationId, "Late technology");

        Assert.Equal(pair.NeedId, deal.Guid("needId"));
        Assert.Equal("Late technology", Assert.Single(await TechnologyAsync(pair.TechnologyId)).Title);
        Assert.Equal("Late need", Assert.Single(await NeedAsync(pair.NeedId)).Title);
        Assert.Equal(1L, await brokerage.ScalarAsync<long>("SELECT COUNT(*) FROM suggestions WHERE match_id = @MatchId", pair));
    }

    [Fact]
    public async Task A_withdrawn_technology_stays_withdrawn_whatever_order_later_events_arrive_in()
    {
        var technologyId = Guid.NewGuid();
        var organisationId = Guid.NewGuid();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await brokerage.PublishTechnologyAsync(technologyId, organisationId, "Original", t0);
        await PublishAndWaitAsync(new TechnologyWithdrawn(technologyId, organisationId, t0.AddMinutes(2)), "brokerage-technology-withdrawn");

        // An update made before the withdrawal but delivered after it: its title is newer content, yet no resurrection.
        await PublishAndWaitAsync(Updated(technologyId, organisationId, "Edited", t0.AddMinutes(1)), "brokerage-technology-updated");
        Assert.Equal(new TechnologyRow(organisationId.ToString(), "Edited", "withdrawn"), Assert.Single(await TechnologyAsync(technologyId)));

        // An update older than the content held changes nothing.
        await PublishAndWaitAsync(Updated(technologyId, organisationId, "Stale", t0.AddSeconds(30)), "brokerage-technology-updated");
        Assert.Equal(new TechnologyRow(organisationId.ToString(), "Edited", "withdrawn"), Assert.Single(await TechnologyAsync(technologyId)));

        // Even a newer update keeps it withdrawn.
        await PublishAndWaitAsync(Updated(technologyId, organisationId, "Renamed", t0.AddMinutes(3)), "brokerage-technology-updated");
        Assert.Equal(new TechnologyRow(organisationId.ToString(), "Renamed", "withdrawn"), Assert.Single(await TechnologyAsync(technologyId)));

        var need = await brokerage.SuggestedPairAsync();
        await (await Staff.PostJsonAsync("/api/deals", new { technologyId, needId = need.NeedId }))
            .ValidationProblemAsync(HttpStatusCode.UnprocessableEntity, "technologyId");
    }

    [Fact]
    public async Task A_need_closed_before_it_was_posted_here_stays_closed_and_refuses_deals()
    {
        var pair = new Pair(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var postedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        await PublishAndWaitAsync(new NeedClosed(pair.NeedId, pair.NeedOrganisationId, postedAt.AddMinutes(1)), "brokerage-need-closed");
        await brokerage.PublishNeedAsync(pair.NeedId, pair.NeedOrganisationId, "Posted before it closed", postedAt);
        await PublishAndWaitAsync(new NeedUpdated(pair.NeedId, pair.NeedOrganisationId, "Older edit", "p", [], null, null, "anonymous", "en",
            postedAt.AddSeconds(-1)), "brokerage-need-updated");
        await brokerage.PublishMatchesAsync(pair.Match(0.4));

        Assert.Equal(new NeedRow(pair.NeedOrganisationId.ToString(), "Posted before it closed", "public", "closed"),
            Assert.Single(await NeedAsync(pair.NeedId)));
        await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId }))
            .ValidationProblemAsync(HttpStatusCode.UnprocessableEntity, "matchId");
    }

    [Fact]
    public async Task A_newer_need_update_replaces_the_title_and_visibility()
    {
        var pair = await brokerage.SuggestedPairAsync();

        await PublishAndWaitAsync(new NeedUpdated(pair.NeedId, pair.NeedOrganisationId, "Sharper problem", "p", [], null, null, "staff-only", "en",
            DateTimeOffset.UtcNow), "brokerage-need-updated");

        Assert.Equal(new NeedRow(pair.NeedOrganisationId.ToString(), "Sharper problem", "staff-only", "open"),
            Assert.Single(await NeedAsync(pair.NeedId)));
    }

    [Fact]
    public async Task Stage_changes_leave_through_the_outbox_and_reach_the_bus()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var deal = await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created);
        var dealId = deal.Guid("id");
        await (await Staff.PostJsonAsync($"/api/deals/{dealId}/stage", new { stage = "introduced" })).JsonAsync(HttpStatusCode.OK);

        var heard = await Eventually.UntilAsync(
            () => Task.FromResult(brokerage.Heard.Messages.Where(m => m.Message.DealId == dealId).ToList()),
            messages => messages.Count == 2,
            what: "both stage changes on the bus");
        var rows = await Eventually.UntilAsync(
            () => brokerage.QueryAsync<(string Id, string Body, string? SentAt)>(
                "SELECT id AS Id, body AS Body, sent_at AS SentAt FROM outbox_messages WHERE message_type LIKE '%DealStageChanged%'"),
            all => all.Where(r => r.Body.Contains(dealId.ToString())).All(r => r.SentAt is not null),
            what: "the relay to mark the rows sent");

        var opened = Assert.Single(heard, m => m.Message.FromStage is null);
        Assert.Equal(("suggested", pair.TechnologyId, pair.NeedId, brokerage.Staff.UserId),
            (opened.Message.ToStage, opened.Message.TechnologyId, opened.Message.NeedId, opened.Message.ChangedBy));
        var moved = Assert.Single(heard, m => m.Message.FromStage == "suggested");
        Assert.Equal("introduced", moved.Message.ToStage);
        var ours = rows.Where(r => r.Body.Contains(dealId.ToString())).Select(r => Guid.Parse(r.Id)).Order().ToArray();
        Assert.Equal(2, ours.Length);
        Assert.Equal(ours, heard.Select(m => m.MessageId!.Value).Order().ToArray());
    }

    [Fact]
    public async Task A_refused_move_writes_no_history_and_no_event()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var dealId = (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");
        var before = await brokerage.ScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages");

        await (await Staff.PostJsonAsync($"/api/deals/{dealId}/stage", new { stage = "agreed" })).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(before, await brokerage.ScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages"));
        Assert.Equal(1L, await brokerage.ScalarAsync<long>("SELECT COUNT(*) FROM deal_history WHERE deal_id = @DealId", new { DealId = dealId }));
    }

    [Fact]
    public async Task The_deal_history_cannot_be_rewritten()
    {
        var pair = await brokerage.SuggestedPairAsync();
        var dealId = (await (await Staff.PostJsonAsync("/api/deals", new { matchId = pair.MatchId })).JsonAsync(HttpStatusCode.Created)).Guid("id");

        await using var connection = await brokerage.OpenAsync();
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(
            "UPDATE deal_history SET to_stage = 'completed' WHERE deal_id = @DealId", new { DealId = dealId }));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(
            "DELETE FROM deal_history WHERE deal_id = @DealId", new { DealId = dealId }));
    }

    [Fact]
    public async Task Updates_of_one_technology_published_together_keep_the_newest_content()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);

        // In one batch: one row per technology, the newest event's content, whichever arrives first.
        var (technologyId, organisationId) = await InOneBatchAsync("brokerage-technology-updated", async () =>
        {
            var (technologyId, organisationId) = (Guid.NewGuid(), Guid.NewGuid());
            await brokerage.PublishTechnologyAsync(technologyId, organisationId, "Original", t0);
            return ((technologyId, organisationId), new[]
            {
                Updated(technologyId, organisationId, "Newest", t0.AddMinutes(3)),
                Updated(technologyId, organisationId, "Older", t0.AddMinutes(1)),
                Updated(technologyId, organisationId, "Middle", t0.AddMinutes(2)),
            });
        });

        Assert.Equal(new TechnologyRow(organisationId.ToString(), "Newest", "published"), Assert.Single(await TechnologyAsync(technologyId)));
    }

    // Publishes the events of a case set up afresh back to back until they are consumed in one batch (by the
    // consumer's inbox rows, which a batch stamps with one time), at most five times: a case whose events landed in
    // batches of their own cannot show what a batch does with them. Returns the case that met.
    private async Task<TCase> InOneBatchAsync<TCase, TMessage>(string consumer, Func<Task<(TCase Case, TMessage[] Messages)>> setUp)
        where TMessage : class
    {
        const int Tries = 5;
        for (var attempt = 0; attempt < Tries; attempt++)
        {
            var (set, messages) = await setUp();
            var ids = messages.Select(_ => Guid.NewGuid()).ToArray();
            for (var i = 0; i < messages.Length; i++)
            {
                await brokerage.PublishAsync(messages[i], ids[i]);
            }

            foreach (var id in ids)
            {
                await brokerage.WaitUntilHandledAsync(consumer, id);
            }

            var parameters = new DynamicParameters(new { Consumer = consumer });
            for (var i = 0; i < ids.Length; i++)
            {
                parameters.Add($"Id{i}", ids[i].ToString());
            }

            var batches = await brokerage.ScalarAsync<long>(
                $"SELECT COUNT(DISTINCT processed_at) FROM inbox_messages WHERE consumer = @Consumer AND message_id IN ({string.Join(", ", ids.Select((_, i) => $"@Id{i}"))})",
                parameters);
            if (batches == 1)
            {
                return set;
            }
        }

        Assert.Fail($"In {Tries} tries the events never met in one batch of {consumer}.");
        return default!;
    }

    private async Task PublishAndWaitAsync<T>(T message, string consumer)
        where T : class
    {
        var messageId = Guid.NewGuid();
        await brokerage.PublishAsync(message, messageId);
        await brokerage.WaitUntilHandledAsync(consumer, messageId);
    }

    private static TechnologyUpdated Updated(Guid id, Guid organisationId, string title, DateTimeOffset at) =>
        new(id, organisationId, title, "s", [], "advanced-manufacturing", 5, [], "en", at);
}
