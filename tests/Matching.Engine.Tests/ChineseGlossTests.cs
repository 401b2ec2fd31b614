using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Matching.Engine.Semantic;

namespace Matchmaking.Matching.Engine.Tests;

// The English stand-in a Chinese listing is embedded from: each word as the dictionary bridge's heaviest sense, in the
// text's order, glossary terms by their English names, English words kept.
public sealed class ChineseGlossTests : IDisposable
{
    private readonly ListingAnalyzer _analyzer = new(DomainGlossary.Embedded);

    public void Dispose() => _analyzer.Dispose();

    [Fact]
    public void A_word_is_glossed_by_its_first_distinct_translations()
    {
        // As the bridge gives them, heaviest first; two stems of "leave" are one word.
        Translation[] translations = [new("leav", "leave", 0.5), new("leaving", "leave", 0.4), new("go", "go", 0.2), new("remov", "remove", 0.1)];

        Assert.Equal(["leave"], ChineseGloss.Choose(translations, 1));
        Assert.Equal(["leave", "go"], ChineseGloss.Choose(translations, 2));
        Assert.Equal(["leave", "go", "remove"], ChineseGloss.Choose(translations, 10));
        Assert.Empty(ChineseGloss.Choose(translations, 0));
        Assert.Empty(ChineseGloss.Choose([], 3));
    }

    [Fact]
    public void A_sentence_becomes_its_words_senses_in_order()
    {
        var gloss = Gloss("他去学校。");

        Assert.NotNull(gloss);
        var words = gloss.Split(' ');
        var go = Array.IndexOf(words, "go");
        var school = Array.IndexOf(words, "school");
        Assert.True(go >= 0 && school > go, gloss);
    }

    [Fact]
    public void A_glossary_term_is_named_in_English_and_English_words_are_kept()
    {
        var gloss = Gloss("外殼翹曲 Muiriel");

        Assert.NotNull(gloss);
        Assert.Contains("warpage", gloss, StringComparison.Ordinal);
        Assert.EndsWith("muiriel", gloss, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", gloss);
    }

    [Fact]
    public void A_listing_without_words_has_no_gloss() => Assert.Null(Gloss("。！"));

    private string? Gloss(string body)
    {
        var concepts = new ConceptMatcher(DomainGlossary.Embedded, _analyzer.Analyser);
        var profiler = new ListingProfiler(_analyzer.Analyser, concepts);
        var gloss = new ChineseGloss(new DictionaryBridge(_analyzer.Analyser), concepts);
        return gloss.Of(profiler.Profile(Listings.Need("", body, language: "zh-Hans")));
    }
}
