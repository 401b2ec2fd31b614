using System.Diagnostics;
using Testcontainers.RabbitMq;

namespace Matchmaking.Testing;

/// <summary>
/// A RabbitMQ broker for integration tests: <c>MATCHMAKING_TEST_RABBITMQ</c> (an amqp:// URI; <c>infra/rabbitmq.sh</c>
/// prints one), else a container through Testcontainers when a Docker engine answers, else a clear failure. Each test
/// gets a virtual host of its own, so tests running side by side never consume each other's messages.
/// </summary>
public static class RabbitMqServer
{
    public const string Variable = "MATCHMAKING_TEST_RABBITMQ";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Broker? _broker;

    public static async Task<RabbitMqEndpoint> CreateVirtualHostAsync(string prefix = "test")
    {
        var broker = await BrokerAsync();
        var virtualHost = $"{prefix}-{Guid.NewGuid():N}";
        await broker.RunCtlAsync("add_vhost", virtualHost);
        await broker.RunCtlAsync("set_permissions", "-p", virtualHost, broker.Uri.UserInfo.Split(':')[0], ".*", ".*", ".*");
        var credentials = broker.Uri.UserInfo.Split(':');
        return new RabbitMqEndpoint(broker.Uri.Host, (ushort)broker.Uri.Port, virtualHost,
            Uri.UnescapeDataString(credentials[0]), Uri.UnescapeDataString(credentials.ElementAtOrDefault(1) ?? ""));
    }

    private static async Task<Broker> BrokerAsync()
    {
        if (_broker is not null)
        {
            return _broker;
        }

        await Gate.WaitAsync();
        try
        {
            if (_broker is not null)
            {
                return _broker;
            }

            var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return _broker = new Broker(new Uri(fromEnvironment), Container: null);
            }

            try
            {
                var container = new RabbitMqBuilder("rabbitmq:3.13-management-alpine").Build();
                await container.StartAsync();
                return _broker = new Broker(new Uri(container.GetConnectionString()), container);
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException(
                    $"No RabbitMQ for the tests: set {Variable} (run `bash infra/rabbitmq.sh start`, or use `bash infra/test.sh`, " +
                    "which starts the servers), or run a Docker engine for Testcontainers. " + exception.Message, exception);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private sealed record Broker(Uri Uri, RabbitMqContainer? Container)
    {
        public async Task RunCtlAsync(params string[] arguments)
        {
            if (Container is not null)
            {
                var result = await Container.ExecAsync(["rabbitmqctl", .. arguments]);
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {result.Stderr}");
                }

                return;
            }

            // Concurrent rabbitmqctl runs (test assemblies run side by side) can pick the same CLI node name and hang,
            // so runs are serialised across processes by a lock file, and a run that still hangs is killed and retried.
            using var gate = await AcquireCtlLockAsync();
            for (var attempt = 1; ; attempt++)
            {
                var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add("-q");
                foreach (var argument in arguments)
                {
                    start.ArgumentList.Add(argument);
                }

                using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl could not start");
                var stderr = process.StandardError.ReadToEndAsync();
                var stdout = process.StandardOutput.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(CtlTimeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    if (attempt < 3)
                    {
                        continue;
                    }

                    throw new TimeoutException($"rabbitmqctl {string.Join(' ', arguments)} did not finish in {CtlTimeout.TotalSeconds} s, three times.");
                }

                await stdout;
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {await stderr}");
                }

                return;
            }
        }

        private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(45);

        private static async Task<FileStream> AcquireCtlLockAsync()
        {
            var path = Path.Combine(Path.GetTempPath(), "matchmaking-rabbitmqctl.lock");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
            while (true)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }
    }
}

public sealed record RabbitMqEndpoint(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    /// <summary>The configuration keys a service reads to use this broker.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AsConfiguration() =>
    [
        new("Matchmaking:Bus:Transport", "RabbitMq"),
        new("Matchmaking:Bus:RabbitMq:Host", Host),
        new("Matchmaking:Bus:RabbitMq:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Matchmaking:Bus:RabbitMq:VirtualHost", VirtualHost),
        new("Matchmaking:Bus:RabbitMq:Username", Username),
        new("Matchmaking:Bus:RabbitMq:Password", Password),
    ];
}
