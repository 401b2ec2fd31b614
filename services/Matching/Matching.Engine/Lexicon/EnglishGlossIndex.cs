namespace Matchmaking.Matching.Engine.Lexicon;

// English → Chinese through CC-CEDICT's glosses inverted. Every normalised gloss piece ("warp",
// "injection molding") is a key, and so is every shorter run of words inside a piece of up to
// MaxPartialPieceWords words ("molding" in "injection molding"), at a lower weight. A posting's
// weight is fixed at build time so that a lookup is one dictionary probe and a sort.
internal sealed class EnglishGlossIndex
{
    private const int MaxPieceWords = 8;
    private const int MaxPartialPieceWords = 5;

    private readonly Dictionary<string, List<Posting>> _postings;
    private readonly Dictionary<string, List<Posting>>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string[] _words;

    private EnglishGlossIndex(Dictionary<string, List<Posting>> postings, string[] words)
    {
        _postings = postings;
        _lookup = postings.GetAlternateLookup<ReadOnlySpan<char>>();
        _words = words;
    }

    public int KeyCount => _postings.Count;

    public static EnglishGlossIndex Build(IReadOnlyList<(string Word, string[] Senses)> entries)
    {
        var postings = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        var lookup = postings.GetAlternateLookup<ReadOnlySpan<char>>();
        var words = new string[entries.Count];
        for (var entry = 0; entry < entries.Count; entry++)
        {
            var (word, senses) = entries[entry];
            words[entry] = word;

            // A word with many senses is a weaker translation of any one of them; CC-CEDICT also
            // lists a word's main senses first.
            var senseWeight = 1 / Math.Sqrt(senses.Length);
            for (var sense = 0; sense < senses.Length; sense++)
            {
                var weight = senseWeight * (1 - 0.04 * Math.Min(sense, 10));
                foreach (var piece in GlossText.Pieces(senses[sense]))
                {
                    if (piece.Length > MaxPieceWords)
                    {
                        continue;
                    }

                    var joined = string.Join(' ', piece);
                    Add(lookup, joined, entry, (float)weight);
                    if (piece.Length > MaxPartialPieceWords)
                    {
                        continue;
                    }

                    // Partial matches: contiguous runs that neither start nor end with a stop word.
                    var offset = 0;
                    var offsets = new int[piece.Length];
                    for (var i = 0; i < piece.Length; i++)
                    {
                        offsets[i] = offset;
                        offset += piece[i].Length + 1;
                    }

                    for (var length = 1; length < piece.Length; length++)
                    {
                        for (var start = 0; start + length <= piece.Length; start++)
                        {
                            if (GlossText.StopWords.Contains(piece[start]) || GlossText.StopWords.Contains(piece[start + length - 1]))
                            {
                                continue;
                            }

                            var end = start + length - 1;
                            var span = joined.AsSpan(offsets[start], offsets[end] + piece[end].Length - offsets[start]);
                            Add(lookup, span, entry, (float)(weight * 0.5 * length / piece.Length));
                        }
                    }
                }
            }
        }

        return new EnglishGlossIndex(postings, words);
    }

    // Entries are added in order, so a repeat for the same entry is always the list's last item.
    private static void Add(Dictionary<string, List<Posting>>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> key, int entry, float weight)
    {
        if (!lookup.TryGetValue(key, out var list))
        {
            list = new List<Posting>(1);
            lookup[key] = list;
        }

        if (list.Count > 0 && list[^1].Entry == entry)
        {
            if (list[^1].Weight < weight)
            {
                list[^1] = new Posting(entry, weight);
            }

            return;
        }

        list.Add(new Posting(entry, weight));
    }

    public IReadOnlyList<(string Chinese, double Weight)> Find(string english, int limit)
    {
        var words = GlossText.Normalise(GlossText.Words(english.ToLowerInvariant()));
        if (words.Length == 0 || limit <= 0)
        {
            return [];
        }

        var found = Probe(string.Join(' ', words));
        if (found is null && Singular(words[^1]) is { } singular)
        {
            // "moulds" finds the glosses of "mold"; a slight discount keeps exact forms ahead.
            words[^1] = singular;
            found = Probe(string.Join(' ', words));
            if (found is not null)
            {
                return Rank(found, limit, 0.9);
            }
        }

        return found is null ? [] : Rank(found, limit, 1);
    }

    private List<Posting>? Probe(string key) => _lookup.TryGetValue(key, out var list) ? list : null;

    private List<(string Chinese, double Weight)> Rank(List<Posting> postings, int limit, double factor)
    {
        var ranked = postings
            .OrderByDescending(p => p.Weight)
            .ThenBy(p => _words[p.Entry].Length)
            .ThenBy(p => _words[p.Entry], StringComparer.Ordinal)
            .Take(limit)
            .Select(p => (_words[p.Entry], Math.Round(p.Weight * factor, 4)))
            .ToList();
        return ranked;
    }

    private static string? Singular(string word) => word switch
    {
        { Length: > 4 } when word.EndsWith("ies", StringComparison.Ordinal) => word[..^3] + "y",
        { Length: > 4 } when word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) => word[..^2],
        { Length: > 3 } when word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) => word[..^1],
        _ => null,
    };

    private readonly record struct Posting(int Entry, float Weight);
}
