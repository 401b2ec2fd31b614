using System.Data.Common;
using MassTransit;
using Matchmaking.Matching.Contracts;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Brokerage.Api.Notifications;

/// <summary>
/// match-found, written by the suggestions consumer in its own transaction: each owner hears of a new match for its
/// listing, staff of new suggestions to review. The university is not told of a match with a staff-only need (it may
/// not know that need exists). Texts carry no listing content.
/// </summary>
public static class MatchFoundNotifications
{
    /// <summary>The notifications one suggestion event causes.</summary>
    public static IEnumerable<Notification> For(MatchesSuggested message, Guid? messageId)
    {
        var notifications = new List<Notification>();
        foreach (var match in message.Matches)
        {
            var key = $"match-found:{match.TechnologyId:D}:{match.NeedId:D}";
            notifications.Add(Notify.ForOrganisation(match.NeedOrganisationId, Notify.MatchFound,
                "New match for your need", "The matching engine suggested a technology for your need.",
                $"/needs/{match.NeedId:D}", key, message.OccurredAt));
            if (match.NeedVisibility is "public" or "anonymous")
            {
                notifications.Add(Notify.ForOrganisation(match.TechnologyOrganisationId, Notify.MatchFound,
                    "New match for your technology", "The matching engine suggested a need your technology may answer.",
                    $"/technologies/{match.TechnologyId:D}", key, message.OccurredAt));
            }
        }

        if (message.Matches.Count > 0)
        {
            notifications.Add(Notify.ForStaff(Notify.MatchFound, "New suggestions to review",
                $"The matching engine made {message.Matches.Count} suggestion(s) for a {message.ListingKind}.",
                "/review", $"match-found:{messageId ?? Guid.NewGuid():D}", message.OccurredAt));
        }

        return notifications;
    }
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
                    $"/technologies/{interest.TechnologyId:D}", key, interest.OccurredAt);
            }

            await Notify.StaffAsync(connection, transaction, Notify.InterestExpressed,
                "Interest expressed in a suggestion", "An enterprise expressed interest in a suggested match.",
                "/review", key, interest.OccurredAt);
        });
}
