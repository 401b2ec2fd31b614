using System.Globalization;
using System.Text;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Lexicon;

// English → Chinese through CC-CEDICT's senses inverted. Every normalised gloss piece ("warp",
// "injection molding") is a key, and so is every run of one or two words inside a piece of up to
// MaxPartialPieceWords words ("molding" in "injection molding"), at a lower weight. A posting's
// weight is fixed at build time so that a lookup is a few binary searches and a sort.
//
// Building takes a second of CPU on this project's machines (a million words through the gloss
// normaliser), so the engine loads the same index precomputed in cedict-en.tsv.gz instead; Build is
// the index's definition, and a test checks that the shipped file is exactly what it produces from
// the shipped dictionary (and rewrites it on request, see build-lexicon.mjs).
internal sealed class EnglishGlossIndex
{
    public const string FormatHeader = "# cedict-en 1";

    private const int MaxPieceWords = 8;
    private const int MaxPartialPieceWords = 5;

    // Longer runs inside a piece are rarely asked for and would add a third more keys.
    private const int MaxPartialRunWords = 2;

    // A query found only through its lemma ("cooling" → "cool") ranks below an exact form.
    private const double LemmaDiscount = 0.8;

    // Weights are kept to four decimals so that a built and a loaded index are the same.
    private const int WeightScale = 10_000;

    // Keys sorted ordinally and stored back to back: key k is _keyText[_keyOffsets[k] .. _keyOffsets[k + 1]).
    // Postings grouped by key: key k owns _entries/_weights[_postingOffsets[k] .. _postingOffsets[k + 1]),
    // ascending by entry. A few flat arrays load fast and keep the GC out of a few hundred thousand keys.
    private readonly string _keyText;
    private readonly int[] _keyOffsets;
    private readonly int[] _postingOffsets;
    private readonly int[] _entries;
    private readonly float[] _weights;
    private readonly string[] _words;

    private EnglishGlossIndex(string keyText, int[] keyOffsets, int[] postingOffsets, int[] entries, float[] weights, string[] words)
    {
        _keyText = keyText;
        _keyOffsets = keyOffsets;
        _postingOffsets = postingOffsets;
        _entries = entries;
        _weights = weights;
        _words = words;
    }

    public int KeyCount => _keyOffsets.Length - 1;

    public int PostingCount => _entries.Length;

    public static EnglishGlossIndex Build(IReadOnlyList<CedictEntry> entries)
    {
        var builder = new Builder();
        var gloss = GlossText.ForIndexing();
        var words = new string[entries.Count];
        var offsets = new int[MaxPieceWords + 1];
        var stop = new bool[MaxPieceWords + 1];
        var joined = new char[256];
        for (var entry = 0; entry < entries.Count; entry++)
        {
            words[entry] = entries[entry].Simplified;

            // Headwords without a Han character ("88", "3C", bopomofo) are no Chinese translation.
            if (!Scripts.ContainsHan(words[entry]))
            {
                continue;
            }

            // Straight from the stored text: CedictEntry.Senses would cache every entry's split senses.
            var raw = entries[entry].RawSenses;
            var pieces = new List<List<string[]>>(4);
            var pieceCount = 0;
            foreach (var range in raw.AsSpan().Split('/'))
            {
                var sensePieces = gloss.Pieces(raw.AsSpan()[range]);
                pieces.Add(sensePieces);
                pieceCount += sensePieces.Count;
            }

            // A word glossed in many ways ("water" among the five elements of 五行, or the dozen senses
            // of 水) is a weaker translation of any one of them; CC-CEDICT lists main senses first.
            var ambiguity = 1 / Math.Sqrt(Math.Max(1, pieceCount));
            for (var sense = 0; sense < pieces.Count; sense++)
            {
                var weight = ambiguity * (1 - 0.04 * Math.Min(sense, 10));
                foreach (var piece in pieces[sense])
                {
                    if (piece.Length > MaxPieceWords)
                    {
                        continue;
                    }

                    var length = 0;
                    for (var i = 0; i < piece.Length; i++)
                    {
                        offsets[i] = length;
                        length += piece[i].Length + 1;
                    }

                    if (length > joined.Length)
                    {
                        joined = new char[length * 2];
                    }

                    for (var i = 0; i < piece.Length; i++)
                    {
                        piece[i].CopyTo(joined.AsSpan(offsets[i]));
                        joined[offsets[i] + piece[i].Length] = ' ';
                    }

                    builder.Add(joined.AsSpan(0, length - 1), entry, (float)weight);
                    if (piece.Length > MaxPartialPieceWords)
                    {
                        continue;
                    }

                    // Partial matches: contiguous runs that neither start nor end with a stop word,
                    // weighted by the share of the piece they cover.
                    for (var i = 0; i < piece.Length; i++)
                    {
                        stop[i] = GlossText.StopWords.Contains(piece[i]);
                    }

                    for (var run = 1; run < piece.Length && run <= MaxPartialRunWords; run++)
                    {
                        for (var start = 0; start + run <= piece.Length; start++)
                        {
                            var end = start + run - 1;
                            if (stop[start] || stop[end])
                            {
                                continue;
                            }

                            var span = joined.AsSpan(offsets[start], offsets[end] + piece[end].Length - offsets[start]);
                            builder.Add(span, entry, (float)(weight * 0.5 * run / piece.Length));
                        }
                    }
                }
            }
        }

        return builder.Build(words);
    }

    // Collects (key, entry, weight) postings, keeping the best weight per key and entry, then groups
    // them by key with a counting sort.
    private sealed class Builder
    {
        private readonly Dictionary<string, int> _keys = new(200_000, StringComparer.Ordinal);
        private readonly List<string> _keysById = new(200_000);
        private readonly List<(int Key, int Entry, float Weight)> _postings = new(600_000);
        private readonly List<int> _lastPosting = new(200_000);
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public Builder() => _lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();

            public void Add(ReadOnlySpan<char> key, int entry, float weight)
        {
            if (!_lookup.TryGetValue(key, out var id))
            {
                id = _keys.Count;
                var text = key.ToString();
                _keys[text] = id;
                _keysById.Add(text);
                _lastPosting.Add(-1);
            }

            // Entries are added in order, so a repeat for the same entry is the key's last posting.
            var last = _lastPosting[id];
            if (last >= 0 && _postings[last].Entry == entry)
            {
                if (_postings[last].Weight < weight)
                {
                    _postings[last] = (id, entry, weight);
                }

                return;
            }

            _lastPosting[id] = _postings.Count;
            _postings.Add((id, entry, weight));
        }

        public EnglishGlossIndex Build(string[] words)
        {
            var postingCounts = new int[_keys.Count];
            foreach (var posting in _postings)
            {
                postingCounts[posting.Key]++;
            }

            // Postings were appended in entry order, so a stable counting sort by key keeps each
            // key's postings ascending by entry.
            var keys = _keysById.ToArray();
            var order = Enumerable.Range(0, keys.Length).ToArray();
            Array.Sort(keys, order, StringComparer.Ordinal);
            var rank = new int[keys.Length];
            for (var i = 0; i < order.Length; i++)
            {
                rank[order[i]] = i;
            }

            var keyOffsets = new int[keys.Length + 1];
            var postingOffsets = new int[keys.Length + 1];
            for (var i = 0; i < keys.Length; i++)
            {
                keyOffsets[i + 1] = keyOffsets[i] + keys[i].Length;
                postingOffsets[i + 1] = postingOffsets[i] + postingCounts[order[i]];
            }

            var next = postingOffsets[..^1];
            var entries = new int[_postings.Count];
            var weights = new float[_postings.Count];
            foreach (var (key, entry, weight) in _postings)
            {
                var at = next[rank[key]]++;
                entries[at] = entry;
                weights[at] = Quantise((int)Math.Round(weight * (double)WeightScale));
            }

            return new EnglishGlossIndex(string.Concat(keys), keyOffsets, postingOffsets, entries, weights, words);
        }
    }

    private static float Quantise(int scaled) => (float)((double)scaled / WeightScale);

    // One line per key: "key \t delta:weight delta:weight …", the entry numbers delta-coded in
    // ascending order and the weights scaled by WeightScale. The header names the entry count so
    // that an index cannot be paired with another dictionary.
    public string ToText()
    {
        var builder = new StringBuilder(8 * 1024 * 1024);
        builder.Append(FormatHeader).Append(" entries=").Append(_words.Length).Append('\n');
        for (var key = 0; key < KeyCount; key++)
        {
            builder.Append(_keyText, _keyOffsets[key], _keyOffsets[key + 1] - _keyOffsets[key]).Append('\t');
            var previous = 0;
            for (var at = _postingOffsets[key]; at < _postingOffsets[key + 1]; at++)
            {
                if (at > _postingOffsets[key])
                {
                    builder.Append(' ');
                }

                builder.Append(_entries[at] - previous).Append(':').Append((int)Math.Round(_weights[at] * (double)WeightScale));
                previous = _entries[at];
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    public static EnglishGlossIndex Parse(string text, IReadOnlyList<CedictEntry> entries)
    {
        var words = entries.Select(e => e.Simplified).ToArray();
        var lines = text.AsSpan();
        var headerEnd = lines.IndexOf('\n');
        var expectedHeader = $"{FormatHeader} entries={words.Length}";
        if (headerEnd < 0 || !lines[..headerEnd].SequenceEqual(expectedHeader))
        {
            throw new InvalidOperationException(
                $"The embedded English index does not match the embedded dictionary ({expectedHeader} expected); regenerate it with build-lexicon.mjs.");
        }

        var keyText = new StringBuilder(text.Length / 3);
        var keyOffsets = new List<int>(200_000) { 0 };
        var postingOffsets = new List<int>(200_000) { 0 };
        var postingEntries = new List<int>(600_000);
        var postingWeights = new List<float>(600_000);
        foreach (var range in lines[(headerEnd + 1)..].Split('\n'))
        {
            var line = lines[(headerEnd + 1)..][range];
            var tab = line.IndexOf('\t');
            if (tab <= 0)
            {
                continue;
            }

            keyText.Append(line[..tab]);
            keyOffsets.Add(keyText.Length);
            var entry = 0;
            foreach (var postingRange in line[(tab + 1)..].Split(' '))
            {
                var posting = line[(tab + 1)..][postingRange];
                var colon = posting.IndexOf(':');
                entry += int.Parse(posting[..colon], NumberStyles.None, CultureInfo.InvariantCulture);
                if ((uint)entry >= (uint)words.Length)
                {
                    throw new InvalidOperationException("The embedded English index names an entry the dictionary does not have; regenerate it.");
                }

                postingEntries.Add(entry);
                postingWeights.Add(Quantise(int.Parse(posting[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture)));
            }

            postingOffsets.Add(postingEntries.Count);
        }

        return new EnglishGlossIndex(keyText.ToString(), [.. keyOffsets], [.. postingOffsets], [.. postingEntries], [.. postingWeights], words);
    }

    public IReadOnlyList<(string Chinese, double Weight)> Find(string english, int limit)
    {
        var words = GlossText.ForQuery().Words(english);
        if (words.Length == 0 || limit <= 0)
        {
            return [];
        }

        var best = new Dictionary<int, double>();
        Collect(best, string.Join(' ', words), 1);

        // Inflected queries also reach the base form: "moulds" → "mold", "cooling" → "cool".
        var last = words[^1];
        foreach (var lemma in Lemmas(last))
        {
            words[^1] = lemma;
            Collect(best, string.Join(' ', words), LemmaDiscount);
        }

        return [.. best
            .OrderByDescending(p => p.Value)
            .ThenBy(p => _words[p.Key].Length)
            .ThenBy(p => _words[p.Key], StringComparer.Ordinal)
            .Take(limit)
            .Select(p => (_words[p.Key], Math.Round(p.Value, 4)))];
    }

    private void Collect(Dictionary<int, double> best, string key, double factor)
    {
        var id = IndexOf(key);
        if (id < 0)
        {
            return;
        }

        for (var at = _postingOffsets[id]; at < _postingOffsets[id + 1]; at++)
        {
            var weight = _weights[at] * factor;
            if (!best.TryGetValue(_entries[at], out var current) || current < weight)
            {
                best[_entries[at]] = weight;
            }
        }
    }

    private int IndexOf(ReadOnlySpan<char> key)
    {
        int low = 0, high = KeyCount - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var comparison = _keyText.AsSpan(_keyOffsets[middle], _keyOffsets[middle + 1] - _keyOffsets[middle]).SequenceCompareTo(key);
            if (comparison == 0)
            {
                return middle;
            }

            if (comparison < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    // Candidate base forms of an English word; wrong guesses ("mak" for "making") find nothing.
    private static IEnumerable<string> Lemmas(string word)
    {
        if (word.Length <= 3)
        {
            yield break;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) || word.EndsWith("ied", StringComparison.Ordinal))
        {
            yield return word[..^3] + "y";
        }
        else if (word.EndsWith("es", StringComparison.Ordinal))
        {
            yield return word[..^2];
            yield return word[..^1];
        }
        else if (word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal))
        {
            yield return word[..^1];
        }
        else if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            foreach (var stem in Stems(word[..^3]))
            {
                yield return stem;
            }
        }
        else if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            foreach (var stem in Stems(word[..^2]))
            {
                yield return stem;
            }
        }
    }

    // cool → cool; mak → make; cutt → cut
    private static IEnumerable<string> Stems(string stem)
    {
        yield return stem;
        yield return stem + "e";
        if (stem.Length > 2 && stem[^1] == stem[^2])
        {
            yield return stem[..^1];
        }
    }
}
