namespace Matchmaking.Matching.Engine.Lexicon;

internal sealed class CedictEntry(string simplified, string[] traditional, string[] senses)
{
    public string Simplified { get; } = simplified;

    public string[] Traditional { get; } = traditional;

    public string[] Senses { get; } = senses;
}

// The parsed cedict.tsv.gz: one entry per Simplified headword (lines arrive sorted by it, one per
// Traditional form), plus what forward maximum matching needs.
internal sealed class CedictData
{
    private readonly byte[] _longestHeadwordByFirstUnit = new byte[char.MaxValue + 1];

    private CedictData(Dictionary<string, CedictEntry> entries)
    {
        Lookup = entries.GetAlternateLookup<ReadOnlySpan<char>>();
        Entries = [.. entries.Values.Select(e => (e.Simplified, e.Senses))];
        foreach (var word in entries.Keys)
        {
            ref var longest = ref _longestHeadwordByFirstUnit[word[0]];
            longest = (byte)Math.Max(longest, Math.Min(word.Length, byte.MaxValue));
            MaxWordLength = Math.Max(MaxWordLength, word.Length);
        }
    }

    public Dictionary<string, CedictEntry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    public IReadOnlyList<(string Word, string[] Senses)> Entries { get; }

    public int MaxWordLength { get; }

    public static CedictData Load()
    {
        var entries = new Dictionary<string, CedictEntry>(130_000, StringComparer.Ordinal);
        string? simplified = null;
        var traditional = new List<string>(4);
        var senses = new List<string>(8);

        foreach (var line in LexiconData.ReadLines(LexiconData.Cedict))
        {
            var first = line.IndexOf('\t', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf('\t', first + 1);
            if (first <= 0 || second < 0)
            {
                continue;
            }

            var headword = line.AsSpan(0, first);
            if (simplified is null || !headword.SequenceEqual(simplified))
            {
                Flush();
                simplified = headword.ToString();
            }

            var form = line.AsSpan(first + 1, second - first - 1);
            traditional.Add(form.SequenceEqual(simplified) ? simplified : form.ToString());
            foreach (var range in line.AsSpan(second + 1).Split('/'))
            {
                var sense = line.AsSpan(second + 1)[range];
                if (!sense.IsEmpty && !senses.Exists(s => sense.SequenceEqual(s)))
                {
                    senses.Add(sense.ToString());
                }
            }
        }

        Flush();
        return new CedictData(entries);

        void Flush()
        {
            if (simplified is not null && senses.Count > 0)
            {
                entries[simplified] = new CedictEntry(simplified, [.. traditional], [.. senses]);
            }

            traditional.Clear();
            senses.Clear();
        }
    }

    // Length of the longest headword at the start of the text, or 0.
    public int LongestHeadword(ReadOnlySpan<char> text)
    {
        var longest = Math.Min(_longestHeadwordByFirstUnit[text[0]], text.Length);
        for (var length = longest; length > 0; length--)
        {
            if (Lookup.ContainsKey(text[..length]))
            {
                return length;
            }
        }

        return 0;
    }
}
