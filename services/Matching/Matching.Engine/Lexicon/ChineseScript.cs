namespace Matchmaking.Matching.Engine.Lexicon;

/// <summary>
/// Converts between Traditional and Simplified Chinese with OpenCC's tables (embedded, loaded once on
/// first use). Text in other scripts passes through unchanged. Thread-safe.
/// </summary>
public static class ChineseScript
{
    private static readonly Lazy<ScriptConversionTable> _toSimplified =
        new(() => ScriptConversionTable.Load(LexiconData.TraditionalToSimplified));

    private static readonly Lazy<ScriptConversionTable> _toTraditional =
        new(() => ScriptConversionTable.Load(LexiconData.SimplifiedToTraditional));

    /// <summary>Loads both tables now rather than on first use.</summary>
    public static void Preload()
    {
        _ = _toSimplified.Value;
        _ = _toTraditional.Value;
    }

    /// <summary>
    /// Traditional → Simplified: OpenCC's TSPhrases and TSCharacters, longest match first, with Hong Kong
    /// and Taiwan variant forms (HKVariants, TWVariants and their phrase tables) and CJK compatibility
    /// ideographs folded in. Already-simplified text comes back as it was.
    /// </summary>
    public static string ToSimplified(string text) => _toSimplified.Value.Convert(text);

    /// <summary>Simplified → Traditional (OpenCC standard forms): STPhrases, then STCharacters.</summary>
    public static string ToTraditional(string text) => _toTraditional.Value.Convert(text);
}
