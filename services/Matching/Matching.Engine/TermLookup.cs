using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;

namespace Matchmaking.Matching.Engine;

// Term statistics for many terms of one reader, with one terms enumerator per segment and field. Not thread-safe:
// one per reader per thread, which is what For hands out. A reader never changes, so what was looked up in it is kept
// for as long as it lives (shared by every thread): a match looks up some four hundred terms, each in every segment,
// and the next match over the same reader mostly asks for the same words again.
internal sealed class TermLookup
{
    // Terms kept per reader; past this the lookups go on uncached until the next reader (after the next write).
    private const int MaxCachedTerms = 100_000;

    private static readonly ConditionalWeakTable<IndexReader, ConcurrentDictionary<(string Field, string Text), (Term Term, TermContext Context)>> s_cache = [];

    [ThreadStatic]
    private static TermLookup? t_current;

    private readonly IndexReader _reader;
    private readonly Dictionary<string, TermsEnum?[]> _enumerators = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string Field, string Text), (Term Term, TermContext Context)> _cache;

    private TermLookup(IndexReader reader)
    {
        _reader = reader;
        _cache = s_cache.GetValue(reader, _ => new ConcurrentDictionary<(string Field, string Text), (Term Term, TermContext Context)>());
    }

    // The lookup for this reader on this thread; a new reader (after a write) gets a fresh one.
    public static TermLookup For(IndexReader reader)
    {
        var current = t_current;
        if (current is null || !ReferenceEquals(current._reader, reader))
        {
            t_current = current = new TermLookup(reader);
        }

        return current;
    }

    public (Term Term, TermContext Context) Stats(string field, string text)
    {
        if (_cache.TryGetValue((field, text), out var cached))
        {
            return cached;
        }

        var found = Lookup(field, text);
        if (_cache.Count < MaxCachedTerms)
        {
            _cache.TryAdd((field, text), found);
        }

        return found;
    }

    private (Term Term, TermContext Context) Lookup(string field, string text)
    {
        var term = new Term(field, text);
        var context = new TermContext(_reader.Context);
        if (!_enumerators.TryGetValue(field, out var enumerators))
        {
            var leaves = _reader.Leaves;
            enumerators = new TermsEnum?[leaves.Count];
            for (var i = 0; i < leaves.Count; i++)
            {
                enumerators[i] = leaves[i].AtomicReader.GetTerms(field)?.GetEnumerator();
            }

            _enumerators[field] = enumerators;
        }

        var bytes = term.Bytes;
        var leavesList = _reader.Leaves;
        for (var i = 0; i < enumerators.Length; i++)
        {
            var terms = enumerators[i];
            if (terms is not null && terms.SeekExact(bytes))
            {
                context.Register(terms.GetTermState(), leavesList[i].Ord, terms.DocFreq, terms.TotalTermFreq);
            }
        }

        return (term, context);
    }
}
