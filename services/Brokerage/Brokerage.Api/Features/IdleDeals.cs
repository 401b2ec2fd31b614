using Dapper;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.Brokerage.Api.Notifications;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>
/// Finds open deals that have sat at their stage longer than its time limit and tells staff (deal-idle), once per deal
/// and stage visit. Runs every <see cref="BrokerageOptions.IdleCheckInterval"/>.
/// </summary>
public static class IdleDeals
{
    /// <returns>How many deals were idle (notified now or before).</returns>
    public static Task<int> CheckAsync(BrokerageDatabase database, BrokerageOptions options, DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var open = await connection.QueryAsync<DealQueries.DealListRow>(
                $"""
                SELECT {DealQueries.ListColumns}
                {DealQueries.ListFrom}
                WHERE d.stage NOT IN ('completed', 'declined')
                """,
                transaction: transaction);
            var idle = 0;
            foreach (var deal in open.Where(d => options.IsIdle(d.Stage, d.UpdatedAt, now)))
            {
                idle++;
                var limit = options.LimitFor(deal.Stage)!.Value;
                await Notify.StaffAsync(connection, transaction, Notify.DealIdle, $"A deal is idle at {deal.Stage}",
                    $"The deal has been at {deal.Stage} for more than {limit.TotalDays:0.##} day(s). {BrokerageOptions.NextAction(deal.Stage)}",
                    $"/deals/{deal.Id:D}", $"deal-idle:{deal.Id:D}:{deal.Stage}:{deal.UpdatedAt.UtcTicks}", now,
                    new NotificationTemplate("deal-idle", ("stage", deal.Stage), ("days", limit.TotalDays.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture))));
            }

            return idle;
        }, ct);
}

/// <summary>The periodic idle check.</summary>
public sealed class IdleDealsMonitor(BrokerageDatabase database, BrokerageOptions options, ILogger<IdleDealsMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.IdleCheckInterval);
        do
        {
            try
            {
                await IdleDeals.CheckAsync(database, options, DateTimeOffset.UtcNow, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "The idle deal check failed; it runs again in {Interval}.", options.IdleCheckInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
