using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Matchmaking.Portal.Ui;

/// <summary>The pages' own words in English and Traditional Chinese, from the embedded <c>Resources/ui-text.json</c>.</summary>
public sealed class UiText
{
    public const string English = "en";
    public const string TraditionalChinese = "zh-Hant";
    public static readonly IReadOnlyList<string> Languages = [English, TraditionalChinese];

    public UiText(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> entries) => Entries = entries;

    /// <summary>Key → language → text.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Entries { get; }

    public string Get(string key, string language) =>
        Entries.TryGetValue(key, out var texts)
            ? texts.TryGetValue(language, out var text) ? text : texts.GetValueOrDefault(English, key)
            : key;

    public static UiText Load()
    {
        using var stream = typeof(UiText).Assembly.GetManifestResourceStream("Matchmaking.Portal.Resources.ui-text.json")
            ?? throw new InvalidOperationException("ui-text.json is not embedded");
        var raw = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream)
            ?? throw new InvalidOperationException("ui-text.json is empty");
        return new UiText(raw.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyDictionary<string, string>)pair.Value,
            StringComparer.Ordinal));
    }
}

/// <summary>The language of this request: <c>?lang=</c> sets a cookie; otherwise the cookie; otherwise English.</summary>
public static class Language
{
    public const string CookieName = "mm-lang";
    private const string ItemKey = "mm-lang";

    public static void Apply(HttpContext context)
    {
        var language = UiText.English;
        var asked = context.Request.Query["lang"].ToString();
        if (UiText.Languages.Contains(asked))
        {
            language = asked;
            context.Response.Cookies.Append(CookieName, asked, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                MaxAge = TimeSpan.FromDays(365),
                IsEssential = true,
            });
        }
        else if (context.Request.Cookies.TryGetValue(CookieName, out var stored) && UiText.Languages.Contains(stored))
        {
            language = stored;
        }

        context.Items[ItemKey] = language;
        var culture = CultureInfo.GetCultureInfo(language == UiText.TraditionalChinese ? "zh-HK" : "en-GB");
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    public static string Current(HttpContext? context) =>
        context?.Items[ItemKey] as string ?? UiText.English;
}

/// <summary>Text for the current request, injected into pages as <c>T</c>.</summary>
public sealed class Tr(UiText text, IHttpContextAccessor accessor)
{
    public string Lang => Language.Current(accessor.HttpContext);

    public bool IsChinese => Lang == UiText.TraditionalChinese;

    public string this[string key] => text.Get(key, Lang);

    /// <summary>Whether the text has <paramref name="key"/> (an unknown key reads as itself).</summary>
    public bool Has(string key) => text.Entries.ContainsKey(key);

    public string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentCulture, this[key], args);

    /// <summary>A sector's name in the current language (Traditional Chinese names come with the taxonomy).</summary>
    public string Sector(string? code)
    {
        if (code is null)
        {
            return "—";
        }

        var sector = Matchmaking.ServiceDefaults.Text.SectorTaxonomy.Default.Find(code);
        return sector is null ? code : IsChinese ? sector.ZhHant : sector.En;
    }
}

/// <summary>Headers for every page: a content security policy without inline script or style, and no framing.</summary>
public sealed class SecurityHeadersFilter : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
