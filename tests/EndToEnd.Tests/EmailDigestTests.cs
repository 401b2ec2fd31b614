using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Matchmaking.Brokerage.Api.Email;
using Matchmaking.Host;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using Xunit;

namespace Matchmaking.EndToEnd.Tests;

/// <summary>The e-mail digest, sent by the Host through MailKit to a real SMTP server this test runs in-process.</summary>
public sealed class EmailDigestTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"matchmaking-email-{Guid.NewGuid():N}");
    private readonly CancellationTokenSource _smtpStop = new();
    private readonly CapturingStore _store = new();
    private Task? _smtp;
    private RunningService? _host;
    private int _port;

    public async ValueTask InitializeAsync()
    {
        _port = FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Port(_port).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        _smtp = new SmtpServer.SmtpServer(options, services).StartAsync(_smtpStop.Token);

        var builder = HostComposition.CreateBuilder([], [
            new("urls", "http://127.0.0.1:0"),
            new("Matchmaking:DataDirectory", _dataDirectory),
            new("Matchmaking:Email:Enabled", "true"),
            new("Matchmaking:Email:Host", "127.0.0.1"),
            new("Matchmaking:Email:Port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Matchmaking:Email:From", "digest@centre.demo"),
            new("Matchmaking:Email:DigestInterval", "00:00:02"),
        ]);
        var app = builder.Build();
        HostComposition.MapAll(app);
        _host = await RunningService.StartAsync(app);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _smtpStop.CancelAsync();
        if (_smtp is not null)
        {
            try
            {
                await _smtp;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _smtpStop.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Staff_get_a_digest_of_new_suggestions_by_smtp_with_links_into_the_portal()
    {
        var digest = await Eventually.UntilAsync(
            () => Task.FromResult(_store.Messages.FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == "staff@centre.demo"))),
            message => message is not null,
            TimeSpan.FromMinutes(4),
            "a digest to staff@centre.demo");

        Assert.Equal("digest@centre.demo", digest!.From.Mailboxes.Single().Address);
        Assert.StartsWith("Matchmaking: ", digest.Subject);
        Assert.Contains($"{_host!.BaseAddress.ToString().TrimEnd('/')}/review", digest.TextBody);
        Assert.Contains("New suggestions to review", digest.TextBody);
    }

    [Fact]
    public void The_digest_is_off_by_default()
    {
        var builder = HostComposition.CreateBuilder([], [
            new("urls", "http://127.0.0.1:0"),
            new("Matchmaking:DataDirectory", Path.Combine(_dataDirectory, "default")),
        ]);
        using var app = builder.Build();
        var services = app.Services;

        Assert.Null(services.GetService<EmailDigestSender>());
        Assert.False(services.GetRequiredService<EmailOptions>().Enabled);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CapturingStore : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
