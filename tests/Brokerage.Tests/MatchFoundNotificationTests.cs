using Matchmaking.Brokerage.Api.Notifications;
using Matchmaking.Matching.Contracts;
using Xunit;

namespace Matchmaking.Brokerage.Tests;

/// <summary>Who hears of new matches (pure logic; the consumer that writes them is covered by MessagingTests).</summary>
public sealed class MatchFoundNotificationTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_need_owner_hears_once_of_all_new_matches_and_each_university_of_its_own_pair()
    {
        var need = Guid.NewGuid();
        var enterprise = Guid.NewGuid();
        var universities = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var matches = universities.Select(university =>
            new SuggestedMatch(Guid.NewGuid(), Guid.NewGuid(), university, need, enterprise, 0.5, "public")).ToList();
        var message = new MatchesSuggested(need, "need", matches, At);

        var notifications = MatchFoundNotifications.For(message, Guid.NewGuid(), matches, matches);

        var toEnterprise = Assert.Single(notifications, n => n.OrganisationId == enterprise);
        Assert.Equal($"/needs/{need:D}", toEnterprise.Link);
        Assert.Contains("3 technologies", toEnterprise.Body, StringComparison.Ordinal);
        Assert.Equal(universities.Order(), notifications.Where(n => n.OrganisationId != enterprise && n.Audience == Notify.ToOrganisation)
            .Select(n => n.OrganisationId!.Value).Order());
        Assert.Single(notifications, n => n.Audience == Notify.ToStaff);
        Assert.Equal(notifications.Count, notifications.Select(n => n.DedupeKey).Distinct().Count());
    }

    [Fact]
    public void A_university_is_not_told_of_staff_only_needs_and_hears_nothing_when_every_new_match_is_one()
    {
        var technology = Guid.NewGuid();
        var university = Guid.NewGuid();
        SuggestedMatch Match(string visibility) => new(Guid.NewGuid(), technology, university, Guid.NewGuid(), Guid.NewGuid(), 0.5, visibility);
        var open = Match("anonymous");
        var hidden = Match("staff-only");

        var mixed = MatchFoundNotifications.For(new MatchesSuggested(technology, "technology", [open, hidden], At), Guid.NewGuid(), [open, hidden], [open, hidden]);
        var toUniversity = Assert.Single(mixed, n => n.OrganisationId == university);
        Assert.Contains("1 need ", toUniversity.Body, StringComparison.Ordinal);
        Assert.Contains(mixed, n => n.OrganisationId == hidden.NeedOrganisationId);

        var onlyHidden = MatchFoundNotifications.For(new MatchesSuggested(technology, "technology", [hidden], At), Guid.NewGuid(), [hidden], [hidden]);
        Assert.DoesNotContain(onlyHidden, n => n.OrganisationId == university);
    }

    [Fact]
    public void Nothing_new_notifies_no_one_and_the_same_new_pairs_give_the_same_keys()
    {
        var match = new SuggestedMatch(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 0.5, "public");
        var message = new MatchesSuggested(match.NeedId, "need", [match], At);

        Assert.Empty(MatchFoundNotifications.For(message, Guid.NewGuid(), [], []));
        // Two computations announcing the same new pair (replicas racing) write the organisations' notifications once.
        var first = MatchFoundNotifications.For(message, Guid.NewGuid(), [match], [match]).Where(n => n.Audience == Notify.ToOrganisation);
        var second = MatchFoundNotifications.For(message with { OccurredAt = At.AddSeconds(1) }, Guid.NewGuid(), [match], [match])
            .Where(n => n.Audience == Notify.ToOrganisation);
        Assert.Equal(first.Select(n => n.DedupeKey).Order(), second.Select(n => n.DedupeKey).Order());
    }

    [Fact]
    public void A_known_pair_whose_university_was_not_told_tells_only_the_university()
    {
        var technology = Guid.NewGuid();
        var university = Guid.NewGuid();
        var match = new SuggestedMatch(Guid.NewGuid(), technology, university, Guid.NewGuid(), Guid.NewGuid(), 0.5, "public");

        // The need became public after the pair was suggested: nothing is new, but the university hears of it now.
        var notifications = MatchFoundNotifications.For(new MatchesSuggested(technology, "technology", [match], At), Guid.NewGuid(), [], [match]);

        var told = Assert.Single(notifications);
        Assert.Equal(university, told.OrganisationId);
        Assert.Contains("1 need ", told.Body, StringComparison.Ordinal);
        var fromNeed = MatchFoundNotifications.For(new MatchesSuggested(match.NeedId, "need", [match], At), Guid.NewGuid(), [], [match]);
        Assert.Equal(university, Assert.Single(fromNeed).OrganisationId);
    }
}
