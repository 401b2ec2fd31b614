using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using MailKit.Net.Smtp;
using MailKit.Security;
using Matchmaking.Brokerage.Api.Features;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MimeKit;

namespace Matchmaking.Brokerage.Api.Email;

/// <summary><c>Matchmaking:Email</c>: the e-mail digest of unread notifications, off by default.</summary>
public sealed class EmailOptions
{
    public const string Section = "Matchmaking:Email";

    public bool Enabled { get; set; }

    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 25;

    public string From { get; set; } = "matchmaking@localhost";

    /// <summary>Optional SMTP credentials.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How often each user gets a digest of what arrived since the last one.</summary>
    public TimeSpan DigestInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Base address of the Portal, whose /api/users lists the recipients; empty means this process (the Host, where the
    /// Portal runs alongside).
    /// </summary>
    public string? DirectoryAddress { get; set; }

    /// <summary>Base address links in the e-mail point to; empty means the directory address.</summary>
    public string? SiteAddress { get; set; }
}

/// <summary>
/// Every <see cref="EmailOptions.DigestInterval"/>: for each user, the unread notifications of their inbox that arrived
/// since their last digest, in one e-mail through SMTP (MailKit). Titles and links only; the notifications hold no
/// confidential text. Recipients come from the Portal's user directory, read with a short-lived service token.
/// </summary>
public sealed class EmailDigestSender(
    BrokerageDatabase database, EmailOptions options, TokenIssuer tokens, IServer server, IHttpClientFactory httpClients,
    ILogger<EmailDigestSender> logger) : BackgroundService
{
    /// <summary>The service identity the directory read is made as (never a person).</summary>
    public static readonly Guid ServiceUserId = new("00000000-0000-0000-0000-00000000b0b0");

    /// <summary>How long a notification's arrival stamp may precede its commit (a busy batch transaction) at most.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.DigestInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var sent = await SendDigestsAsync(DateTimeOffset.UtcNow, stoppingToken);
                logger.LogInformation("E-mail digest: {Sent} message(s) sent.", sent);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Logged without message content; the next tick tries again from the same watermarks.
                logger.LogWarning("E-mail digest failed ({Error}); it runs again in {Interval}.", exception.GetType().Name, options.DigestInterval);
            }
        }
    }

    /// <returns>How many e-mails were sent.</returns>
    public async Task<int> SendDigestsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var users = await RecipientsAsync(ct);
        var site = (options.SiteAddress ?? DirectoryAddress()).TrimEnd('/');
        var sent = 0;
        using var smtp = new SmtpClient();
        foreach (var user in users)
        {
            await using var connection = await database.OpenAsync(ct);
            var since = await connection.ExecuteScalarAsync<string?>(
                "SELECT sent_up_to AS SentUpTo FROM email_digests WHERE user_id = @UserId", new { UserId = user.Id });
            // Up to a moment whose notifications have all committed: one stamped just before this run may still be in
            // its transaction, and would fall behind the watermark unseen. Each run starts where the last one ended,
            // whether it sent anything or not, so no interval between runs is skipped; a first one looks one interval back.
            var upTo = now - SettleTime;
            var from = since is null ? upTo - options.DigestInterval : DateTimeOffset.Parse(since, System.Globalization.CultureInfo.InvariantCulture);
            if (upTo <= from)
            {
                continue;
            }

            var items = (await NotificationInbox.UnreadArrivedSinceAsync(connection, user.Id, user.Role, user.OrganisationId, from, upTo))
                .Select(a => a.Item)
                .ToList();
            if (items.Count > 0)
            {
                if (!smtp.IsConnected)
                {
                    await smtp.ConnectAsync(options.Host, options.Port, SecureSocketOptions.Auto, ct);
                    if (!string.IsNullOrEmpty(options.Username))
                    {
                        await smtp.AuthenticateAsync(options.Username, options.Password ?? "", ct);
                    }
                }

                await smtp.SendAsync(Compose(user.Email, items, site), ct);
                sent++;
            }

            await database.WriteAsync((c, t) => c.ExecuteAsync(
                """
                INSERT INTO email_digests (user_id, sent_up_to) VALUES (@UserId, @UpTo)
                ON CONFLICT (user_id) DO UPDATE SET sent_up_to = excluded.sent_up_to
                """,
                new { UserId = user.Id, UpTo = upTo },
                t), ct);
        }

        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(quit: true, ct);
        }

        return sent;
    }

    private MimeMessage Compose(string to, IReadOnlyList<NotificationInbox.Item> items, string site)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"Matchmaking: {items.Count} new notification(s)";
        var text = new StringBuilder("What happened since your last digest:\n\n");
        foreach (var item in items)
        {
            text.Append("- ").Append(item.Title).Append(": ").Append(site).Append(item.Link).Append('\n');
        }

        text.Append("\nOpen your inbox: ").Append(site).Append("/inbox\n");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    private async Task<IReadOnlyList<Recipient>> RecipientsAsync(CancellationToken ct)
    {
        using var client = httpClients.CreateClient(nameof(EmailDigestSender));
        client.BaseAddress = new Uri(DirectoryAddress());
        var (token, _) = tokens.Issue(ServiceUserId, "digest@service.local", Roles.Admin, Guid.Empty);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var directory = await client.GetFromJsonAsync<Directory>("/api/users", ct);
        return directory?.Items ?? [];
    }

    private string DirectoryAddress() =>
        !string.IsNullOrWhiteSpace(options.DirectoryAddress)
            ? options.DirectoryAddress
            : server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
              ?? throw new InvalidOperationException($"{EmailOptions.Section}:DirectoryAddress is not set and this process listens nowhere.");

    private sealed record Directory(List<Recipient> Items);

    private sealed record Recipient(Guid Id, string Email, string Role, Guid OrganisationId);
}
