using System.Net.Http.Json;
using Matchmaking.Host;
using Matchmaking.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit;

[assembly: AssemblyFixture(typeof(Matchmaking.Portal.Browser.Tests.PortalFixture))]

namespace Matchmaking.Portal.Browser.Tests;

/// <summary>
/// The one-process Host on a free loopback port with a throwaway data folder and the demo seeds, and Debian's Chromium
/// driven by Playwright (its own browser download is never used). Shared by every test in the assembly.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string DemoPassword = "demo-pass-123";

    /// <summary>The browser to drive: <c>MATCHMAKING_TEST_CHROMIUM</c> (infra/test.sh sets it), else Debian's path.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("MATCHMAKING_TEST_CHROMIUM") is { Length: > 0 } path
        ? path
        : "/usr/bin/chromium";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"matchmaking-browser-{Guid.NewGuid():N}");
    private RunningService? _host;
    private IPlaywright? _playwright;

    public Uri BaseAddress => _host!.BaseAddress;

    public IBrowser Browser { get; private set; } = null!;

    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Never a silent pass: without a browser these tests cannot say anything about the pages.
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. Install it with `apt-get install chromium fonts-noto-cjk` "
                + "(infra/test.sh does) or set MATCHMAKING_TEST_CHROMIUM to a Chromium binary.");
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        var builder = HostComposition.CreateBuilder([], [
            new("urls", "http://127.0.0.1:0"),
            new("Matchmaking:DataDirectory", _dataDirectory),
        ]);
        var app = builder.Build();
        HostComposition.MapAll(app);
        _host = await RunningService.StartAsync(app);

        // The demo accounts exist once the first-start seeding has run.
        using var client = new HttpClient { BaseAddress = BaseAddress };
        await Eventually.UntilAsync(
            () => client.PostAsJsonAsync("/api/auth/token", new { email = "admin@centre.demo", password = DemoPassword }),
            response => response.IsSuccessStatusCode,
            TimeSpan.FromMinutes(2),
            "the demo accounts to be seeded");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A fresh browser profile (its own cookies) on the Host's address.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        var path = Path.Combine(ScreenshotDirectory, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
