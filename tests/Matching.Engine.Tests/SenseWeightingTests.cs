using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;

namespace Matchmaking.Matching.Engine.Tests;

// How a Chinese word's English senses are chosen and weighed: Cantonese words with several Mandarin equivalents,
// CC-CEDICT's bound-form senses, words the segmenter's pieces spell only after folding to Simplified, and the idf a
// word's translations share.
public sealed class SenseWeightingTests
{
    [Fact]
    public void A_Cantonese_word_with_several_Mandarin_equivalents_takes_the_senses_of_them_all()
    {
        using var analyzer = new ListingAnalyzer(DomainGlossary.Embedded);
        var bridge = new DictionaryBridge(analyzer.Analyser);

        // 佢 is he, she or it; the text carries the first equivalent, 他, whose own senses have no "she".
        var mandarin = bridge.ToEnglish("他").Select(t => t.Term).ToList();
        var cantonese = bridge.ToEnglish("他", "佢").Select(t => t.Term).ToList();

        Assert.DoesNotContain("she", mandarin);
        Assert.Contains("she", cantonese);
        Assert.Contains("he", cantonese);
    }

    [Fact]
    public void Merged_translations_keep_each_word_relative_to_its_own_best_sense_on_the_first_words_scale()
    {
        Translation[] first = [new("he", "he", 0.4), new("other", "other", 0.2)];
        Translation[] second = [new("she", "she", 0.8), new("her", "her", 0.4), new("other", "other", 0.8)];

        var merged = DictionaryBridge.Merge([first, second]).ToDictionary(t => t.Term, t => t.Weight);

        Assert.Equal(0.4, merged["he"], 6);
        Assert.Equal(0.4, merged["she"], 6);
        Assert.Equal(0.2, merged["her"], 6);
        Assert.Equal(0.4, merged["other"], 6);
    }

    [Fact]
    public void A_bound_form_sense_weighs_less_than_a_free_one_listed_after_it()
    {
        using var analyzer = new ListingAnalyzer(DomainGlossary.Embedded);
        var bridge = new DictionaryBridge(analyzer.Analyser);

        // CC-CEDICT lists 要 as "(bound form) to demand; to coerce / to want; to need; … / (bound form) important".
        var weights = bridge.ToEnglish("要").ToDictionary(t => t.Term, t => t.Weight);

        Assert.True(weights["want"] > weights["demand"], $"want {weights["want"]}, demand {weights["demand"]}");
        Assert.True(weights["need"] > weights.GetValueOrDefault("import"), "need should outweigh important");
    }

    [Theory]
    [InlineData("只有", "隻有", false)]
    [InlineData("只有", "只有", true)]
    [InlineData("头发", "頭髮", true)]
    [InlineData("翘曲", "翹曲", true)]
    public void A_word_is_read_in_Traditional_text_only_where_written_as_one_of_its_own_forms(string word, string written, bool expected) =>
        Assert.Equal(expected, TextAnalyser.WrittenAs(word, written));

    [Fact]
    public void Pieces_that_spell_a_word_only_after_folding_to_Simplified_are_not_merged_into_it()
    {
        using var analyzer = new ListingAnalyzer(DomainGlossary.Embedded);

        // 一隻有惡意的兔子: 隻 (a classifier) and 有 fold to 只 and 有, which spell 只有 "only"; written 隻有, they are not.
        var traditional = analyzer.Analyser.Analyse("body", "那是一隻有惡意的兔子").Select(t => t.Term).ToList();
        var simplified = analyzer.Analyser.Analyse("body", "我只有一个").Select(t => t.Term).ToList();

        Assert.DoesNotContain("只有", traditional);
        Assert.Contains("有", traditional);
        Assert.Contains("只有", simplified);
    }

    [Fact]
    public void Translations_of_one_word_move_towards_a_shared_idf()
    {
        // Equal shares, one translation in 2 of 1,000 documents, the other in 200: the rare one is scaled down, the
        // common one up, and neither past the shared idf.
        var factors = QueryPlan.IdfSharing(1000, [(0.5, 2), (0.5, 200)]);

        Assert.True(factors[0] < 1, $"rare {factors[0]}");
        Assert.True(factors[1] > 1, $"common {factors[1]}");
        Assert.Equal([1.0], QueryPlan.IdfSharing(1000, [(0.5, 2)]));
    }
}
