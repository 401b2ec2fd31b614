using System.Text.RegularExpressions;
using Matchmaking.Portal.Ui;
using Xunit;

namespace Matchmaking.Portal.Browser.Tests;

/// <summary>The pages' words: every key has English and Traditional Chinese, and every key a page names exists.</summary>
public sealed partial class UiTextTests
{
    private static readonly UiText Text = UiText.Load();

    [Fact]
    public void Every_entry_has_both_languages()
    {
        Assert.True(Text.Entries.Count > 100, $"the resource file loads ({Text.Entries.Count} entries)");
        foreach (var (key, texts) in Text.Entries)
        {
            // Keys ending in '.' are the empty fallbacks for a missing code (e.g. "stage." + null).
            if (key.EndsWith('.'))
            {
                continue;
            }

            Assert.False(string.IsNullOrWhiteSpace(texts.GetValueOrDefault(UiText.English)), $"{key} has English");
            Assert.False(string.IsNullOrWhiteSpace(texts.GetValueOrDefault(UiText.TraditionalChinese)), $"{key} has Traditional Chinese");
        }
    }

    [Fact]
    public void Every_score_feature_the_engine_explains_has_a_name_in_both_languages()
    {
        // The shared words' share is split over the candidate's text fields (title, body, keywords) instead of "text".
        var features = Matchmaking.Matching.Engine.RankingFeatures.Names.Where(name => name != "text")
            .Concat(["title", "body", "keywords", Matchmaking.Matching.Engine.Semantic.SemanticFusion.FeatureName]);
        foreach (var feature in features)
        {
            Assert.True(Text.Entries.ContainsKey("feature." + feature), $"feature.{feature} is in the resources");
        }
    }

    [Fact]
    public void Every_key_a_page_uses_is_in_the_resources()
    {
        var pages = Path.Combine(RepositoryRoot(), "services", "Portal", "Pages");
        var missing = new SortedSet<string>();
        var used = 0;
        foreach (var file in Directory.EnumerateFiles(pages, "*.cs*", SearchOption.AllDirectories))
        {
            foreach (Match match in KeyUse().Matches(File.ReadAllText(file)))
            {
                used++;
                var key = match.Groups["key"].Value;
                if (!Text.Entries.ContainsKey(key))
                {
                    missing.Add($"{Path.GetFileName(file)}: {key}");
                }
            }
        }

        Assert.True(used > 100, $"the pages were found and read ({used} uses)");
        Assert.Empty(missing);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Matchmaking.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Matchmaking.sln not found above the test output");
    }

    // T["key"], T.Format("key", ...), Back("key", ...): whole keys only (not the "stage." + code prefixes).
    [GeneratedRegex("""(?:T\[|T\.Format\(|Back\()"(?<key>[A-Za-z0-9.\-]+[A-Za-z0-9\-])"(?!\s*\+)""")]
    private static partial Regex KeyUse();
}
