using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Matchmaking.Matching.Engine.Analysis;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Matchmaking.Matching.Engine;

/// <summary>
/// The embedded index: one <see cref="IndexWriter"/> on a directory on disk and a near-real-time
/// <see cref="SearcherManager"/>. Every write is committed and refreshed before it returns.
/// </summary>
public sealed partial class LuceneListingIndex : IListingIndex
{
    private const int SnippetLength = 200;

    private static readonly Similarity s_similarity = new BM25Similarity();
    private static readonly Sort s_newestFirst = new(new SortField(ListingDocument.UpdatedAt, SortFieldType.INT64, reverse: true));

    // Per segment, cached: open candidates of each kind. A listing that closes is re-added to a new segment and
    // its old copy deleted, so cached segments never go stale.
    private readonly Dictionary<ListingKind, Filter> _openCandidates = Enum.GetValues<ListingKind>().ToDictionary(
        kind => kind,
        kind => (Filter)new CachingWrapperFilter(new QueryWrapperFilter(new BooleanQuery
        {
            { new TermQuery(new Term(ListingDocument.Kind, ListingDocument.KindValue(kind))), Occur.MUST },
            { new TermQuery(new Term(ListingDocument.Open, ListingDocument.Yes)), Occur.MUST },
        })));

    private readonly ListingAnalyzer _analyzer = new();
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;

    // Operations share the lock; Dispose takes it alone, so nothing runs on a closed writer.
    private readonly ReaderWriterLockSlim _lifetime = new(LockRecursionPolicy.SupportsRecursion);
    private bool _disposed;

    public LuceneListingIndex(string directoryPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryPath);
        System.IO.Directory.CreateDirectory(directoryPath);
        _directory = FSDirectory.Open(directoryPath);
        try
        {
            _writer = new IndexWriter(_directory, new IndexWriterConfig(ListingAnalyzer.Version, _analyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = s_similarity,
            });
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory());
        }
        catch
        {
            _writer?.Dispose();
            _directory.Dispose();
            _analyzer.Dispose();
            throw;
        }
    }

    public void Upsert(Listing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        Write(() => _writer.UpdateDocument(ListingDocument.IdTerm(listing.Id), ListingDocument.ToDocument(listing)));
    }

    public void UpsertMany(IEnumerable<Listing> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        Write(() =>
        {
            foreach (var listing in listings)
            {
                _writer.UpdateDocument(ListingDocument.IdTerm(listing.Id), ListingDocument.ToDocument(listing));
            }
        });
    }

    public void Delete(Guid id) => Write(() => _writer.DeleteDocuments(ListingDocument.IdTerm(id)));

    public void Clear() => Write(_writer.DeleteAll);

    public Listing? Get(Guid id) => Read(searcher =>
    {
        var hits = searcher.Search(new TermQuery(ListingDocument.IdTerm(id)), 1).ScoreDocs;
        return hits.Length == 0 ? null : ListingDocument.FromDocument(searcher.Doc(hits[0].Doc));
    });

    public int Count(ListingKind kind) => Read(searcher =>
    {
        var counter = new TotalHitCountCollector();
        searcher.Search(new TermQuery(new Term(ListingDocument.Kind, ListingDocument.KindValue(kind))), counter);
        return counter.TotalHits;
    });

    public SearchResult Search(SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Read(searcher =>
        {
            var ranked = !string.IsNullOrWhiteSpace(request.Query);
            Query query;
            if (ranked)
            {
                var terms = WeightedTerms.FromQuery(_analyzer, request.Query!);
                var (textQuery, clauses) = WeightedTerms.BuildQuery(searcher.IndexReader, terms.Take(WeightedTerms.MaxTerms));
                if (clauses.Count == 0)
                {
                    return new SearchResult(0, [], new Dictionary<string, int>());
                }

                query = textQuery;
            }
            else
            {
                query = new MatchAllDocsQuery();
            }

            var skip = Math.Max(0, request.Skip);
            var take = Math.Max(0, request.Take);
            var wanted = Math.Max(1, skip + take);
            ITopDocsCollector top = ranked
                ? TopScoreDocCollector.Create(wanted, docsScoredInOrder: false)
                : TopFieldCollector.Create(s_newestFirst, wanted, fillFields: false, trackDocScores: false, trackMaxScore: false, docsScoredInOrder: false);
            var facets = new SectorFacetCollector();
            searcher.Search(query, new QueryWrapperFilter(SearchFilter(request)), MultiCollector.Wrap((ICollector)top, facets));

            var highlighter = ranked
                ? new Highlighter(new PlainText(), new QueryScorer(query, ListingDocument.Body)) { TextFragmenter = new SimpleFragmenter(SnippetLength) }
                : null;
            var items = top.GetTopDocs(skip, take).ScoreDocs
                .Select(hit =>
                {
                    var listing = ListingDocument.FromDocument(searcher.Doc(hit.Doc));
                    return new SearchHit(
                        listing.Id,
                        listing.Kind,
                        listing.OrganisationId,
                        listing.Title,
                        Snippet(highlighter, listing.Body),
                        float.IsNaN(hit.Score) ? 0 : hit.Score,
                        listing.Language,
                        listing.Visibility);
                })
                .ToList();

            return new SearchResult(top.TotalHits, items, facets.Counts());
        });
    }

    public IReadOnlyList<MatchCandidate> Match(Listing listing, int top)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (top <= 0)
        {
            return [];
        }

        return Read<IReadOnlyList<MatchCandidate>>(searcher =>
        {
            var terms = WeightedTerms.Select(searcher.IndexReader, WeightedTerms.FromListing(_analyzer, listing));
            var (query, clauses) = WeightedTerms.BuildQuery(searcher.IndexReader, terms);
            if (clauses.Count == 0)
            {
                return [];
            }

            // The opposite kind already excludes the listing itself, unless an id is reused across kinds.
            query.Add(new TermQuery(ListingDocument.IdTerm(listing.Id)), Occur.MUST_NOT);
            var candidateKind = listing.Kind == ListingKind.Technology ? ListingKind.Need : ListingKind.Technology;
            var hits = searcher.Search(query, _openCandidates[candidateKind], top).ScoreDocs;
            var contributions = MatchExplainer.Contributions(searcher, clauses, hits);

            return hits
                .Select(hit =>
                {
                    var (id, organisation) = ListingDocument.ReadIds(searcher.IndexReader, hit.Doc);
                    return new MatchCandidate(
                        id,
                        organisation,
                        hit.Score,
                        MatchExplainer.Explain(candidateKind, contributions[hit.Doc]));
                })
                .ToList();
        });
    }

    public void Dispose()
    {
        _lifetime.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                _writer.Commit();
            }
            finally
            {
                _searchers.Dispose();
                _writer.Dispose();
                _directory.Dispose();
                _analyzer.Dispose();
            }
        }
        finally
        {
            _lifetime.ExitWriteLock();
        }
    }

    private static Query SearchFilter(SearchRequest request)
    {
        var filter = new BooleanQuery { { new TermQuery(new Term(ListingDocument.Open, ListingDocument.Yes)), Occur.MUST } };
        if (request.Kind is { } kind)
        {
            filter.Add(new TermQuery(new Term(ListingDocument.Kind, ListingDocument.KindValue(kind))), Occur.MUST);
        }

        if (!string.IsNullOrEmpty(request.Sector))
        {
            filter.Add(new TermQuery(new Term(ListingDocument.Sector, request.Sector)), Occur.MUST);
        }

        if (request.MinTrl is { } minTrl)
        {
            filter.Add(NumericRangeQuery.NewInt32Range(ListingDocument.Trl, minTrl, null, minInclusive: true, maxInclusive: true), Occur.MUST);
        }

        if (!request.IncludeStaffOnly)
        {
            var visible = new BooleanQuery
            {
                {
                    new BooleanQuery
                    {
                        { new MatchAllDocsQuery(), Occur.MUST },
                        { new TermQuery(new Term(ListingDocument.Visibility, ListingVisibility.StaffOnly)), Occur.MUST_NOT },
                    },
                    Occur.SHOULD
                },
            };
            if (request.ViewerOrganisationId is { } viewer)
            {
                visible.Add(new TermQuery(new Term(ListingDocument.Organisation, viewer.ToString("N"))), Occur.SHOULD);
            }

            filter.Add(visible, Occur.MUST);
        }

        return filter;
    }

    private string Snippet(Highlighter? highlighter, string body)
    {
        var fragment = highlighter?.GetBestFragment(_analyzer, ListingDocument.Body, body);
        if (!string.IsNullOrWhiteSpace(fragment))
        {
            return Whitespace().Replace(fragment, " ").Trim();
        }

        var text = Whitespace().Replace(body, " ").Trim();
        if (text.Length <= SnippetLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', SnippetLength);
        return string.Concat(text.AsSpan(0, cut > SnippetLength / 2 ? cut : SnippetLength), "…");
    }

    private void Write(Action write)
    {
        _lifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            write();
            _writer.Commit();
            _searchers.MaybeRefreshBlocking();
        }
        finally
        {
            _lifetime.ExitReadLock();
        }
    }

    private T Read<T>(Func<IndexSearcher, T> read)
    {
        _lifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var searcher = _searchers.Acquire();
            try
            {
                return read(searcher);
            }
            finally
            {
                _searchers.Release(searcher);
            }
        }
        finally
        {
            _lifetime.ExitReadLock();
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = s_similarity };
    }

    // Snippets are plain text: the caller decides how to mark terms up.
    private sealed class PlainText : IFormatter
    {
        public string HighlightTerm(string originalText, TokenGroup tokenGroup) => originalText;
    }
}
