namespace Matchmaking.Matching.Engine.Lexicon;

internal sealed class CedictEntry(string simplified, string[] traditional, string senses, string[]? formSenses = null)
{
    private string[]? _senses;
    private string[]? _interleaved;

    public string Simplified { get; } = simplified;

    public string[] Traditional { get; } = traditional;

    // The senses as stored ('/'-separated, one run per Traditional form); split on first use so that
    // loading allocates one string per line rather than one per sense.
    public string RawSenses { get; } = senses;

    // A race here only splits the same string twice; the array is never mutated once published.
    public string[] Senses => _senses ??= Split(RawSenses);

    // The senses of each Traditional form ('/'-separated), in the order of Traditional.
    public string[] FormSenses { get; } = formSenses ?? [senses];

    // The senses of one written form, or null when the entry has no such form.
    public string[]? SensesOf(ReadOnlySpan<char> written)
    {
        if (Traditional.Length == 1)
        {
            return written.SequenceEqual(Traditional[0]) ? Senses : null;
        }

        for (var i = 0; i < Traditional.Length; i++)
        {
            if (written.SequenceEqual(Traditional[i]))
            {
                return Split(FormSenses[i]);
            }
        }

        return null;
    }

    // The senses of every form, taken in turn: each form's first sense, then each one's second, and so on, the form
    // with more senses (the commoner word, as a rule) first. Concatenating them in file order would put a rare
    // reading ahead of the common one (听 "smile (archaic)" before 聽 "to listen").
    public string[] InterleavedSenses => _interleaved ??= Interleave();

    private string[] Interleave()
    {
        if (Traditional.Length == 1)
        {
            return Senses;
        }

        var forms = FormSenses.Select(Split).OrderByDescending(senses => senses.Length).ToList();
        var result = new List<string>();
        for (var rank = 0; forms.Any(senses => rank < senses.Length); rank++)
        {
            foreach (var senses in forms)
            {
                if (rank < senses.Length && !Listed(result, senses[rank]))
                {
                    result.Add(senses[rank]);
                }
            }
        }

        return [.. result];
    }

    private static string[] Split(string raw)
    {
        var senses = new List<string>(4);
        foreach (var range in raw.AsSpan().Split('/'))
        {
            var sense = raw.AsSpan()[range];
            if (!sense.IsEmpty && !Listed(senses, sense))
            {
                senses.Add(sense.ToString());
            }
        }

        return [.. senses];
    }

    private static bool Listed(List<string> senses, ReadOnlySpan<char> sense)
    {
        foreach (var listed in senses)
        {
            if (sense.SequenceEqual(listed))
            {
                return true;
            }
        }

        return false;
    }
}

// The parsed cedict.tsv.gz: one entry per Simplified headword (lines arrive sorted by it, one per
// Traditional form), plus what forward maximum matching needs.
internal sealed class CedictData
{
    private readonly byte[] _longestHeadwordByFirstUnit = new byte[char.MaxValue + 1];

    private CedictData(Dictionary<string, CedictEntry> lookup, List<CedictEntry> entries)
    {
        Lookup = lookup.GetAlternateLookup<ReadOnlySpan<char>>();
        Entries = entries;
        foreach (var word in lookup.Keys)
        {
            ref var longest = ref _longestHeadwordByFirstUnit[word[0]];
            longest = (byte)Math.Max(longest, Math.Min(word.Length, byte.MaxValue));
            MaxWordLength = Math.Max(MaxWordLength, word.Length);
        }
    }

    public Dictionary<string, CedictEntry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    // In file order (ordinal by Simplified headword); the English index refers to entries by position.
    public IReadOnlyList<CedictEntry> Entries { get; }

    public int MaxWordLength { get; }

    public static CedictData Load()
    {
        var text = LexiconData.ReadAll(LexiconData.Cedict);
        var lookup = new Dictionary<string, CedictEntry>(120_000, StringComparer.Ordinal);
        var entries = new List<CedictEntry>(120_000);
        string? simplified = null;
        var traditional = new List<string>(4);
        var senses = new List<string>(4);

        foreach (var lineRange in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan()[lineRange];
            var first = line.IndexOf('\t');
            var second = first < 0 ? -1 : line[(first + 1)..].IndexOf('\t') + first + 1;
            if (first <= 0 || second <= first)
            {
                continue;
            }

            var headword = line[..first];
            if (simplified is null || !headword.SequenceEqual(simplified))
            {
                Flush();
                simplified = headword.ToString();
            }

            var form = line[(first + 1)..second];
            traditional.Add(form.SequenceEqual(simplified) ? simplified : form.ToString());
            senses.Add(line[(second + 1)..].ToString());
        }

        Flush();
        return new CedictData(lookup, entries);

        void Flush()
        {
            if (simplified is not null && senses.Count > 0)
            {
                var entry = senses.Count == 1
                    ? new CedictEntry(simplified, [.. traditional], senses[0])
                    : new CedictEntry(simplified, [.. traditional], string.Join('/', senses), [.. senses]);
                lookup[simplified] = entry;
                entries.Add(entry);
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
