using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Lexicon;

/// <summary>
/// CC-CEDICT (CC BY-SA 4.0, see Lexicon/Data/NOTICE.md) keyed by Simplified headword: English senses,
/// dictionary-based segmentation and, through an inverted index over the senses, English → Chinese.
/// The dictionary is read from the embedded resource on first use, the precomputed English index on the
/// first <see cref="Translations(string)"/> call. Thread-safe.
/// </summary>
public static class CedictDictionary
{
    private static readonly Lazy<CedictData> _data = new(CedictData.Load);
    private static readonly Lazy<EnglishGlossIndex> _english =
        new(() => EnglishGlossIndex.Parse(LexiconData.ReadAll(LexiconData.CedictEnglish), _data.Value.Entries));

    /// <summary>
    /// Loads the dictionary and the English index now rather than on first use, e.g. from a hosted service at
    /// start-up so that the first request does not pay for it.
    /// </summary>
    public static void Preload() => _ = _english.Value;

    /// <summary>Number of Simplified headwords.</summary>
    public static int Count => _data.Value.Entries.Count;

    /// <summary>Length (UTF-16 units) of the longest Simplified headword.</summary>
    public static int MaxWordLength => _data.Value.MaxWordLength;

    /// <summary>Whether the word is a Simplified headword (exact, case-sensitive).</summary>
    public static bool Contains(string simplifiedWord) => Contains(simplifiedWord.AsSpan());

    public static bool Contains(ReadOnlySpan<char> simplifiedWord) => _data.Value.Lookup.ContainsKey(simplifiedWord);

    /// <summary>
    /// The English senses of a Simplified headword, main senses first, merged over its readings and
    /// Traditional forms (台 gathers 臺, 檯 and 颱). Empty when the word is unknown.
    /// </summary>
    public static IReadOnlyList<string> Glosses(string simplifiedWord) =>
        _data.Value.Lookup.TryGetValue(simplifiedWord, out var entry) ? entry.Senses : [];

    /// <summary>
    /// The English senses of a Simplified headword as it was written: when <paramref name="written"/> (the word in
    /// Traditional text, as written there) is one of its Traditional forms, that form's senses first (錶 is a watch
    /// before a table), then the others'; otherwise the senses of all its forms taken in turn, the form with more
    /// senses first. (The written form's senses alone cost the dev set 0.003 nDCG@10: CC-CEDICT does not always file
    /// a sense under every form that is written for it.)
    /// </summary>
    public static IReadOnlyList<string> Glosses(string simplifiedWord, string? written)
    {
        if (!_data.Value.Lookup.TryGetValue(simplifiedWord, out var entry))
        {
            return [];
        }

        var own = written is null ? null : entry.SensesOf(written);
        return own is null ? entry.InterleavedSenses : [.. own, .. entry.InterleavedSenses.Where(sense => !own.Contains(sense))];
    }

    /// <summary>The Traditional forms CC-CEDICT gives for a Simplified headword (发 → 發, 髮).</summary>
    public static IReadOnlyList<string> TraditionalForms(string simplifiedWord) =>
        _data.Value.Lookup.TryGetValue(simplifiedWord, out var entry) ? entry.Traditional : [];

    /// <summary>
    /// Forward maximum matching over the headwords: at each Han character the longest headword wins,
    /// otherwise the character stands alone. Runs of other letters and digits are single tokens (unless a
    /// headword such as "T恤" or "3D打印" starts there); spaces and punctuation separate tokens and are
    /// dropped. A fallback for when no statistical segmenter is at hand.
    /// </summary>
    public static IReadOnlyList<string> SegmentGreedy(string simplifiedText)
    {
        ArgumentNullException.ThrowIfNull(simplifiedText);
        var data = _data.Value;
        var tokens = new List<string>();
        var index = 0;
        while (index < simplifiedText.Length)
        {
            var rune = System.Text.Rune.GetRuneAt(simplifiedText, index);
            var han = Scripts.IsHan(rune.Value);
            var runLength = han ? rune.Utf16SequenceLength : NonHanWordLength(simplifiedText, index);
            if (runLength == 0)
            {
                index += rune.Utf16SequenceLength;
                continue;
            }

            var match = data.LongestHeadword(simplifiedText.AsSpan(index));
            var length = han ? Math.Max(match, runLength) : match > runLength ? match : runLength;
            tokens.Add(simplifiedText.Substring(index, length));
            index += length;
        }

        return tokens;
    }

    /// <summary>
    /// Chinese words whose senses say this English word or phrase, best first (at most 20). Case, British
    /// spelling ("mould", "colour") and a leading "to"/"a" are ignored; an inflected last word also reaches
    /// its base form ("moulds", "cooling"), at 0.8 of the weight. The weight, in (0, 1], is highest when a
    /// sense is exactly the query, lower when the query is only part of a sense ("molding" in "injection
    /// molding"), and falls with the number of glosses the Chinese word has and with later senses.
    /// </summary>
    public static IReadOnlyList<(string Chinese, double Weight)> Translations(string englishWordOrPhrase) =>
        Translations(englishWordOrPhrase, 20);

    public static IReadOnlyList<(string Chinese, double Weight)> Translations(string englishWordOrPhrase, int limit)
    {
        ArgumentNullException.ThrowIfNull(englishWordOrPhrase);
        return _english.Value.Find(englishWordOrPhrase, limit);
    }

    // Letters and digits outside Han, as one token.
    private static int NonHanWordLength(string text, int start)
    {
        var index = start;
        while (index < text.Length)
        {
            var rune = System.Text.Rune.GetRuneAt(text, index);
            if (Scripts.IsHan(rune.Value) || !System.Text.Rune.IsLetterOrDigit(rune))
            {
                break;
            }

            index += rune.Utf16SequenceLength;
        }

        return index - start;
    }
}
