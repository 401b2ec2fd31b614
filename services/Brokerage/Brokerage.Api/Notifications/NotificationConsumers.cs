using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Matchmaking.Matching.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Brokerage.Api.Notifications;

/// <summary>
/// match-found, written by the suggestions consumer in its own transaction for the pairs of an event not suggested
/// before: the owner of the listing the event is about hears once of all its new matches, each counterpart's owner of
/// the pair with its own listing, and staff once of new suggestions to review. (One notification per pair to the
/// listing's owner as well filled the inbox with the same line twenty times, and was 40% of the database time of a
/// listing under infra/load.sh.) The university is not told of a match with a staff-only need (it may not know that
/// need exists); it is told of the pair when a later computation finds the need public or anonymous, which is why the
/// technology's owner has its own list of pairs it was not told of. Texts carry no listing content.
/// </summary>
public static class MatchFoundNotifications
{
    /// <summary>
    /// The notifications of one suggestion event, given the matches in it that are new (<paramref name="fresh"/>: the
    /// need's owner and staff hear of them) and those whose technology's owner was not told of them before
    /// (<paramref name="untold"/>, the new ones among them: that owner hears of those whose need is visible).
    /// </summary>
    public static IReadOnlyList<Notification> For(
        MatchesSuggested message, Guid? messageId, IReadOnlyList<SuggestedMatch> fresh, IReadOnlyList<SuggestedMatch> untold)
    {
        var notifications = new List<Notification>();
        var toUniversity = untold.Where(Visible).ToList();
        switch (message.ListingKind)
        {
            case "need":
                if (fresh.Count > 0)
                {
                    notifications.Add(Notify.ForOrganisation(fresh[0].NeedOrganisationId, Notify.MatchFound, "New matches for your need",
                        $"The matching engine suggested {Count(fresh.Count, "technology", "technologies")} for your need.",
                        $"/needs/{fresh[0].NeedId:D}", GroupKey(message, fresh), message.OccurredAt,
                        new NotificationTemplate("need-matches", ("count", fresh.Count))));
                }

                notifications.AddRange(toUniversity.Select(match => ToTechnologyOwner(match, message.OccurredAt)));
                break;
            case "technology":
                if (toUniversity.Count > 0)
                {
                    notifications.Add(Notify.ForOrganisation(toUniversity[0].TechnologyOrganisationId, Notify.MatchFound,
                        "New matches for your technology",
                        $"The matching engine suggested {Count(toUniversity.Count, "need", "needs")} your technology may answer.",
                        $"/technologies/{toUniversity[0].TechnologyId:D}", GroupKey(message, toUniversity), message.OccurredAt,
                        new NotificationTemplate("technology-matches", ("count", toUniversity.Count))));
                }

                notifications.AddRange(fresh.Select(match => ToNeedOwner(match, message.OccurredAt)));
                break;
            default:
                notifications.AddRange(fresh.Select(match => ToNeedOwner(match, message.OccurredAt)));
                notifications.AddRange(toUniversity.Select(match => ToTechnologyOwner(match, message.OccurredAt)));
                break;
        }

        if (fresh.Count > 0)
        {
            notifications.Add(Notify.ForStaff(Notify.MatchFound, "New suggestions to review",
                $"The matching engine made {fresh.Count} new suggestion(s) for a {message.ListingKind}.",
                "/review", $"match-found:{messageId ?? Guid.NewGuid():D}", message.OccurredAt,
                new NotificationTemplate("staff-suggestions", ("count", fresh.Count), ("listingKind", message.ListingKind))));
        }

        return notifications;
    }

    /// <summary>Whether the technology's owner may hear of the match: not while the need is staff-only.</summary>
    public static bool Visible(SuggestedMatch match) => match.NeedVisibility is "public" or "anonymous";

    // The listing owner's notification is keyed by the pairs it announces, so two computations that announce the same
    // pairs (replicas racing on one listing) write it once; a pair's own notification is keyed by the pair.
    private static string GroupKey(MatchesSuggested message, IEnumerable<SuggestedMatch> announced)
    {
        var ids = string.Join(',', announced.Select(match => match.MatchId.ToString("N")).Order(StringComparer.Ordinal));
        return $"match-found:{message.ListingId:D}:{Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(ids)))[..32]}";
    }

    private static string Count(int count, string one, string many) => count == 1 ? $"1 {one}" : $"{count} {many}";

    private static string PairKey(SuggestedMatch match) => $"match-found:{match.TechnologyId:D}:{match.NeedId:D}";

    private static Notification ToNeedOwner(SuggestedMatch match, DateTimeOffset at) =>
        Notify.ForOrganisation(match.NeedOrganisationId, Notify.MatchFound, "New match for your need",
            "The matching engine suggested a technology for your need.", $"/needs/{match.NeedId:D}", PairKey(match), at,
            new NotificationTemplate("need-match"));

    private static Notification ToTechnologyOwner(SuggestedMatch match, DateTimeOffset at) =>
        Notify.ForOrganisation(match.TechnologyOrganisationId, Notify.MatchFound, "New match for your technology",
            "The matching engine suggested a need your technology may answer.", $"/technologies/{match.TechnologyId:D}",
            PairKey(match), at, new NotificationTemplate("technology-match"));
}

/// <summary>interest-expressed: to the technology's university (unless the need is staff-only) and to staff.</summary>
public sealed class BrokerageInterestExpressedConsumer(BrokerageDatabase database) : IConsumer<InterestExpressed>
{
    public Task Consume(ConsumeContext<InterestExpressed> context) =>
        Inbox.HandleOnceAsync(database, context, "brokerage-interest-expressed", async (connection, transaction) =>
        {
            var interest = context.Message;
            var key = $"interest:{interest.InterestId:D}";
            if (interest.NeedVisibility is "public" or "anonymous")
            {
                await Notify.OrganisationAsync(connection, transaction, interest.TechnologyOrganisationId, Notify.InterestExpressed,
                    "An enterprise is interested in your technology", "An enterprise expressed interest in a match with your technology.",
                    $"/technologies/{interest.TechnologyId:D}", key, interest.OccurredAt, new NotificationTemplate("interest-university"));
            }

            await Notify.StaffAsync(connection, transaction, Notify.InterestExpressed,
                "Interest expressed in a suggestion", "An enterprise expressed interest in a suggested match.",
                "/review", key, interest.OccurredAt, new NotificationTemplate("interest-staff"));
        });
}
