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
        if (broker.Management is { } management)
        {
            await management.SendAsync(HttpMethod.Put, $"api/vhosts/{Uri.EscapeDataString(virtualHost)}", null);
            await management.SendAsync(HttpMethod.Put, $"api/permissions/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(broker.Username)}",
                new { configure = ".*", write = ".*", read = ".*" });
        }
        else
        {
            await broker.RunCtlAsync("add_vhost", virtualHost);
            await broker.RunCtlAsync("set_permissions", "-p", virtualHost, broker.Username, ".*", ".*", ".*");
        }

        return new RabbitMqEndpoint(broker.Uri.Host, (ushort)broker.Uri.Port, virtualHost, broker.Username, broker.Password);
    }

    /// <summary>Removes a virtual host <see cref="CreateVirtualHostAsync"/> made, with its queues. Best effort: never throws.</summary>
    public static async Task DeleteVirtualHostAsync(RabbitMqEndpoint endpoint)
    {
        try
        {
            var broker = await BrokerAsync();
            if (broker.Management is { } management)
            {
                await management.SendAsync(HttpMethod.Delete, $"api/vhosts/{Uri.EscapeDataString(endpoint.VirtualHost)}", null);
            }
            else
            {
                await broker.RunCtlAsync("delete_vhost", endpoint.VirtualHost);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException
            or TaskCanceledException or System.ComponentModel.Win32Exception)
        {
            // A leftover virtual host must not fail a test that passed.
        }
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
                var uri = new Uri(fromEnvironment);
                return _broker = new Broker(uri, Container: null) { Management = await ManagementApi.FindAsync(uri) };
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
        /// <summary>The broker's management HTTP API when it answers: vhosts in milliseconds, and no CLI node to hang.</summary>
        public ManagementApi? Management { get; init; }

        public string Username => Uri.UnescapeDataString(Uri.UserInfo.Split(':')[0]);

        public string Password => Uri.UnescapeDataString(Uri.UserInfo.Split(':').ElementAtOrDefault(1) ?? "");

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

/// <summary>
/// RabbitMQ's management HTTP API (<c>MATCHMAKING_TEST_RABBITMQ_MANAGEMENT</c>, else port 15672 of the broker's host),
/// used instead of <c>rabbitmqctl</c> when it answers: each CLI call starts an Erlang node of its own, takes seconds,
/// and can hang when test assemblies run side by side.
/// </summary>
internal sealed class ManagementApi(HttpClient client)
{
    public const string Variable = "MATCHMAKING_TEST_RABBITMQ_MANAGEMENT";

    public static async Task<ManagementApi?> FindAsync(Uri amqp)
    {
        var address = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
            ? new Uri(configured.EndsWith('/') ? configured : configured + "/")
            : new Uri($"http://{amqp.Host}:15672/");
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(amqp.UserInfo))));
        try
        {
            using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await client.GetAsync("api/overview", probe.Token);
            if (response.IsSuccessStatusCode)
            {
                return new ManagementApi(client);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
        }

        client.Dispose();
        return null;
    }

    public async Task SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body),
        };
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode && !(method == HttpMethod.Delete && response.StatusCode == System.Net.HttpStatusCode.NotFound))
        {
            throw new InvalidOperationException(
                $"RabbitMQ management {method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
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
