using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;

namespace Matchmaking.Matching.Engine.Tests;

// Runs between Chinese words that hold only punctuation skip the English chains (TextAnalyser.MayHoldWords); these
// tests hold that shortcut to what the chains would have made of such runs: nothing.
public sealed class PunctuationRunTests
{
    [Theory]
    [InlineData("，", false)]
    [InlineData("。", false)]
    [InlineData("、 ", false)]
    [InlineData("（）", false)]
    [InlineData(" - ", false)]
    [InlineData("…", false)]
    [InlineData("8%", true)]
    [InlineData("PCB", true)]
    [InlineData("ｐｃｂ", true)]
    [InlineData("׳", true)]
    public void Only_punctuation_of_the_checked_blocks_is_said_to_hold_no_words(string run, bool mayHoldWords) =>
        Assert.Equal(mayHoldWords, TextAnalyser.MayHoldWords(run));

    [Fact]
    public void Every_character_said_to_hold_no_words_gives_no_token_in_either_English_chain()
    {
        using var analyzer = new ListingAnalyzer(DomainGlossary.Embedded);
        var inert = Enumerable.Range(0, char.MaxValue + 1)
            .Select(code => (char)code)
            .Where(c => !char.IsSurrogate(c) && !TextAnalyser.MayHoldWords(c.ToString()))
            .ToList();

        // ASCII and the three blocks' punctuation, symbols, spaces and controls: a few hundred characters.
        Assert.InRange(inert.Count, 150, 700);
        Assert.Contains('，', inert);
        Assert.DoesNotContain('a', inert);

        var made = new List<string>();
        foreach (var c in inert)
        {
            foreach (var text in new[] { $"{c}", $"{c}{c}", $"{c}{c}{c}", $"{c}_", $"_{c}", $"{c} {c}", $"{c}.{c}", $"{c}'{c}" })
            {
                Assert.False(TextAnalyser.MayHoldWords(text));
                made.AddRange(analyzer.Analyser.AnalyseEnglishChains("body", text).Select(token => $"U+{(int)c:X4}: {token.Term}"));
            }
        }

        Assert.Empty(made);
    }

    [Fact]
    public void Chinese_text_keeps_its_words_and_the_English_between_them()
    {
        using var analyzer = new ListingAnalyzer(DomainGlossary.Embedded);

        var terms = analyzer.Analyser.Analyse("body", "注塑件冷却后，约8%出现翘曲。PCB焊点、AOI检测").Select(token => token.Term).ToList();

        Assert.Contains("8", terms);
        Assert.Contains("pcb", terms);
        Assert.Contains("aoi", terms);
        Assert.Contains("冷却", terms);
        Assert.DoesNotContain("，", terms);
        Assert.DoesNotContain("。", terms);
    }
}
