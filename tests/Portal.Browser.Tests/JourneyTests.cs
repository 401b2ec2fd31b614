using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matchmaking.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Matchmaking.Portal.Browser.Tests;

/// <summary>
/// Each role's main journey in a real browser: a university posts a technology, a manufacturer posts a need in
/// Chinese and sees the match, expresses interest, staff accept it (a deal opens) and move the deal to agreed, and the
/// report counts it. A screenshot of each main page is saved under the test output (bin/.../screenshots).
/// </summary>
public sealed partial class JourneyTests(PortalFixture portal, ITestOutputHelper output)
{
    private static readonly TimeSpan MatchDeadline = TimeSpan.FromMinutes(3);

    private async Task<IPage> SignInAsync(string email, int width = 1280, int height = 900)
    {
        var page = await portal.NewPageAsync(width, height);
        await page.GotoAsync("/signin");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(PortalFixture.DemoPassword);
        await page.Locator("#signin-submit").ClickAsync();
        await Expect(page.Locator("#signout")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Reloads until <paramref name="locator"/> shows, with a deadline: for results that arrive over the bus.</summary>
    private static Task ReloadUntilVisibleAsync(IPage page, ILocator locator, string what) =>
        Eventually.UntilAsync(
            async () =>
            {
                await page.ReloadAsync();
                return await locator.CountAsync();
            },
            count => count > 0,
            MatchDeadline,
            what);

    [Fact]
    public async Task A_technology_meets_a_chinese_need_and_the_deal_reaches_agreed_in_the_browser()
    {
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var technologyTitle = $"Warpage prediction for injection-moulded plastic housings {tag}";
        var needTitle = $"注塑外殼冷卻後翹曲變形 {tag}";

        // University: post a technology with the form.
        var university = await SignInAsync("tto@hku.demo");
        await portal.ScreenshotAsync(university, "01-university-home", output);
        await university.GotoAsync("/technologies/new");
        await university.Locator("#tech-title").FillAsync(technologyTitle);
        await university.Locator("#tech-summary").FillAsync(
            "Simulation and sensor method that predicts warpage and shrinkage of injection-moulded plastic housings "
            + "and redesigns the cooling channels of the mould, cutting deformation and sink marks.");
        await university.Locator("#tech-details").FillAsync("Confidential: cooling-channel optimisation algorithm and calibration data.");
        await university.Locator("#tech-sector").SelectOptionAsync("plastics");
        await university.Locator("#tech-keywords").FillAsync("warpage, injection moulding, shrinkage, cooling, 翹曲, 注塑, 變形");
        await university.Locator("#tech-trl").SelectOptionAsync("6");
        await university.Locator("#tech-ip").SelectOptionAsync("filed");
        await portal.ScreenshotAsync(university, "02-technology-form", output);
        await university.Locator("#tech-submit").ClickAsync();
        await Expect(university).ToHaveURLAsync(TechnologyUrl());
        await Expect(university.Locator("#flash")).ToBeVisibleAsync();
        await Expect(university.Locator("#technology h1")).ToHaveTextAsync(technologyTitle);
        var technologyUrl = new Uri(university.Url).AbsolutePath;
        await university.GotoAsync("/technologies");
        await Expect(university.Locator("#technologies")).ToContainTextAsync(technologyTitle);
        await portal.ScreenshotAsync(university, "03-university-technologies", output);

        // Manufacturer, in Chinese: post the need in plain language.
        var manufacturer = await SignInAsync("ops@pearl-plastics.demo");
        await manufacturer.Locator("#lang-zh").ClickAsync();
        await Expect(manufacturer.Locator("html")).ToHaveAttributeAsync("lang", "zh-Hant");
        await manufacturer.GotoAsync("/needs/new");
        await Expect(manufacturer.Locator("h1")).ToHaveTextAsync("發佈需求");
        await manufacturer.Locator("#need-title").FillAsync(needTitle);
        await manufacturer.Locator("#need-problem").FillAsync(
            "我們生產玩具及家電的注塑外殼，產品冷卻後出現嚴重翹曲變形和縮水痕，次品率約百分之八。"
            + "希望找到可以預測翹曲、改善模具冷卻設計的技術。");
        await manufacturer.Locator("#need-sector").SelectOptionAsync("plastics");
        await manufacturer.Locator("#need-keywords").FillAsync("翹曲, 注塑, 變形");
        await manufacturer.Locator("#visibility-public").CheckAsync();
        await portal.ScreenshotAsync(manufacturer, "04-need-form-zh", output);
        await manufacturer.Locator("#need-submit").ClickAsync();
        await Expect(manufacturer).ToHaveURLAsync(NeedUrl());
        await Expect(manufacturer.Locator("#need h1")).ToHaveTextAsync(needTitle);

        // The match appears among the suggestions, with why.
        var suggestion = manufacturer.Locator("#suggestions .match", new() { HasText = technologyTitle });
        await ReloadUntilVisibleAsync(manufacturer, suggestion, "the new technology to be suggested for the Chinese need");
        await Expect(suggestion.Locator(".why")).ToContainTextAsync("配對原因");
        // In Chinese throughout: the main factors, not the engine's English summary.
        await Expect(suggestion.Locator(".why p").First).ToContainTextAsync("主要因素");
        await Expect(suggestion.Locator(".why p").First).Not.ToContainTextAsync("Matched");
        await portal.ScreenshotAsync(manufacturer, "05-need-suggestions-zh", output);

        // "I'm interested".
        await suggestion.Locator("button.interested").ClickAsync();
        await Expect(manufacturer.Locator("#flash")).ToHaveTextAsync("已表達興趣，中心將與你聯絡。");
        await Expect(manufacturer.Locator("#suggestions .match", new() { HasText = technologyTitle }).Locator(".done")).ToBeVisibleAsync();

        // Before any deal the manufacturer sees the public part of the technology only.
        await manufacturer.GotoAsync(technologyUrl);
        await Expect(manufacturer.Locator("#details-locked")).ToBeVisibleAsync();
        Assert.DoesNotContain("cooling-channel", await manufacturer.ContentAsync(), StringComparison.Ordinal);

        // The university sees the match and the interest on its technology.
        await university.GotoAsync(technologyUrl);
        await Expect(university.Locator("#matches")).ToContainTextAsync(needTitle);
        await Expect(university.Locator("#interests")).ToContainTextAsync(needTitle);
        await Expect(university.Locator("#tech-details-text")).ToBeVisibleAsync();
        await portal.ScreenshotAsync(university, "06-technology-matches-interests", output);

        // Staff: the suggestion is in the review queue; accepting it opens a deal.
        var staff = await SignInAsync("staff@centre.demo");
        // The new technology may match several needs: pick this pair by both titles. The queue shows the newest first,
        // and suggestions found later (the demo listings matched again once their sentence vectors exist) may push it to
        // a later page: look through the pages.
        var queued = staff.Locator("#review .match", new() { HasText = technologyTitle }).Filter(new() { HasText = needTitle });
        await Eventually.UntilAsync(
            async () =>
            {
                for (var number = 1; number <= 50; number++)
                {
                    await staff.GotoAsync($"/review?page={number}");
                    if (await queued.CountAsync() > 0)
                    {
                        return true;
                    }

                    if (await staff.Locator("#review .match").CountAsync() == 0)
                    {
                        break;
                    }
                }

                return false;
            },
            found => found,
            MatchDeadline,
            "the suggestion to reach the review queue");
        await portal.ScreenshotAsync(staff, "07-staff-review", output);
        await queued.Locator("button.accept").ClickAsync();
        await Expect(staff).ToHaveURLAsync(DealUrl());
        await Expect(staff.Locator("#deal-stage")).ToHaveTextAsync("Suggested");
        foreach (var (stage, shown) in new[] { ("introduced", "Introduced"), ("nda-signed", "NDA signed"), ("negotiating", "Negotiating"), ("agreed", "Agreed") })
        {
            await staff.Locator("#move-stage").SelectOptionAsync(stage);
            await staff.Locator("#move-submit").ClickAsync();
            await Expect(staff.Locator("#deal-stage")).ToHaveTextAsync(shown);
        }

        await staff.Locator("#note-form input[name=text]").FillAsync("Licence terms agreed at the meeting in Sha Tin.");
        await staff.Locator("#note-form button").ClickAsync();
        await Expect(staff.Locator("#history")).ToContainTextAsync("Licence terms agreed");
        await portal.ScreenshotAsync(staff, "08-deal", output);

        await staff.GotoAsync("/deals");
        await Expect(staff.Locator("#board .column[data-stage=agreed]")).ToContainTextAsync(technologyTitle);
        await portal.ScreenshotAsync(staff, "09-deal-board", output);

        // The report shows it: one agreed deal for this technology, and the funnel counts at least one agreement.
        await staff.GotoAsync("/reports");
        var row = staff.Locator("#one-to-n tr", new() { HasText = technologyTitle });
        await Expect(row.Locator("td.agreed")).ToHaveTextAsync("1");
        var agreed = await staff.Locator("#funnel g[data-label=Agreed]").GetAttributeAsync("data-value");
        Assert.True(double.Parse(agreed!, System.Globalization.CultureInfo.InvariantCulture) >= 1, $"the funnel counts the agreement (saw {agreed})");
        await portal.ScreenshotAsync(staff, "10-reports", output);

        await staff.GotoAsync("/search?q=warpage");
        await Expect(staff.Locator("#results")).ToContainTextAsync(technologyTitle);
        await Expect(staff.Locator("#facets")).ToContainTextAsync("Plastics and rubber");
        await portal.ScreenshotAsync(staff, "11-search", output);

        // The manufacturer now sees the deal, with the confidential details after the NDA, and the inbox has news.
        await manufacturer.GotoAsync("/deals");
        await Expect(manufacturer.Locator("#board .column[data-stage=agreed]")).ToContainTextAsync(technologyTitle);
        // Past nda-signed, the confidential details are open to this enterprise (they were locked before the deal).
        await manufacturer.GotoAsync(technologyUrl);
        await Expect(manufacturer.Locator("#tech-details-text")).ToContainTextAsync("cooling-channel");
        await ReloadUntilVisibleAsync(manufacturer, manufacturer.Locator("#unread-count"), "an unread notification for the manufacturer");
        await manufacturer.GotoAsync("/inbox");
        await Expect(manufacturer.Locator("#inbox li").First).ToBeVisibleAsync();
        // Said in Chinese, stages in words: "項目由「已介紹」進入「已簽保密協議」" rather than the stored English text.
        await Expect(manufacturer.Locator("#inbox")).ToContainTextAsync("你的需求有新配對");
        await Expect(manufacturer.Locator("#inbox")).Not.ToContainTextAsync("The deal moved");
        await portal.ScreenshotAsync(manufacturer, "12-inbox-zh", output);

        // Admin pages, and the audit log records the stage changes.
        var admin = await SignInAsync("admin@centre.demo");
        foreach (var (path, name) in new[] { ("/admin/organisations", "13-admin-organisations"), ("/admin/users", "14-admin-users"), ("/admin/taxonomy", "15-admin-taxonomy") })
        {
            await admin.GotoAsync(path);
            await Expect(admin.Locator("table.list tbody tr").First).ToBeVisibleAsync();
            await portal.ScreenshotAsync(admin, name, output);
        }

        await admin.GotoAsync("/admin/audit");
        await Expect(admin.Locator("#audit")).ToContainTextAsync("deal-stage-changed");
        await portal.ScreenshotAsync(admin, "16-admin-audit", output);
    }

    [Fact]
    public async Task A_refused_form_keeps_what_was_typed()
    {
        // A university account for an enterprise: the API refuses it (the role must fit the organisation's kind).
        var admin = await SignInAsync("admin@centre.demo");
        await admin.GotoAsync("/admin/users");
        var email = $"mismatch-{Guid.NewGuid():N}@centre.demo";
        await admin.Locator("input[name=email]").FillAsync(email);
        await admin.Locator("input[name=displayName]").FillAsync("Kept Name");
        await admin.Locator("select[name=role]").SelectOptionAsync("university");
        await admin.Locator("select[name=organisationId]").SelectOptionAsync(new SelectOptionValue { Label = "Pearl Plastics Manufacturing (demo)" });
        await admin.Locator("input[name=password]").FillAsync("a-long-enough-password");
        await admin.Locator("input[name=password]").PressAsync("Enter");

        await Expect(admin.Locator("#error")).ToContainTextAsync("cannot belong to an organisation of kind enterprise");
        await Expect(admin.Locator("input[name=email]")).ToHaveValueAsync(email);
        await Expect(admin.Locator("input[name=displayName]")).ToHaveValueAsync("Kept Name");
        await Expect(admin.Locator("select[name=role]")).ToHaveValueAsync("university");
        Assert.Equal("Pearl Plastics Manufacturing (demo)",
            (await admin.Locator("select[name=organisationId] option:checked").TextContentAsync())?.Trim());
    }

    [Fact]
    public async Task The_pager_moves_through_a_long_list()
    {
        // The demo seeds hold more technologies than one page shows (20).
        var staff = await SignInAsync("staff@centre.demo");
        await staff.GotoAsync("/technologies");
        var pager = staff.Locator("nav.pager");
        await Expect(pager).ToContainTextAsync("Page 1 of");
        var firstOnPageOne = await staff.Locator("#technologies tbody tr a").First.TextContentAsync();

        await pager.GetByText("Next").ClickAsync();
        await Expect(staff).ToHaveURLAsync(new Regex(@"/technologies\?page=2$"));
        await Expect(pager).ToContainTextAsync("Page 2 of");
        Assert.NotEqual(firstOnPageOne, await staff.Locator("#technologies tbody tr a").First.TextContentAsync());

        await pager.GetByText("Previous").ClickAsync();
        await Expect(pager).ToContainTextAsync("Page 1 of");
        Assert.Equal(firstOnPageOne, await staff.Locator("#technologies tbody tr a").First.TextContentAsync());
    }

    [Fact]
    public async Task The_language_switch_changes_every_page_and_is_remembered()
    {
        var page = await portal.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Where university research meets the factory floor");
        await page.Locator("#lang-zh").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("讓大學科研走進廠房");
        await portal.ScreenshotAsync(page, "20-home-zh", output);

        // The choice is a cookie: the next page, reached without ?lang=, is in Chinese too, and so is the form it posts.
        await page.GotoAsync("/signin");
        await Expect(page.Locator("h1")).ToHaveTextAsync("登入");
        await page.Locator("#email").FillAsync("tto@hku.demo");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.Locator("#signin-submit").ClickAsync();
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("電郵或密碼錯誤");

        await page.Locator("#lang-en").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
    }

    [Fact]
    public async Task Pages_are_readable_on_a_phone_and_signed_out_visitors_are_sent_to_sign_in()
    {
        var page = await portal.NewPageAsync(390, 844);
        await page.GotoAsync("/deals");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fdeals", RegexOptions.IgnoreCase));

        await page.Locator("#email").FillAsync("ops@delta-electronics.demo");
        await page.Locator("#password").FillAsync(PortalFixture.DemoPassword);
        await page.Locator("#signin-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/deals$"));
        await page.GotoAsync("/technologies");
        await Expect(page.Locator("#technologies tbody tr").First).ToBeVisibleAsync();
        // Nothing wider than the phone's screen: the table folds into labelled rows.
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"the page fits a 390 px wide screen (scroll width {scrollWidth})");
        await portal.ScreenshotAsync(page, "21-phone-technologies", output);

        // A signed-out visitor who chose Chinese in the address gets the sign-in page in Chinese.
        var chinese = await portal.NewPageAsync();
        await chinese.GotoAsync("/deals?lang=zh-Hant");
        await Expect(chinese).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=.*&lang=zh-Hant$", RegexOptions.IgnoreCase));
        await Expect(chinese.Locator("html")).ToHaveAttributeAsync("lang", "zh-Hant");

        // An enterprise is refused the staff pages, and told so.
        var response = await page.GotoAsync("/review");
        Assert.DoesNotMatch("/review", new Uri(page.Url).AbsolutePath);
        Assert.Equal(403, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not open to your account");

        // Another enterprise's need: readable if public, but neither editable nor open to an expression of interest.
        var others = await OwnNeedAsync("ops@pearl-plastics.demo");
        await page.GotoAsync($"/needs/{others}");
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#edit").CountAsync());
        Assert.Equal(0, await page.Locator("form.interest").CountAsync());
        response = await page.GotoAsync($"/needs/{others}/edit");
        Assert.Equal(403, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not open to your account");

        // A record that is not there (or not shown to this account) is a page, in the reader's language.
        response = await page.GotoAsync($"/needs/{Guid.NewGuid()}?lang=zh-Hant");
        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        await Expect(page.Locator("h1")).ToHaveTextAsync("找不到頁面");
        await page.GotoAsync("/?lang=en");
    }

    // The id of an open public need of the account's organisation, through the API.
    private async Task<Guid> OwnNeedAsync(string email)
    {
        using var client = new HttpClient { BaseAddress = portal.BaseAddress };
        var token = await client.PostAsJsonAsync("/api/auth/token", new { email, password = PortalFixture.DemoPassword });
        var accessToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        var mine = await client.GetFromJsonAsync<JsonElement>("/api/needs?mine=true&status=open&pageSize=100");
        return mine.GetProperty("items").EnumerateArray()
            .First(need => need.GetProperty("visibility").GetString() == "public")
            .GetProperty("id").GetGuid();
    }

    [GeneratedRegex("/technologies/[0-9a-f-]{36}$")]
    private static partial Regex TechnologyUrl();

    [GeneratedRegex("/needs/[0-9a-f-]{36}$")]
    private static partial Regex NeedUrl();

    [GeneratedRegex("/deals/[0-9a-f-]{36}$")]
    private static partial Regex DealUrl();
}
