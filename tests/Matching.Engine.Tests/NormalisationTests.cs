using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Tests;

public sealed class NormalisationTests
{
    [Fact]
    public void A_character_that_OpenCC_folds_out_of_the_basic_plane_does_not_stop_the_rest_of_the_run_being_simplified()
    {
        // OpenCC folds 嗰 into 𠮶, two UTF-16 units for one: the run must still come out simplified, unit for unit.
        const string Text = "你嗰到有幾熱呀";
        Assert.NotEqual(Text.Length, ChineseScript.ToSimplified(Text).Length);

        var simplified = ChineseNormaliser.Simplify(Text);

        Assert.Equal(Text.Length, simplified.Length);
        Assert.Equal("你嗰到有几热呀", simplified);
    }

    [Fact]
    public void Words_after_such_a_character_are_segmented_in_simplified_form()
    {
        using var analyzer = new ListingAnalyzer(DomainGlossary.Embedded);

        var terms = analyzer.Analyser.Analyse("body", "搭嗰架巴士就可以去到動物園喇").Select(token => token.Term).ToList();

        Assert.Contains("动物园", terms);
        Assert.DoesNotContain(terms, term => term.Any(char.IsSurrogate));
    }
}
