using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Tests.Lexicon;

public sealed class CedictDictionaryTests
{
    [Fact]
    public void The_dictionary_holds_the_bulk_of_CC_CEDICT()
    {
        Assert.InRange(CedictDictionary.Count, 100_000, 150_000);
        Assert.InRange(CedictDictionary.MaxWordLength, 10, 40);
    }

    [Fact]
    public void A_mould_is_glossed_as_mold()
    {
        var glosses = CedictDictionary.Glosses("模具");

        Assert.Contains(glosses, g => g.Contains("mold", StringComparison.OrdinalIgnoreCase) || g.Contains("mould", StringComparison.OrdinalIgnoreCase));
        Assert.True(CedictDictionary.Contains("模具"));
    }

    [Fact]
    public void Senses_without_English_meaning_are_left_out()
    {
        var senses = CedictDictionary.Glosses("个").Concat(CedictDictionary.Glosses("模具")).Concat(CedictDictionary.Glosses("李"));

        Assert.DoesNotContain(senses, s => s.StartsWith("variant of", StringComparison.Ordinal)
            || s.StartsWith("Taiwan pr.", StringComparison.Ordinal)
            || s.StartsWith("surname", StringComparison.Ordinal)
            || s.StartsWith("CL:", StringComparison.Ordinal));
        Assert.Contains("plum", CedictDictionary.Glosses("李"));
    }

    [Fact]
    public void A_simplified_headword_gathers_the_senses_of_all_its_traditional_forms()
    {
        Assert.Contains("hair", CedictDictionary.Glosses("发"));
        Assert.Contains(CedictDictionary.Glosses("发"), g => g.Contains("to send out", StringComparison.Ordinal));
        Assert.Equal(["發", "髮"], CedictDictionary.TraditionalForms("发").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_word_written_in_traditional_characters_has_the_senses_of_its_own_form_first()
    {
        Assert.Equal("hair", CedictDictionary.Glosses("发", "髮")[0]);
        Assert.Contains("watch", CedictDictionary.Glosses("表", "錶")[0], StringComparison.Ordinal);
        Assert.DoesNotContain("watch", CedictDictionary.Glosses("表", "表")[0], StringComparison.Ordinal);
        Assert.Equal(CedictDictionary.Glosses("表").Order(StringComparer.Ordinal), CedictDictionary.Glosses("表", "錶").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_its_written_form_a_word_offers_the_first_sense_of_every_form_before_any_second_one()
    {
        // 听 is both 听 (archaic: smile) and 聽 (to listen); the form with more senses comes first.
        var senses = CedictDictionary.Glosses("听", null);
        Assert.Contains("listen", senses[0], StringComparison.Ordinal);
        Assert.Equal(CedictDictionary.Glosses("听").Order(StringComparer.Ordinal), senses.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unknown_words_have_no_glosses()
    {
        Assert.Empty(CedictDictionary.Glosses("不是一个词语的东西"));
        Assert.False(CedictDictionary.Contains("不是一个词语的东西"));
        Assert.Empty(CedictDictionary.Glosses(""));
    }

    [Fact]
    public void Greedy_segmentation_splits_a_technical_phrase_into_dictionary_words()
    {
        var words = CedictDictionary.SegmentGreedy("注塑模具冷却");

        Assert.Equal(["注塑", "模具", "冷却"], words);
        Assert.All(words, w => Assert.True(CedictDictionary.Contains(w)));
    }

    [Fact]
    public void Greedy_segmentation_keeps_latin_words_and_numbers_whole_and_drops_punctuation()
    {
        var words = CedictDictionary.SegmentGreedy("外壳冷却后有8%变形，PVC管 and T恤 OK。");

        Assert.Equal(["外壳", "冷却", "后", "有", "8", "变形", "PVC", "管", "and", "T恤", "OK"], words);
    }

    [Fact]
    public void Greedy_segmentation_leaves_unknown_characters_on_their_own()
    {
        var words = CedictDictionary.SegmentGreedy("我哋嘅模具");

        Assert.Equal("模具", words[^1]);
        Assert.Equal("我哋嘅模具", string.Concat(words));
    }

    [Theory]
    [InlineData("warp", "翘曲")]
    [InlineData("mould", "模具")]
    [InlineData("mold", "模具")]
    [InlineData("injection moulding", "注塑")]
    [InlineData("Injection Molding", "注塑")]
    [InlineData("sensor", "传感器")]
    [InlineData("battery", "电池")]
    [InlineData("quality control", "品管")]
    [InlineData("to cool", "冷却")]
    public void English_finds_its_Chinese_translation(string english, string chinese)
    {
        var translations = CedictDictionary.Translations(english);

        Assert.Contains(chinese, translations.Select(t => t.Chinese));
    }

    [Fact]
    public void An_exact_sense_outweighs_a_word_inside_a_longer_sense()
    {
        var translations = CedictDictionary.Translations("injection molding", 50);
        var molding = CedictDictionary.Translations("molding", 200);

        Assert.Equal("注塑", translations[0].Chinese);
        Assert.Equal(1.0, translations[0].Weight, 3);
        var partial = Assert.Single(molding, t => t.Chinese == "注塑");
        Assert.True(partial.Weight < translations[0].Weight);
    }

    [Fact]
    public void A_word_with_many_senses_weighs_less_than_a_word_with_one()
    {
        // 水 has a dozen senses besides "water"; 浇水 means only "to water".
        var water = CedictDictionary.Translations("water", 50).ToDictionary(t => t.Chinese, t => t.Weight);

        Assert.True(water["浇水"] > water["水"]);
    }

    [Fact]
    public void Translations_are_ordered_by_weight_and_respect_the_limit()
    {
        var translations = CedictDictionary.Translations("machine", 5);

        Assert.Equal(5, translations.Count);
        Assert.Equal(translations.OrderByDescending(t => t.Weight).Select(t => t.Weight), translations.Select(t => t.Weight));
        Assert.All(translations, t => Assert.InRange(t.Weight, 0.0001, 1.0));
    }

    [Fact]
    public void British_spelling_and_inflection_reach_the_same_translations()
    {
        var mold = CedictDictionary.Translations("mold").Select(t => t.Chinese);
        var colour = CedictDictionary.Translations("colour").Select(t => t.Chinese);

        Assert.Equal(mold, CedictDictionary.Translations("mould").Select(t => t.Chinese));
        Assert.Equal(colour, CedictDictionary.Translations("color").Select(t => t.Chinese));
        Assert.Contains("冷却", CedictDictionary.Translations("cooling").Select(t => t.Chinese));
        Assert.Contains("模具", CedictDictionary.Translations("moulds").Select(t => t.Chinese));
    }

    [Fact]
    public void Queries_without_English_words_find_nothing()
    {
        Assert.Empty(CedictDictionary.Translations(""));
        Assert.Empty(CedictDictionary.Translations("  ,;  "));
        Assert.Empty(CedictDictionary.Translations("xqzvbnmwk"));
    }

    [Fact]
    public void Lookups_give_the_same_answers_from_many_threads()
    {
        var expectedSegments = CedictDictionary.SegmentGreedy("注塑模具冷却");
        var expectedWarp = CedictDictionary.Translations("warp");
        var failures = 0;
        Parallel.For(0, 1_000, i =>
        {
            var ok = (i % 3) switch
            {
                0 => CedictDictionary.SegmentGreedy("注塑模具冷却").SequenceEqual(expectedSegments),
                1 => CedictDictionary.Translations("warp").SequenceEqual(expectedWarp),
                _ => CedictDictionary.Glosses("模具").Contains("mold") && CedictDictionary.Contains("冷却"),
            };
            if (!ok)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }
}
