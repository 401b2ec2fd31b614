using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Matchmaking.Matching.Engine;

// Counts every hit's sector from doc values, alongside the collector that keeps the top hits.
internal sealed class SectorFacetCollector : ICollector
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private SortedDocValues? _sectors;
    private int[] _ordinalCounts = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        _sectors = context.AtomicReader.GetSortedDocValues(ListingDocument.Sector);
        _ordinalCounts = _sectors is null ? [] : new int[_sectors.ValueCount];
    }

    public void Collect(int doc)
    {
        var ordinal = _sectors?.GetOrd(doc) ?? -1;
        if (ordinal >= 0)
        {
            _ordinalCounts[ordinal]++;
        }
    }

    public IReadOnlyDictionary<string, int> Counts()
    {
        Flush();
        return _counts
            .OrderByDescending(x => x.Value)
            .ThenBy(x => x.Key, StringComparer.Ordinal)
            .ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
    }

    private void Flush()
    {
        if (_sectors is null)
        {
            return;
        }

        var scratch = new BytesRef();
        for (var ordinal = 0; ordinal < _ordinalCounts.Length; ordinal++)
        {
            if (_ordinalCounts[ordinal] == 0)
            {
                continue;
            }

            _sectors.LookupOrd(ordinal, scratch);
            var sector = scratch.Utf8ToString();
            _counts[sector] = _counts.GetValueOrDefault(sector) + _ordinalCounts[ordinal];
        }

        _sectors = null;
        _ordinalCounts = [];
    }
}
