using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Matchmaking.Matching.Contracts;
using Matchmaking.Needs.Contracts;
using Matchmaking.Research.Contracts;
using Matchmaking.Testing;

namespace Matchmaking.Matching.Tests;

public abstract class MatchesTests(Setup setup) : MatchingTests(setup)
{
    [Fact]
    public async Task A_technology_and_a_need_that_share_words_are_matched_for_both_owners_and_staff()
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var staff = NewStaff();
        var technology = CoolingTechnology(university);
        var need = WarpageNeed(enterprise);
        await PublishAndWaitAsync(BatteryTechnology(NewUniversity()));
        await PublishAndWaitAsync(technology);
        await PublishAsync(need);

        var forUniversity = await MatchesEventuallyAsync(university, Technologies, technology.TechnologyId, m => m.Items.Count > 0);

        var match = Assert.Single(forUniversity.Items);
        Assert.NotEqual(Guid.Empty, match.MatchId);
        Assert.Equal(technology.TechnologyId, match.TechnologyId);
        Assert.Equal(need.NeedId, match.NeedId);
        Assert.True(match.Score > 0, $"score {match.Score}");
        Assert.False(string.IsNullOrWhiteSpace(match.Explanation.Summary));
        Assert.NotEmpty(match.Explanation.Terms);
        Assert.NotEmpty(match.Explanation.Features);
        Assert.Equal([match.Key], (await MatchesAsync(enterprise, Needs, need.NeedId)).Items.Select(m => m.Key));
        Assert.Equal([match.Key], (await MatchesAsync(staff, Technologies, technology.TechnologyId)).Items.Select(m => m.Key));
        Assert.Equal([match.Key], (await MatchesAsync(staff, Needs, need.NeedId)).Items.Select(m => m.Key));
    }

    [Fact]
    public async Task A_match_is_served_in_the_documented_shape_and_never_names_an_organisation()
    {
        var university = NewUniversity();
        var technology = CoolingTechnology(university);
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise(), visibility: "anonymous"));
        await PublishAsync(technology);
        await MatchesEventuallyAsync(university, Technologies, technology.TechnologyId, m => m.Items.Count > 0);

        using var response = await GetMatchesAsync(university, Technologies, technology.TechnologyId);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();

        var item = Assert.Single(body["items"]!.AsArray())!.AsObject();
        Assert.Equal(["matchId", "technologyId", "needId", "score", "explanation"], item.Select(p => p.Key));
        Assert.Equal(["summary", "terms", "features"], item["explanation"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("organisation", body.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Matches_are_not_found_by_the_other_side_an_unrelated_organisation_or_for_an_unknown_listing()
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var technology = CoolingTechnology(university);
        var need = WarpageNeed(enterprise);
        await PublishAndWaitAsync(technology);
        await PublishAsync(need);
        await MatchesEventuallyAsync(university, Technologies, technology.TechnologyId, m => m.Items.Count > 0);

        (TestUser Caller, string Resource, Guid Id)[] refused =
        [
            (enterprise, Technologies, technology.TechnologyId),
            (university, Needs, need.NeedId),
            (NewUniversity(), Technologies, technology.TechnologyId),
            (NewEnterprise(), Needs, need.NeedId),
            (NewStaff(), Needs, technology.TechnologyId),
            (NewStaff(), Technologies, need.NeedId),
            (NewStaff(), Technologies, Guid.NewGuid()),
        ];
        foreach (var (caller, resource, id) in refused)
        {
            using var response = await GetMatchesAsync(caller, resource, id);
            await AssertStatusAsync(HttpStatusCode.NotFound, response);
        }

        using var anonymous = await Matching.Service.CreateClient().GetAsync($"/api/technologies/{technology.TechnologyId}/matches", Ct);
        await AssertStatusAsync(HttpStatusCode.Unauthorized, anonymous);
    }

    [Fact]
    public async Task A_staff_only_need_is_hidden_from_the_technology_owner_but_shown_to_staff_and_its_owner()
    {
        var university = NewUniversity();
        var secretive = NewEnterprise();
        var publicNeed = WarpageNeed(NewEnterprise());
        var staffOnlyNeed = WarpageNeed(secretive, visibility: "staff-only");
        var technology = CoolingTechnology(university);
        await PublishAndWaitAsync(publicNeed);
        await PublishAndWaitAsync(staffOnlyNeed);
        await PublishAsync(technology);

        var forStaff = await MatchesEventuallyAsync(NewStaff(), Technologies, technology.TechnologyId, m => m.Items.Count == 2);
        var forUniversity = await MatchesAsync(university, Technologies, technology.TechnologyId);
        var forOwner = await MatchesAsync(secretive, Needs, staffOnlyNeed.NeedId);

        Assert.Equal(new[] { publicNeed.NeedId, staffOnlyNeed.NeedId }.Order(), forStaff.Items.Select(m => m.NeedId).Order());
        Assert.Equal([publicNeed.NeedId], forUniversity.Items.Select(m => m.NeedId));
        Assert.Equal([technology.TechnologyId], forOwner.Items.Select(m => m.TechnologyId));
    }

    [Fact]
    public async Task A_withdrawn_technology_loses_its_matches()
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var technology = CoolingTechnology(university);
        var need = WarpageNeed(enterprise);
        await PublishAndWaitAsync(need);
        await PublishAsync(technology);
        await MatchesEventuallyAsync(university, Technologies, technology.TechnologyId, m => m.Items.Count == 1);

        await PublishAsync(new TechnologyWithdrawn(technology.TechnologyId, university.OrganisationId, At(10)));

        await MatchesEventuallyAsync(university, Technologies, technology.TechnologyId, m => m.Items.Count == 0);
        Assert.Empty((await MatchesAsync(enterprise, Needs, need.NeedId)).Items);
        Assert.Equal(0, (await SearchAsync(NewStaff(), "q=conformal&type=technology")).Total);
    }

    [Fact]
    public async Task A_closed_need_loses_its_matches()
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var technology = CoolingTechnology(university);
        var need = WarpageNeed(enterprise);
        await PublishAndWaitAsync(technology);
        await PublishAsync(need);
        await MatchesEventuallyAsync(enterprise, Needs, need.NeedId, m => m.Items.Count == 1);

        await PublishAsync(new NeedClosed(need.NeedId, enterprise.OrganisationId, At(10)));

        await MatchesEventuallyAsync(enterprise, Needs, need.NeedId, m => m.Items.Count == 0);
        Assert.Empty((await MatchesAsync(university, Technologies, technology.TechnologyId)).Items);
    }

    [Fact]
    public async Task The_same_message_delivered_twice_is_applied_once()
    {
        var university = NewUniversity();
        var technology = CoolingTechnology(university);
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise()));

        var messageId = await PublishAsync(technology);
        await PublishAsync(technology, messageId);
        await Matching.Consumed.WaitAsync(messageId, deliveries: 2);

        await using var connection = await Matching.Database.OpenAsync(Ct);
        var listings = await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM listings WHERE id = @Id", new { Id = technology.TechnologyId });
        var matches = await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM matches WHERE technology_id = @Id", new { Id = technology.TechnologyId });
        var suggested = await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE @Type AND body LIKE @Listing",
            new { Type = $"{typeof(MatchesSuggested).FullName},%", Listing = $"%\"listingId\":\"{technology.TechnologyId}\"%" });
        Assert.Equal(1, listings);
        Assert.Equal(1, matches);
        Assert.Equal(1, suggested);
        Assert.Single((await MatchesAsync(university, Technologies, technology.TechnologyId)).Items);
    }

    [Fact]
    public async Task Listings_published_together_are_matched_in_batches_and_each_suggestion_is_stored_once()
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var technologies = Enumerable.Range(0, 12).Select(_ => CoolingTechnology(university)).ToList();
        var needs = Enumerable.Range(0, 30).Select(_ => WarpageNeed(enterprise)).ToList();
        await PublishAllAndWaitAsync(technologies);
        await PublishAllAndWaitAsync(needs);

        await using var connection = await Matching.Database.OpenAsync(Ct);

        // Batching happened: many messages were recorded by one transaction (one timestamp per batch).
        var batches = await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(DISTINCT processed_at) FROM inbox_messages WHERE consumer = 'matching-need-posted'");
        Assert.InRange(batches, 1, needs.Count - 1);

        // Every technology was indexed before the needs were published, so each need holds all 12 as active matches, and its
        // one MatchesSuggested event names exactly the stored rows, match ids included.
        var stored = (await connection.QueryAsync<(string MatchId, string TechnologyId, string NeedId)>(
                "SELECT match_id AS MatchId, technology_id AS TechnologyId, need_id AS NeedId FROM matches WHERE active = 1"))
            .Select(r => (MatchId: Guid.Parse(r.MatchId), TechnologyId: Guid.Parse(r.TechnologyId), NeedId: Guid.Parse(r.NeedId)))
            .ToList();
        var bodies = (await connection.QueryAsync<string>(
            "SELECT body FROM outbox_messages WHERE message_type LIKE @Type",
            new { Type = $"{typeof(MatchesSuggested).FullName},%" })).Select(body => JsonSerializer.Deserialize<MatchesSuggested>(body, Json)!).ToList();
        foreach (var need in needs)
        {
            var rows = stored.Where(r => r.NeedId == need.NeedId).ToList();
            Assert.Equal(technologies.Select(t => t.TechnologyId).Order(), rows.Select(r => r.TechnologyId).Order());
            var suggested = Assert.Single(bodies, b => b.ListingId == need.NeedId);
            Assert.Equal(rows.Select(r => (r.MatchId, r.TechnologyId)).Order(), suggested.Matches.Select(m => (m.MatchId, m.TechnologyId)).Order());
        }
    }

    [Fact]
    public async Task Once_the_sentence_vectors_exist_a_listing_is_matched_again_and_only_new_suggestions_are_announced()
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var technology = CoolingTechnology(university);
        var need = WarpageNeed(enterprise);
        await PublishAndWaitAsync(technology);
        await PublishAndWaitAsync(need);

        // The first match ran on words alone: the texts were not embedded yet (the worker waits for a quiet index).
        var first = Assert.Single((await MatchesAsync(enterprise, Needs, need.NeedId)).Items);
        Assert.False(first.Explanation.Features.ContainsKey("semantic"));

        // Once both are embedded, the need is matched again: the same match, now with how close in meaning the two are.
        var rematched = await Eventually.UntilAsync(
            () => MatchesAsync(enterprise, Needs, need.NeedId),
            m => m.Items.Count == 1 && m.Items[0].Explanation.Features.ContainsKey("semantic"),
            TimeSpan.FromSeconds(120),
            "the need's match with a semantic contribution");
        var match = rematched.Items[0];
        Assert.Equal(first.MatchId, match.MatchId);
        Assert.True(match.Explanation.Features["semantic"] > 0);
        Assert.True(match.Score > first.Score, $"score {first.Score} then {match.Score}");

        // The suggestion was announced once (with the need's first match), not again; nothing is left queued.
        await using var connection = await Matching.Database.OpenAsync(Ct);
        var announced = (await connection.QueryAsync<string>(
                "SELECT body FROM outbox_messages WHERE message_type LIKE @Type",
                new { Type = $"{typeof(MatchesSuggested).FullName},%" }))
            .Select(body => JsonSerializer.Deserialize<MatchesSuggested>(body, Json)!)
            .Where(e => e.ListingId == need.NeedId)
            .ToList();
        Assert.Equal(match.MatchId, Assert.Single(Assert.Single(announced).Matches).MatchId);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM listings_awaiting_vectors"));
    }

    [Fact]
    public async Task An_update_delivered_before_the_publication_keeps_the_newer_state()
    {
        var university = NewUniversity();
        var published = CoolingTechnology(university, minutes: 0);
        var updated = Updated(published, "Gallium nitride power amplifiers", "Wide bandgap amplifiers for base stations.", minutes: 5,
            keywords: ["gallium nitride"]);

        await PublishAndWaitAsync(updated);
        await PublishAndWaitAsync(published);

        await using var connection = await Matching.Database.OpenAsync(Ct);
        var title = await connection.ExecuteScalarAsync<string>(
            "SELECT title FROM listings WHERE id = @Id", new { Id = published.TechnologyId });
        Assert.Equal(updated.Title, title);
        var staff = NewStaff();
        Assert.Equal([published.TechnologyId], (await SearchAsync(staff, "q=gallium")).Items.Select(i => i.Id));
        Assert.Equal(0, (await SearchAsync(staff, "q=conformal")).Total);
    }

    [Fact]
    public async Task A_withdrawal_delivered_before_the_publication_keeps_the_technology_out()
    {
        var university = NewUniversity();
        var technology = CoolingTechnology(university, minutes: 0);
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise()));

        await PublishAndWaitAsync(new TechnologyWithdrawn(technology.TechnologyId, university.OrganisationId, At(5)));
        await PublishAndWaitAsync(technology);

        Assert.Empty((await MatchesAsync(university, Technologies, technology.TechnologyId)).Items);
        Assert.Equal(0, (await SearchAsync(NewStaff(), "q=conformal")).Total);
    }

    [Fact]
    public async Task A_changed_technology_is_matched_again_under_the_same_match_id()
    {
        var university = NewUniversity();
        var technology = CoolingTechnology(university, minutes: 0);
        var need = WarpageNeed(NewEnterprise());
        await PublishAndWaitAsync(need);
        await PublishAndWaitAsync(technology);
        var before = Assert.Single((await MatchesAsync(university, Technologies, technology.TechnologyId)).Items);

        await PublishAndWaitAsync(Updated(technology, "Conformal cooling inserts against warpage",
            "Printed inserts cool injection moulds evenly, so moulded housings show less warpage.", minutes: 5));

        var after = Assert.Single((await MatchesAsync(university, Technologies, technology.TechnologyId)).Items);
        Assert.Equal(before.MatchId, after.MatchId);
        Assert.NotEqual(before.Score, after.Score);
    }

    [Fact]
    public async Task A_technology_changed_beyond_recognition_loses_its_old_matches()
    {
        var university = NewUniversity();
        var enterprise = NewEnterprise();
        var technology = CoolingTechnology(university, minutes: 0);
        var need = WarpageNeed(enterprise);
        await PublishAndWaitAsync(need);
        await PublishAndWaitAsync(technology);
        Assert.Single((await MatchesAsync(university, Technologies, technology.TechnologyId)).Items);

        await PublishAndWaitAsync(Updated(technology, "Gallium nitride power amplifiers", "Wide bandgap amplifiers for base stations.",
            minutes: 5, keywords: ["gallium nitride"]));

        Assert.Empty((await MatchesAsync(university, Technologies, technology.TechnologyId)).Items);
        Assert.Empty((await MatchesAsync(enterprise, Needs, need.NeedId)).Items);
    }

    [Fact]
    public async Task Top_limits_the_matches_and_must_be_between_1_and_100()
    {
        var university = NewUniversity();
        var technology = CoolingTechnology(university);
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise()));
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise()));
        await PublishAsync(technology);
        var all = await MatchesEventuallyAsync(university, Technologies, technology.TechnologyId, m => m.Items.Count == 2);

        using var one = await GetMatchesAsync(university, Technologies, technology.TechnologyId, top: "1");
        Assert.Equal([all.Items[0].Key], (await ReadAsync<MatchesBody>(one)).Items.Select(m => m.Key));
        Assert.True(all.Items[0].Score >= all.Items[1].Score, "best first");
        foreach (var top in new[] { "0", "101", "-1", "ten", "" })
        {
            using var response = await GetMatchesAsync(university, Technologies, technology.TechnologyId, top);
            await AssertValidationProblemAsync(response, "top");
        }
    }

    [Fact]
    public async Task The_service_is_ready_once_its_database_bus_and_index_answer()
    {
        using var response = await Matching.Service.CreateClient().GetAsync("/health/ready", Ct);

        await AssertStatusAsync(HttpStatusCode.OK, response);
        Assert.True(Directory.Exists(Matching.IndexFolder), "the index lives in its configured folder");
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));

        // Staff see each check and what it says; the anonymous probe above saw only the status.
        using var detailed = await Matching.Service.CreateClient(NewStaff().Token).GetAsync("/health/ready", Ct);
        var report = JsonNode.Parse(await detailed.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Healthy", (string?)report["status"]);
        var index = report["checks"]!["index-matching"]!;
        Assert.Equal("Healthy", (string?)index["status"]);
        Assert.Contains("listings indexed", (string?)index["description"], StringComparison.Ordinal);
        Assert.NotNull(report["checks"]!["database-matching"]);
    }

    [Fact]
    public async Task The_API_description_lists_the_matching_endpoints()
    {
        using var response = await Matching.Service.CreateClient().GetAsync("/openapi/v1.json", Ct);

        await AssertStatusAsync(HttpStatusCode.OK, response);
        var paths = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["paths"]!.AsObject();
        foreach (var path in new[] { "/api/technologies/{id}/matches", "/api/needs/{id}/matches", "/api/matches/{matchId}/feedback", "/api/search" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is not described; paths: {string.Join(", ", paths.Select(p => p.Key))}");
        }

        // Signed-in callers only: 401 for everyone else; staff only: 403 for other roles too.
        var search = paths["/api/search"]!["get"]!["responses"]!.AsObject();
        Assert.True(search.ContainsKey("401"), "search describes its 401");
        Assert.False(search.ContainsKey("403"), "search needs no role");
        var feedback = paths["/api/matches/{matchId}/feedback"]!["post"]!["responses"]!.AsObject();
        Assert.True(feedback.ContainsKey("401") && feedback.ContainsKey("403"), $"feedback describes its 401 and 403: {feedback.ToJsonString()}");
    }
}

public sealed class MatchesOnPostgresAndRabbitMq() : MatchesTests(Setup.PostgresAndRabbitMq);

public sealed class MatchesOnSqliteAndInMemoryBus() : MatchesTests(Setup.SqliteAndInMemoryBus);
