using System.Text;
using MassTransit;
using Matchmaking.Needs.Contracts;
using Matchmaking.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Matchmaking.Faults.Tests;

/// <summary>
/// Each scenario kills or breaks something under real traffic and proves, with a ledger of what was sent against what
/// took effect, that nothing was lost or doubled.
/// </summary>
public sealed class FaultScenarios(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Outbox_an_event_committed_before_a_SIGKILL_still_goes_out_after_the_restart()
    {
        FaultCluster.SkipUnlessEnabled();
        await using var stack = await Stack.StartAsync("outbox", needsHook: "kill-after-commit");
        await stack.SeedTechnologiesAsync();

        // The hook kills Needs right after the need and its event commit: the client never hears back.
        var crashed = await stack.PostNeedAsync(TimeSpan.FromSeconds(5));
        Assert.Null(crashed);
        await stack.Needs.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var committed = await stack.CountAsync("Needs", "SELECT COUNT(*) FROM needs");
        var unsent = await stack.CountAsync("Needs", "SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL");
        Assert.Equal(1, committed);
        Assert.Equal(1, unsent);
        var needId = Guid.Parse((await FirstNeedIdAsync(stack))!);

        await stack.Needs.RestartAsync();
        List<Guid> sent = [needId];
        for (var i = 0; i < 10; i++)
        {
            sent.Add(await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed after the restart"));
        }

        var (effects, lost, duplicated) = await stack.SettleAsync(sent);
        Ledger.Record(output, "outbox-sigkill-after-commit", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task Inbox_a_message_delivered_twice_and_a_consumer_killed_before_its_ack_take_effect_once()
    {
        FaultCluster.SkipUnlessEnabled();
        await using var stack = await Stack.StartAsync("inbox");
        await stack.SeedTechnologiesAsync();

        // 1. The same message (same MessageId) published twice.
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host("127.0.0.1", FaultCluster.RabbitPort, stack.VirtualHost, h =>
        {
            h.Username("guest");
            h.Password("guest");
        }));
        await bus.StartAsync(TestContext.Current.CancellationToken);
        List<Guid> sent = [];
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var needId = Guid.NewGuid();
                var messageId = Guid.NewGuid();
                var message = new NeedPosted(needId, Guid.NewGuid(), $"Moulded housings warp after cooling, twice {i}",
                    "Our moulded housings warp after cooling.", ["warpage"], "plastics", 4, "public", "en", DateTimeOffset.UtcNow);
                await bus.Publish(message, context => context.MessageId = messageId, Ct);
                await bus.Publish(message, context => context.MessageId = messageId, Ct);
                sent.Add(needId);
            }
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }

        await Eventually.UntilAsync(() => stack.CountAsync("Matching", "SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'matching-need-posted'"),
            n => n >= sent.Count, TimeSpan.FromSeconds(60), "the twice-delivered messages consumed");

        // 2. Matching killed after its commit and before its ack: the broker redelivers to the restarted process.
        await stack.Matching.KillAsync();
        await stack.Matching.RestartAsync(hook: "kill-after-inbox-commit");
        var posted = await stack.PostNeedAsync() ?? throw new InvalidOperationException("the post failed");
        sent.Add(posted);
        await stack.Matching.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains(posted, await stack.NeedsInMatchingAsync());
        await stack.Matching.RestartAsync();

        // The redelivery is acknowledged without a second effect; wait for the queue to drain before counting.
        await Eventually.UntilAsync(() => FaultCluster.QueueDepthAsync(stack.VirtualHost, "matching-need-posted"), n => n == 0,
            TimeSpan.FromSeconds(60), "the redelivered message consumed");
        var (effects, lost, duplicated) = await stack.SettleAsync(sent);
        Ledger.Record(output, "inbox-duplicate-and-kill-before-ack", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task RabbitMQ_killed_and_restarted_under_a_stream_of_posts_loses_and_doubles_nothing()
    {
        FaultCluster.SkipUnlessEnabled();
        await using var stack = await Stack.StartAsync("rabbit");
        await stack.SeedTechnologiesAsync();

        var sent = new List<Guid>();
        using var stop = new CancellationTokenSource();
        var stream = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await stack.PostNeedAsync() is { } id)
                {
                    lock (sent)
                    {
                        sent.Add(id);
                    }
                }

                await Task.Delay(50, Ct);
            }
        }, Ct);

        await Eventually.UntilAsync(() => Task.FromResult(sent.Count), n => n >= 20, TimeSpan.FromSeconds(60), "posts before the kill");
        await FaultCluster.KillBrokerAsync();
        // Matching consumes, so its readiness follows the broker (MassTransit's bus check, tagged "ready"). Needs has no
        // consumer: it stays ready and keeps taking posts into its outbox, which is the point of the outbox.
        var red = await stack.Matching.WaitUntilAsync("/health/ready", ok: false, TimeSpan.FromSeconds(60));
        output.WriteLine($"Matching readiness red {red.TotalSeconds:F1} s after the broker died");
        await FaultCluster.StartBrokerAsync();
        var green = await stack.Matching.WaitUntilAsync("/health/ready", ok: true, TimeSpan.FromSeconds(120));
        output.WriteLine($"Matching readiness green {green.TotalSeconds:F1} s after the broker was restarted");
        var during = sent.Count;
        await Eventually.UntilAsync(() => Task.FromResult(sent.Count), n => n >= during + 20, TimeSpan.FromSeconds(60), "posts after the restart");
        await stop.CancelAsync();
        await stream;

        var (effects, lost, duplicated) = await stack.SettleAsync(sent, TimeSpan.FromSeconds(180));
        Ledger.Record(output, "rabbitmq-kill-restart", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task PostgreSQL_stopped_immediately_and_restarted_mid_stream_leaves_no_partial_effect()
    {
        FaultCluster.SkipUnlessEnabled();
        await using var stack = await Stack.StartAsync("postgres");
        await stack.SeedTechnologiesAsync();

        var sent = new List<Guid>();
        using var stop = new CancellationTokenSource();
        var stream = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await stack.PostNeedAsync() is { } id)
                {
                    lock (sent)
                    {
                        sent.Add(id);
                    }
                }

                await Task.Delay(50, Ct);
            }
        }, Ct);

        await Eventually.UntilAsync(() => Task.FromResult(sent.Count), n => n >= 20, TimeSpan.FromSeconds(60), "posts before the crash");
        await FaultCluster.CrashPostgresAsync();
        await stack.Needs.WaitUntilAsync("/health/ready", ok: false, TimeSpan.FromSeconds(30));
        await FaultCluster.ResumePostgresAsync();
        await stack.Needs.WaitUntilAsync("/health/ready", ok: true, TimeSpan.FromSeconds(60));
        var during = sent.Count;
        await Eventually.UntilAsync(() => Task.FromResult(sent.Count), n => n >= during + 20, TimeSpan.FromSeconds(60), "posts after the restart");
        await stop.CancelAsync();
        await stream;

        // No partial effect: every need Needs holds has exactly its one event, and every event reached Matching.
        var needsRows = await stack.CountAsync("Needs", "SELECT COUNT(*) FROM needs");
        var events = await stack.CountAsync("Needs", "SELECT COUNT(*) FROM outbox_messages");
        Assert.Equal(needsRows, events);
        var (effects, lost, duplicated) = await stack.SettleAsync(sent, TimeSpan.FromSeconds(180));
        Ledger.Record(output, "postgres-immediate-stop-restart", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task A_poison_message_goes_to_the_error_queue_and_the_service_keeps_working()
    {
        FaultCluster.SkipUnlessEnabled();
        await using var stack = await Stack.StartAsync("poison");
        await stack.SeedTechnologiesAsync();

        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = FaultCluster.RabbitPort, VirtualHost = stack.VirtualHost };
        await using (var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true };
            await channel.BasicPublishAsync("", "matching-need-posted", false, properties,
                Encoding.UTF8.GetBytes("{ this is not json \u0001"), TestContext.Current.CancellationToken);
        }

        var poisoned = await Eventually.UntilAsync(() => FaultCluster.QueueDepthAsync(stack.VirtualHost, "matching-need-posted_error"),
            n => n >= 1, TimeSpan.FromSeconds(150), "the poison message in matching-need-posted_error");
        Assert.Equal(1, poisoned);

        List<Guid> sent = [];
        for (var i = 0; i < 10; i++)
        {
            sent.Add(await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed"));
        }

        var (effects, lost, duplicated) = await stack.SettleAsync(sent);
        Assert.False(stack.Matching.HasExited);
        Ledger.Record(output, "poison-to-error-queue", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task SIGTERM_during_load_completes_or_redelivers_the_work_in_flight()
    {
        FaultCluster.SkipUnlessEnabled();
        await using var stack = await Stack.StartAsync("sigterm");
        await stack.SeedTechnologiesAsync();

        // A backlog while Matching is away, then SIGTERM as soon as it is working through it.
        await stack.Matching.KillAsync();
        var sent = new List<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 150), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var id = await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed");
            lock (sent)
            {
                sent.Add(id);
            }
        });
        await stack.Matching.RestartAsync();
        await Eventually.UntilAsync(() => stack.CountAsync("Matching", "SELECT COUNT(*) FROM listings WHERE kind = 'need'"),
            n => n >= 10, TimeSpan.FromSeconds(60), "Matching working through the backlog");
        stack.Matching.Terminate();
        await stack.Matching.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var before = (await stack.NeedsInMatchingAsync()).Count;
        output.WriteLine($"SIGTERM with {before} of {sent.Count} needs applied");
        await stack.Matching.RestartAsync();

        var (effects, lost, duplicated) = await stack.SettleAsync(sent, TimeSpan.FromSeconds(180));
        Ledger.Record(output, "sigterm-during-load", sent.Count, effects, lost, duplicated);
    }

    private static async Task<string?> FirstNeedIdAsync(Stack stack)
    {
        await using var connection = new Npgsql.NpgsqlConnection(stack.Databases["Needs"]);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM needs LIMIT 1";
        return (string?)await command.ExecuteScalarAsync();
    }
}
