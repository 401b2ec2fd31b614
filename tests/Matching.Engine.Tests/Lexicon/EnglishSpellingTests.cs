using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Tests.Lexicon;

public sealed class EnglishSpellingTests
{
    [Theory]
    [InlineData("mould", "mold")]
    [InlineData("moulding", "molding")]
    [InlineData("mouldings", "moldings")]
    [InlineData("colour", "color")]
    [InlineData("colourful", "colorful")]
    [InlineData("behaviour", "behavior")]
    [InlineData("aluminium", "aluminum")]
    [InlineData("fibre", "fiber")]
    [InlineData("centres", "centers")]
    [InlineData("centred", "centered")]
    [InlineData("optimise", "optimize")]
    [InlineData("optimisation", "optimization")]
    [InlineData("analyse", "analyze")]
    [InlineData("sulphur", "sulfur")]
    [InlineData("grey", "gray")]
    public void British_spellings_fold_to_american(string british, string american) =>
        Assert.Equal(american, EnglishSpelling.ToAmerican(british));

    [Theory]
    [InlineData("precise")]
    [InlineData("exercise")]
    [InlineData("expertise")]
    [InlineData("enterprise")]
    [InlineData("centrifuge")]
    [InlineData("mold")]
    [InlineData("hour")]
    [InlineData("our")]
    public void Words_that_only_look_british_are_kept(string word) =>
        Assert.Equal(word, EnglishSpelling.ToAmerican(word));

    [Fact]
    public void A_phrase_is_lowercased_folded_and_stripped_of_a_leading_particle()
    {
        Assert.Equal("mold injection", EnglishSpelling.NormalisePhrase("To Mould  Injection"));
        Assert.Equal("injection molding", EnglishSpelling.NormalisePhrase("injection moulding"));
    }
}
