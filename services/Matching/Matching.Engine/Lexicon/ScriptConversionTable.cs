using System.Text;

namespace Matchmaking.Matching.Engine.Lexicon;

// One OpenCC conversion table applied by forward maximum matching: at each position the longest
// key wins (phrases before characters), as OpenCC's own converter does. Immutable once built, so
// any number of threads may convert at once.
internal sealed class ScriptConversionTable
{
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    // Longest key starting with each UTF-16 unit; 0 means no key starts there, which lets text
    // without convertible characters pass through without a single lookup or allocation.
    private readonly byte[] _longestKeyByFirstUnit = new byte[char.MaxValue + 1];

    private ScriptConversionTable(Dictionary<string, string> map)
    {
        _lookup = map.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var key in map.Keys)
        {
            ref var longest = ref _longestKeyByFirstUnit[key[0]];
            longest = (byte)Math.Max(longest, Math.Min(key.Length, byte.MaxValue));
        }

        Count = map.Count;
    }

    public int Count { get; }

    public static ScriptConversionTable Load(string resourceName)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in LexiconData.ReadLines(resourceName))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && tab < line.Length - 1)
            {
                map[line[..tab]] = line[(tab + 1)..];
            }
        }

        return new ScriptConversionTable(map);
    }

    public string Convert(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var first = 0;
        while (first < text.Length && _longestKeyByFirstUnit[text[first]] == 0)
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        var index = first;
        while (index < text.Length)
        {
            var longest = Math.Min(_longestKeyByFirstUnit[text[index]], text.Length - index);
            var matched = false;
            for (var length = longest; length > 0; length--)
            {
                if (_lookup.TryGetValue(text.AsSpan(index, length), out var replacement))
                {
                    builder.Append(replacement);
                    index += length;
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                builder.Append(text[index]);
                index++;
            }
        }

        return builder.ToString();
    }
}
