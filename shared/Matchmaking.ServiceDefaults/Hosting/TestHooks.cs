using System.Diagnostics;

namespace Matchmaking.ServiceDefaults.Hosting;

/// <summary>
/// TEST HOOKS, for the fault suite only (<c>infra/faults.sh</c>): the environment variable <c>MATCHMAKING_TEST_HOOK</c>
/// makes a process kill itself with SIGKILL at a point a real crash could hit but a test cannot time from outside:
/// <list type="bullet">
/// <item><c>kill-after-commit</c>: right after the first committed write that wrote events
/// (<see cref="Storage.ServiceDatabase.WriteAsync{T}"/>, or a listing posted with its event in one statement,
/// <see cref="Messaging.Outbox.InsertWithEventAsync{T}"/>), before the outbox relay is woken (the change and its event
/// are committed, nothing is published); a write without events, such as Brokerage's idle-deal check at start, lives
/// on;</item>
/// <item><c>kill-after-inbox-commit</c>: right after a consumer's effect and inbox row commit, before the message is
/// acknowledged (the broker redelivers it); <c>kill-after-inbox-commit:NAME</c> only after the consumer of that
/// inbox name (e.g. <c>brokerage-matches-suggested</c>), so a service with several consumers dies in the one a test
/// aims at.</item>
/// </list>
/// Unset (always, outside the fault suite) they do nothing.
/// </summary>
public static class TestHooks
{
    public const string Variable = "MATCHMAKING_TEST_HOOK";

    private static readonly string? s_hook = Environment.GetEnvironmentVariable(Variable);

    public static void AfterCommit()
    {
        if (s_hook == "kill-after-commit")
        {
            Die();
        }
    }

    public static void AfterInboxCommit(string consumer)
    {
        if (s_hook == "kill-after-inbox-commit" || s_hook == $"kill-after-inbox-commit:{consumer}")
        {
            Die();
        }
    }

    private static void Die()
    {
        Console.Error.WriteLine($"{Variable}={s_hook}: killing this process (SIGKILL)");
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }
}
