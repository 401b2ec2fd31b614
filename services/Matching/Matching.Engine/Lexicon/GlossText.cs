using System.Collections.Frozen;
using System.Text;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Lexicon;

// Turns a CC-CEDICT sense such as "(Tw) to warp; to bend (lit. and fig.)" into the plain English
// pieces a reader would search for: "warp", "bend". Queries go through the same steps, so both
// sides of the inverted index agree on case, spelling and leading particles.
internal static class GlossText
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

    public static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var index = 0; index <= text.Length; index++)
        {
            var inWord = index < text.Length && IsWordCharacter(text, index);
            if (inWord && start < 0)
            {
                start = index;
            }
            else if (!inWord && start >= 0)
            {
                var word = text.AsSpan(start, index - start).Trim("'-");
                if (!word.IsEmpty)
                {
                    yield return word.ToString();
                }

                start = -1;
            }
        }
    }

    // Letters and digits of any non-Han script, with inner apostrophes and hyphens (one's, x-ray).
    private static bool IsWordCharacter(string text, int index)
    {
        var c = text[index];
        if (char.IsLetterOrDigit(c))
        {
            return !char.IsSurrogate(c) && !Scripts.IsHan(c);
        }

        return c is '\'' or '-' or '\u2019';
    }

    // The normalised pieces of one sense, each as its words (lowercase, American spelling).
    public static List<string[]> Pieces(string sense)
    {
        var pieces = new List<string[]>();
        foreach (var part in StripBracketed(sense.ToLowerInvariant()).Split([';', ',', ':'], StringSplitOptions.RemoveEmptyEntries))
        {
            var words = Normalise(Words(part));
            if (words.Length > 0)
            {
                pieces.Add(words);
            }
        }

        return pieces;
    }

    public static string[] Normalise(IEnumerable<string> words)
    {
        var list = words.Select(w => EnglishSpelling.ToAmerican(w.Replace('\u2019', '\''))).ToList();
        var skip = 0;
        while (skip < list.Count - 1 && _leadingNoise.Contains(list[skip]))
        {
            skip++;
        }

        return list.Count == 1 && _leadingNoise.Contains(list[0]) ? [] : [.. list.Skip(skip)];
    }

    // Drops parenthesised and bracketed asides: "(Tw)", "(lit. and fig.)", "(of a machine)".
    private static string StripBracketed(string text)
    {
        if (text.IndexOfAny(['(', '[']) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var depth = 0;
        foreach (var c in text)
        {
            if (c is '(' or '[')
            {
                depth++;
                builder.Append(' ');
            }
            else if (c is ')' or ']')
            {
                depth = Math.Max(0, depth - 1);
                builder.Append(' ');
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
