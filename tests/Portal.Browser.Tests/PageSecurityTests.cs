using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace Matchmaking.Portal.Browser.Tests;

/// <summary>What the pages promise without a browser: antiforgery on forms, a strict content security policy, no inline code.</summary>
public sealed partial class PageSecurityTests(PortalFixture portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_form_post_without_its_antiforgery_token_is_refused()
    {
        using var client = new HttpClient { BaseAddress = portal.BaseAddress };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "staff@centre.demo",
            ["password"] = PortalFixture.DemoPassword,
        });
        var response = await client.PostAsync("/signin", form, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("mm-session", StringComparison.Ordinal)));
        // A page that says what happened, not an empty answer or the API's problem details.
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>The form has expired</h1>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_address_is_a_not_found_page_and_an_unknown_API_address_stays_problem_details()
    {
        using var client = new HttpClient { BaseAddress = portal.BaseAddress };

        using var page = await client.GetAsync("/no-such-page", Ct);
        using var api = await client.GetAsync("/api/no-such-endpoint", Ct);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Not found</h1>", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/?lang=zh-Hant")]
    public async Task Pages_carry_a_strict_content_security_policy_and_no_inline_script_or_style(string path)
    {
        using var client = new HttpClient { BaseAddress = portal.BaseAddress };
        var response = await client.GetAsync(path, Ct);
        response.EnsureSuccessStatusCode();
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(InlineStyle(), html);
        Assert.Contains("href=\"/site.css\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/site.css", Ct)).StatusCode);
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<style|\\sstyle=\"", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();
}
