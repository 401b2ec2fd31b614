using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Analysis;

// Brings Chinese text to one form before segmentation: Traditional folded to Simplified (OpenCC), and written
// Cantonese words replaced by their Mandarin equivalents, so "我哋啤嘅手柄" and "我们注塑的手柄" meet the same
// segmenter, dictionary and glossary. Multi-character Cantonese words are replaced in the text; a single character
// that also occurs inside ordinary words (係 in 關係) is replaced only when the segmenter leaves it standing alone.
// Keeps, for every output character, the span of input it came from, so offsets still point into the original.
internal sealed class ChineseNormaliser
{
    private readonly Dictionary<string, string> _inText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _inTextLookup;
    private readonly Dictionary<string, string> _standalone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _alternatives = new(StringComparer.Ordinal);
    private readonly int _longestKey;

    public ChineseNormaliser(IEnumerable<CantoneseWord> cantonese)
    {
        foreach (var word in cantonese)
        {
            var key = Simplify(word.Cantonese);
            var mandarin = word.Mandarin;
            if (key.Length == 0 || key == mandarin)
            {
                continue;
            }

            if (word.Alternatives.Count > 1)
            {
                _alternatives.TryAdd(key, word.Alternatives);
            }

            // Single characters are ambiguous (係 is "is" in Cantonese but part of 關係 in Mandarin), and so are
            // the ones the glossary marks: they only ever replace a token of their own.
            if (word.StandaloneOnly || key.Length == 1)
            {
                _standalone.TryAdd(key, mandarin);
            }
            else
            {
                _inText.TryAdd(key, mandarin);
                _longestKey = Math.Max(_longestKey, key.Length);
            }
        }

        _inTextLookup = _inText.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    // A run of Han characters in Simplified Mandarin form, and for each output character the input span it came from.
    public NormalisedRun Normalise(string run)
    {
        var simplified = Simplify(run);
        var text = new System.Text.StringBuilder(simplified.Length);
        var starts = new List<int>(simplified.Length);
        var ends = new List<int>(simplified.Length);
        var index = 0;
        while (index < simplified.Length)
        {
            var matched = 0;
            string? replacement = null;
            for (var length = Math.Min(_longestKey, simplified.Length - index); length >= 2; length--)
            {
                if (_inTextLookup.TryGetValue(simplified.AsSpan(index, length), out replacement))
                {
                    matched = length;
                    break;
                }
            }

            if (matched == 0)
            {
                text.Append(simplified[index]);
                starts.Add(index);
                ends.Add(index + 1);
                index++;
                continue;
            }

            foreach (var c in replacement!)
            {
                text.Append(c);
                starts.Add(index);
                ends.Add(index + matched);
            }

            // A dropped particle leaves a gap the segmenter reads as a boundary.
            if (replacement!.Length == 0)
            {
                text.Append('，');
                starts.Add(index);
                ends.Add(index + matched);
            }

            index += matched;
        }

        return new NormalisedRun(text.ToString(), [.. starts], [.. ends]);
    }

    // Text in Simplified form, unit for unit, so offsets into it are offsets into the original. OpenCC folds a few
    // hundred characters into ones outside the Basic Multilingual Plane (嗰 → 𠮶), which would lengthen the text and
    // which the segmenter cuts in halves: those keep their form, and the text between them is converted phrase by
    // phrase (or, should a phrase still change length, character by character).
    public static string Simplify(string text)
    {
        var whole = ChineseScript.ToSimplified(text);
        if (whole.Length == text.Length)
        {
            return whole;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var pieceStart = 0;
        var index = 0;
        while (index < text.Length)
        {
            var length = CharacterLength(text, index);
            if (ChineseScript.ToSimplified(text.Substring(index, length)).Length != length)
            {
                AppendPiece(text, pieceStart, index, result);
                result.Append(text, index, length);
                pieceStart = index + length;
            }

            index += length;
        }

        AppendPiece(text, pieceStart, text.Length, result);
        return result.ToString();
    }

    // One character's UTF-16 units: two for a surrogate pair, one otherwise (a lone surrogate included).
    private static int CharacterLength(string text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;

    private static void AppendPiece(string text, int start, int end, System.Text.StringBuilder result)
    {
        var piece = text[start..end];
        var converted = ChineseScript.ToSimplified(piece);
        if (converted.Length == piece.Length)
        {
            result.Append(converted);
            return;
        }

        for (var index = start; index < end;)
        {
            var length = CharacterLength(text, index);
            var character = text.Substring(index, length);
            var one = ChineseScript.ToSimplified(character);
            result.Append(one.Length == length ? one : character);
            index += length;
        }
    }

    // Every Mandarin equivalent of a Cantonese word as written (佢: 他, 她, 它) when the table gives several and the text
    // took the first, the given Mandarin token; null otherwise.
    public IReadOnlyList<string>? Alternatives(string written, string mandarin) =>
        _alternatives.Count > 0 && _alternatives.TryGetValue(Simplify(written), out var alternatives) && alternatives[0] == mandarin
            ? alternatives
            : null;

    // The Mandarin for a token the segmenter produced on its own: null to keep it, "" to drop it.
    public string? Standalone(string token) => _standalone.GetValueOrDefault(token);
}

internal sealed record NormalisedRun(string Text, int[] Starts, int[] Ends)
{
    // The input span of output characters [start, end).
    public (int Start, int End) SourceSpan(int start, int end) =>
        Text.Length == 0 ? (0, 0) : (Starts[Math.Min(start, Starts.Length - 1)], Ends[Math.Clamp(end - 1, 0, Ends.Length - 1)]);
}
