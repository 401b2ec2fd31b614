using System.Diagnostics;
using System.Net;
using System.Text;
using Dapper;
using MassTransit;
using Matchmaking.Needs.Contracts;
using Matchmaking.Testing;
using Npgsql;
using RabbitMQ.Client;
using Xunit;

namespace Matchmaking.Faults.Tests;

/// <summary>
/// One stack (Research, Needs, Matching and Brokerage as processes, their databases, a virtual host) shared by every
/// scenario of <see cref="FaultScenarios"/>: started once and seeded with technologies, so a need posted in any scenario
/// has suggestions to double. Each scenario revives it first (<see cref="Stack.ReviveAsync"/>) and counts its ledger over
/// the needs it sent and the doubled effects it added, so scenarios stay independent while sharing processes.
/// </summary>
public sealed class SharedStack : IAsyncLifetime
{
    private Stack? _stack;

    public Stack Stack => _stack ?? throw new InvalidOperationException("the shared stack did not start");

    /// <summary>How long starting and seeding the stack took (once, for every scenario).</summary>
    public TimeSpan StartedIn { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!FaultCluster.Enabled)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        _stack = await Stack.StartAsync("faults");
        await _stack.SeedTechnologiesAsync();
        StartedIn = clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

/// <summary>
/// Each scenario kills or breaks something under real traffic and proves, with a ledger of what was sent against what
/// took effect (counted from the databases), that nothing was lost or doubled.
/// </summary>
public sealed class FaultScenarios(SharedStack shared, ITestOutputHelper output) : IClassFixture<SharedStack>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The stack, revived, and the doubled effects it holds already (the scenario's baseline).</summary>
    private async Task<(Stack Stack, int Duplicates)> BeginAsync()
    {
        FaultCluster.SkipUnlessEnabled();
        var stack = shared.Stack;
        output.WriteLine($"(the shared stack started and was seeded in {shared.StartedIn.TotalSeconds:F1} s, once)");
        await stack.ReviveAsync();
        Step("stack ready");
        return (stack, await stack.DuplicatesAsync());
    }

    private void Step(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1} s  {what}");

    [Fact]
    public async Task Outbox_an_event_committed_before_a_SIGKILL_still_goes_out_after_the_restart()
    {
        var (stack, duplicates) = await BeginAsync();
        await stack.Needs.KillAsync();
        await stack.Needs.RestartAsync(hook: "kill-after-commit");
        var before = await NeedIdsAsync(stack);
        Step("Needs restarted with kill-after-commit");

        // The hook kills Needs right after the need and its event commit: the client never hears back.
        var crashed = await stack.PostNeedAsync(TimeSpan.FromSeconds(2));
        Assert.Null(crashed);
        await stack.Needs.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var committed = (await NeedIdsAsync(stack)).Except(before).ToList();
        var needId = Assert.Single(committed);
        var unsent = await stack.CountAsync("Needs",
            "SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL AND body LIKE '%' || @Id || '%'", new { Id = needId.ToString() });
        Assert.Equal(1, unsent);
        Step("Needs died after committing a need and its unsent event");

        await stack.Needs.RestartAsync();
        Step("Needs restarted without the hook");
        List<Guid> sent = [needId];
        for (var i = 0; i < 10; i++)
        {
            sent.Add(await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed after the restart"));
        }

        var (effects, lost, duplicated) = await stack.SettleAsync(sent, duplicates, output);
        Step("settled");
        Ledger.Record(output, "outbox-sigkill-after-commit", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task Outbox_a_deal_Brokerage_committed_before_a_SIGKILL_still_reaches_every_service_after_the_restart()
    {
        var (stack, duplicates) = await BeginAsync();

        // Needs with suggestions in Brokerage; staff open a deal on one suggestion of each. Every queue drained first, so
        // the hook fires on the deal and not on a consumer's write.
        List<Guid> needs = [];
        for (var i = 0; i < 6; i++)
        {
            needs.Add(await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed"));
        }

        var suggestions = await Eventually.UntilAsync(() => stack.SuggestionsAsync(needs), found => found.Count == needs.Count,
            TimeSpan.FromSeconds(60), "a suggestion of each need in Brokerage");
        await Eventually.UntilAsync(() => FaultCluster.PendingAsync(stack.VirtualHost), n => n == 0,
            TimeSpan.FromSeconds(60), "the queues drained");
        await stack.Brokerage.KillAsync();
        await stack.Brokerage.RestartAsync(hook: "kill-after-commit");
        Step("Brokerage restarted with kill-after-commit");

        // The hook kills Brokerage right after the deal and its event commit: staff never hear back.
        Assert.Null(await stack.OpenDealAsync(suggestions[needs[0]], TimeSpan.FromSeconds(2)));
        await stack.Brokerage.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await stack.CountAsync("Brokerage", "SELECT COUNT(*) FROM deals WHERE need_id = @Need", new { Need = needs[0].ToString("D") }));
        Assert.Equal(1, await stack.CountAsync("Brokerage",
            "SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL AND message_type LIKE 'Matchmaking.Brokerage.Contracts.DealStageChanged,%'"));
        Step("Brokerage died after committing a deal and its unsent event");

        await stack.Brokerage.RestartAsync();
        Step("Brokerage restarted without the hook");
        foreach (var need in needs.Skip(1))
        {
            Assert.NotNull(await stack.OpenDealAsync(suggestions[need]));
        }

        var (effects, lost, duplicated) = await stack.SettleDealsAsync(needs, duplicates, output);
        Step("settled");
        Ledger.Record(output, "brokerage-outbox-sigkill-after-commit", needs.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task Inbox_a_message_delivered_twice_and_a_consumer_killed_before_its_ack_take_effect_once()
    {
        var (stack, duplicates) = await BeginAsync();
        const string consumed = "SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'matching-need-posted'";
        var inboxBefore = await stack.CountAsync("Matching", consumed);

        // 1. The same message (same MessageId) published twice.
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host("127.0.0.1", FaultCluster.RabbitPort, stack.VirtualHost, h =>
        {
            h.Username("guest");
            h.Password("guest");
        }));
        await bus.StartAsync(Ct);
        List<Guid> sent = [];
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var needId = Guid.NewGuid();
                var messageId = Guid.NewGuid();
                var message = new NeedPosted(needId, Guid.NewGuid(), $"Moulded housings warp after cooling, twice {needId:N}",
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

        await Eventually.UntilAsync(() => stack.CountAsync("Matching", consumed),
            n => n >= inboxBefore + sent.Count, TimeSpan.FromSeconds(60), "the twice-delivered messages consumed");
        Step("10 messages published twice each, consumed");

        // 2. Matching killed after its commit and before its ack: the broker redelivers to the restarted process.
        var posted = await PostUnderHookAsync(stack, stack.Matching, "kill-after-inbox-commit");
        sent.Add(posted);
        Assert.Contains(posted, await stack.NeedsInMatchingAsync());
        Step("Matching died after committing, before its ack");
        await stack.Matching.RestartAsync();
        Step("Matching restarted without the hook");

        // The redelivery is acknowledged without a second effect; wait until the queue holds nothing, in flight
        // included, before counting.
        await Eventually.UntilAsync(() => FaultCluster.PendingAsync(stack.VirtualHost), n => n == 0,
            TimeSpan.FromSeconds(60), "the redelivered message consumed");
        var (effects, lost, duplicated) = await stack.SettleAsync(sent, duplicates, output);
        Step("settled");
        Ledger.Record(output, "inbox-duplicate-and-kill-before-ack", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task Brokerage_killed_after_its_inbox_commit_and_before_its_ack_suggests_and_tells_once()
    {
        var (stack, duplicates) = await BeginAsync();

        // The hook names the suggestions' consumer: Brokerage consumes the need's own event too, and lives through that.
        var posted = await PostUnderHookAsync(stack, stack.Brokerage, "kill-after-inbox-commit:brokerage-matches-suggested");
        List<Guid> sent = [posted];

        // It died with the need's suggestions and notifications committed and their message not acknowledged.
        var committed = (await stack.BrokerageEffectsAsync(sent))[posted];
        Assert.True(committed.Complete, $"Brokerage died before committing the need's suggestions: {committed}");
        Step($"Brokerage died after committing {committed.Suggested} suggestions, before its ack");
        await stack.Brokerage.RestartAsync();
        Step("Brokerage restarted without the hook");
        for (var i = 0; i < 10; i++)
        {
            sent.Add(await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed after the restart"));
        }

        // The redelivery is acknowledged without a second effect; wait until the queues hold nothing, in flight
        // included, before counting.
        await Eventually.UntilAsync(() => FaultCluster.PendingAsync(stack.VirtualHost), n => n == 0,
            TimeSpan.FromSeconds(60), "the redelivered message consumed");
        var (effects, lost, duplicated) = await stack.SettleAsync(sent, duplicates, output);
        Step("settled");
        Ledger.Record(output, "brokerage-inbox-kill-before-ack", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task RabbitMQ_killed_and_restarted_under_a_stream_of_posts_loses_and_doubles_nothing()
    {
        var (stack, duplicates) = await BeginAsync();
        List<Guid> sent;
        await using (var stream = new PostStream(stack))
        {
            await stream.WaitForMoreAsync(20, "posts before the kill");
            Step($"{stream.Count} posts acknowledged; killing RabbitMQ");
            try
            {
                await FaultCluster.KillBrokerAsync();
                // Matching and Brokerage consume, so their readiness follows the broker (MassTransit's bus check, tagged
                // "ready"). So does Needs' (it consumes deal events; 503 "Degraded" here), but it keeps taking the
                // stream's posts into its outbox, which is the point of the outbox; /health/serving, which the Portal's
                // gateway probes, stays green on all three, so a gateway would keep them in its rotation.
                var red = await stack.Matching.WaitUntilAsync("/health/ready", ok: false, TimeSpan.FromSeconds(60));
                Step($"Matching readiness red {red.TotalSeconds:F1} s after the broker died");
                var brokerageRed = await stack.Brokerage.WaitUntilAsync("/health/ready", ok: false, TimeSpan.FromSeconds(60));
                Step($"Brokerage readiness red {brokerageRed.TotalSeconds:F1} s after the broker died");
                await stack.Needs.WaitUntilAsync("/health/ready", ok: false, TimeSpan.FromSeconds(60));
                foreach (var service in new[] { stack.Needs, stack.Matching, stack.Brokerage })
                {
                    Assert.Equal(HttpStatusCode.OK, await service.StatusAsync("/health/serving"));
                }

                Step("Needs, Matching and Brokerage unready but serving");
                await stream.WaitForMoreAsync(5, "posts while the broker is away");
            }
            finally
            {
                await FaultCluster.StartBrokerAsync();
            }

            Step($"RabbitMQ restarted ({stream.Count} posts acknowledged)");
            var green = await stack.Matching.WaitUntilAsync("/health/ready", ok: true, TimeSpan.FromSeconds(120));
            Step($"Matching readiness green {green.TotalSeconds:F1} s after the broker was restarted");
            var brokerageGreen = await stack.Brokerage.WaitUntilAsync("/health/ready", ok: true, TimeSpan.FromSeconds(120));
            Step($"Brokerage readiness green {brokerageGreen.TotalSeconds:F1} s after the broker was restarted");
            await stream.WaitForMoreAsync(20, "posts after the restart");
            sent = await stream.StopAsync();
        }

        var (effects, lost, duplicated) = await stack.SettleAsync(sent, duplicates, output, TimeSpan.FromSeconds(180));
        Step("settled");
        Ledger.Record(output, "rabbitmq-kill-restart", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task PostgreSQL_stopped_immediately_and_restarted_mid_stream_leaves_no_partial_effect()
    {
        var (stack, duplicates) = await BeginAsync();
        var serverErrors = stack.ServerErrors;
        List<Guid> sent;
        await using (var stream = new PostStream(stack))
        {
            await stream.WaitForMoreAsync(20, "posts before the crash");
            Step($"{stream.Count} posts acknowledged; pg_ctl stop -m immediate");
            try
            {
                await FaultCluster.CrashPostgresAsync();
                await stack.Needs.WaitUntilAsync("/health/ready", ok: false, TimeSpan.FromSeconds(30));
                // Without its database Needs cannot answer: the gateway's probe goes red too.
                await stack.Needs.WaitUntilAsync("/health/serving", ok: false, TimeSpan.FromSeconds(30));
                Step("Needs readiness and serving red");
            }
            finally
            {
                await FaultCluster.ResumePostgresAsync();
            }

            Step("PostgreSQL restarted (crash recovery done)");
            await stack.Needs.WaitUntilAsync("/health/ready", ok: true, TimeSpan.FromSeconds(60));
            await stack.Needs.WaitUntilAsync("/health/serving", ok: true, TimeSpan.FromSeconds(60));
            Step("Needs readiness and serving green");
            await stream.WaitForMoreAsync(20, "posts after the restart");
            sent = await stream.StopAsync();
        }

        // No partial effect: every need Needs holds has exactly its one event, and every event reached Matching.
        var needsRows = await stack.CountAsync("Needs", "SELECT COUNT(*) FROM needs");
        var events = await stack.CountAsync("Needs",
            "SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE 'Matchmaking.Needs.Contracts.NeedPosted,%'");
        Assert.Equal(needsRows, events);
        // While the database was away Needs answered 503 (retry), never 500.
        Assert.Equal(serverErrors, stack.ServerErrors);
        var (effects, lost, duplicated) = await stack.SettleAsync(sent, duplicates, output, TimeSpan.FromSeconds(180));
        Step("settled");
        Ledger.Record(output, "postgres-immediate-stop-restart", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task A_poison_message_goes_to_the_error_queue_and_the_service_keeps_working()
    {
        var (stack, duplicates) = await BeginAsync();
        var poisonedBefore = await FaultCluster.QueueReadyAsync(stack.VirtualHost, "matching-need-posted_error");

        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = FaultCluster.RabbitPort, VirtualHost = stack.VirtualHost };
        await using (var connection = await factory.CreateConnectionAsync(Ct))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Ct))
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true };
            await channel.BasicPublishAsync("", "matching-need-posted", false, properties,
                Encoding.UTF8.GetBytes("{ this is not json \u0001"), Ct);
        }

        var poisoned = await Eventually.UntilAsync(() => FaultCluster.QueueReadyAsync(stack.VirtualHost, "matching-need-posted_error"),
            n => n > poisonedBefore, TimeSpan.FromSeconds(90), "the poison message in matching-need-posted_error");
        Assert.Equal(poisonedBefore + 1, poisoned);
        Step("the poison message is in matching-need-posted_error");

        List<Guid> sent = [];
        for (var i = 0; i < 10; i++)
        {
            sent.Add(await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed"));
        }

        var (effects, lost, duplicated) = await stack.SettleAsync(sent, duplicates, output);
        Assert.False(stack.Matching.HasExited);
        Step("settled");
        Ledger.Record(output, "poison-to-error-queue", sent.Count, effects, lost, duplicated);
    }

    [Fact]
    public async Task SIGTERM_during_load_completes_or_redelivers_the_work_in_flight()
    {
        var (stack, duplicates) = await BeginAsync();

        // A backlog while Matching and Brokerage are away, larger than what a consumer holds in flight (two batches of 50),
        // then SIGTERM to Matching as soon as it is working through it; once Matching is done, the same to Brokerage.
        const int backlog = 400;
        await Task.WhenAll(stack.Matching.KillAsync(), stack.Brokerage.KillAsync());
        var sent = new List<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, backlog), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (_, _) =>
        {
            var id = await stack.PostNeedAsync() ?? throw new InvalidOperationException("a post failed");
            lock (sent)
            {
                sent.Add(id);
            }
        });
        Step($"{backlog} needs posted while Matching and Brokerage were away");

        async Task<int> AppliedAsync() => (await stack.NeedsInMatchingAsync()).Count(sent.Contains);
        await stack.Matching.RestartAsync();
        await Eventually.UntilAsync(AppliedAsync, n => n >= 10, TimeSpan.FromSeconds(60), "Matching working through the backlog");
        stack.Matching.Terminate();
        await stack.Matching.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Step($"SIGTERM to Matching with {await AppliedAsync()} of {sent.Count} needs applied");
        await stack.Matching.RestartAsync();
        await Eventually.UntilAsync(AppliedAsync, n => n == sent.Count, TimeSpan.FromSeconds(120), "Matching through the backlog");
        Step("Matching restarted and through the backlog");

        // Brokerage's own count of suggestion events taken in (its inbox), a cheap probe polled closely: its batches are quick.
        const string taken = "SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'brokerage-matches-suggested'";
        var takenBefore = await stack.CountAsync("Brokerage", taken);
        await stack.Brokerage.RestartAsync(waitReady: false);
        await Eventually.UntilAsync(() => stack.CountAsync("Brokerage", taken), n => n >= takenBefore + 10,
            TimeSpan.FromSeconds(60), "Brokerage working through the suggestions");
        stack.Brokerage.Terminate();
        await stack.Brokerage.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var suggested = (await stack.BrokerageEffectsAsync(sent)).Values.Count(effect => effect.Complete);
        Step($"SIGTERM to Brokerage with {suggested} of {sent.Count} needs suggested and told");
        await stack.Brokerage.RestartAsync();
        Step("Brokerage restarted");

        var (effects, lost, duplicated) = await stack.SettleAsync(sent, duplicates, output, TimeSpan.FromSeconds(180));
        Step("settled");
        Ledger.Record(output, "sigterm-during-load", sent.Count, effects, lost, duplicated);
    }

    /// <summary>
    /// Restarts <paramref name="service"/> with a test hook, posts one need and waits until the service killed itself on
    /// it; returns the need. Every queue is drained first (the index queue too), so the hook fires on that need and not on
    /// a leftover.
    /// </summary>
    private async Task<Guid> PostUnderHookAsync(Stack stack, ServiceProcess service, string hook)
    {
        await Eventually.UntilAsync(() => FaultCluster.PendingAsync(stack.VirtualHost), n => n == 0,
            TimeSpan.FromSeconds(60), "the queues drained");
        await service.KillAsync();
        await service.RestartAsync(hook: hook);
        Step($"{service.Service} restarted with {hook}");
        var posted = await stack.PostNeedAsync() ?? throw new InvalidOperationException("the post failed");
        await service.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return posted;
    }

    private static async Task<HashSet<Guid>> NeedIdsAsync(Stack stack)
    {
        await using var connection = new NpgsqlConnection(stack.Databases["Needs"]);
        return (await connection.QueryAsync<string>("SELECT id FROM needs")).Select(Guid.Parse).ToHashSet();
    }
}
