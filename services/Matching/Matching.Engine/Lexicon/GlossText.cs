using System.Collections.Frozen;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Lexicon;

// Turns a CC-CEDICT sense such as "(Tw) to warp; to bend (lit. and fig.)" into the plain English
// pieces a reader would search for: "warp", "bend". Queries go through the same steps, so both
// sides of the inverted index agree on case, spelling and leading particles.
internal sealed class GlossText
{
    // Words that open a gloss without adding meaning ("to warp", "a mold", "lit. to cut", "fig. ...").
    private static readonly FrozenSet<string> _leadingNoise = new[]
    {
        "to", "a", "an", "the", "lit", "fig", "esp", "usu", "also", "sb's", "one's",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Words that may not open or close a partial phrase ("mold for", "of the").
    public static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "an", "and", "as", "at", "be", "by", "etc", "for", "from", "in", "into", "is", "it", "its", "of", "on",
        "one", "one's", "oneself", "or", "sb", "sb's", "sth", "so", "that", "the", "their", "this", "to", "up",
        "with", "without", "not", "out", "off", "over", "used", "esp", "lit", "fig", "usu",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Building the index normalises about a million words drawn from some 60,000 distinct ones;
    // the cache makes each distinct word cost one spelling fold and one allocation.
    private readonly Dictionary<string, (string Word, bool LeadingNoise)>? _cache;
    private readonly Dictionary<string, (string Word, bool LeadingNoise)>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private readonly List<string> _words = [];
    private char[] _stripped = new char[256];

    private GlossText(bool cached)
    {
        if (cached)
        {
            _cache = new Dictionary<string, (string Word, bool LeadingNoise)>(StringComparer.Ordinal);
            _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    // Not thread-safe: one per index build.
    public static GlossText ForIndexing() => new(cached: true);

    public static GlossText ForQuery() => new(cached: false);

    // The normalised pieces of one sense, split at ';', ',' and ':', each as its words.
    public List<string[]> Pieces(ReadOnlySpan<char> sense)
    {
        var pieces = new List<string[]>();
        var text = StripBracketed(sense);
        foreach (var range in text.SplitAny(";,:"))
        {
            var words = Words(text[range]);
            if (words.Length > 0)
            {
                pieces.Add(words);
            }
        }

        return pieces;
    }

    // Lowercase words in American spelling with leading particles dropped: "To Mould" → ["mold"].
    public string[] Words(ReadOnlySpan<char> text)
    {
        _words.Clear();
        var start = -1;
        for (var index = 0; index <= text.Length; index++)
        {
            var inWord = index < text.Length && IsWordCharacter(text[index]);
            if (inWord && start < 0)
            {
                start = index;
            }
            else if (!inWord && start >= 0)
            {
                var word = text[start..index].Trim("'-\u2019");
                if (!word.IsEmpty)
                {
                    var (normalised, leadingNoise) = Normalise(word);
                    if (_words.Count > 0 || !leadingNoise || IsLastWord(text, index))
                    {
                        _words.Add(normalised);
                    }
                }

                start = -1;
            }
        }

        return [.. _words];
    }

    // A lone "a" or "to" is still a word; only leading ones before another word are noise.
    private static bool IsLastWord(ReadOnlySpan<char> text, int index)
    {
        foreach (var c in text[index..])
        {
            if (IsWordCharacter(c))
            {
                return false;
            }
        }

        return true;
    }

    private (string Word, bool LeadingNoise) Normalise(ReadOnlySpan<char> word)
    {
        if (_cache is null)
        {
            return Fold(word);
        }

        if (!_cacheLookup.TryGetValue(word, out var normalised))
        {
            normalised = Fold(word);
            _cacheLookup[word] = normalised;
        }

        return normalised;
    }

    private static (string Word, bool LeadingNoise) Fold(ReadOnlySpan<char> word)
    {
        var folded = EnglishSpelling.ToAmerican(Lower(word));
        return (folded, _leadingNoise.Contains(folded));
    }

    private static string Lower(ReadOnlySpan<char> word)
    {
        var lower = word.ToString().ToLowerInvariant();
        return lower.Contains('\u2019', StringComparison.Ordinal) ? lower.Replace('\u2019', '\'') : lower;
    }

    // Letters and digits of any non-Han script, with inner apostrophes and hyphens (one's, x-ray).
    private static bool IsWordCharacter(char c) =>
        char.IsLetterOrDigit(c) ? !char.IsSurrogate(c) && !Scripts.IsHan(c) : c is '\'' or '-' or '\u2019';

    // Drops parenthesised and bracketed asides: "(Tw)", "(lit. and fig.)", "(of a machine)".
    private ReadOnlySpan<char> StripBracketed(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny('(', '[') < 0)
        {
            return text;
        }

        if (_stripped.Length < text.Length)
        {
            _stripped = new char[text.Length * 2];
        }

        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                depth = Math.Max(0, depth - 1);
                c = ' ';
            }

            _stripped[i] = depth == 0 ? c : ' ';
        }

        return _stripped.AsSpan(0, text.Length);
    }
}
