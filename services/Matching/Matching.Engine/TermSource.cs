using Lucene.Net.Index;

namespace Matchmaking.Matching.Engine;

// A term's statistics as the query plan needs them: how many listings hold it, and (Lucene only) the per-segment
// state its query can reuse instead of looking the term up again.
internal readonly record struct TermStats(Term Term, TermContext? Context, int DocFreq);

// Where the query plan looks terms up: the Lucene index itself, or another store's statistics (Elasticsearch), so
// both adapters plan, and therefore rank, with the same code.
internal interface ITermSource
{
    // Listings in the index, for idf.
    int NumDocs { get; }

    TermStats Stats(string field, string text);
}

internal sealed class ReaderTermSource(IndexReader reader) : ITermSource
{
    public int NumDocs => reader.NumDocs;

    public TermStats Stats(string field, string text)
    {
        var (term, context) = TermLookup.For(reader).Stats(field, text);
        return new TermStats(term, context, context.DocFreq);
    }
}
