using System.Text.RegularExpressions;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Documents;
using Lucene.Net.Util;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Matching.Engine.Semantic;
using Matchmaking.Text;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Matchmaking.Matching.Engine;

/// <summary>
/// The embedded index: one <see cref="IndexWriter"/> on a directory on disk and a near-real-time
/// <see cref="SearcherManager"/>. Every write is visible to searches when it returns. Single writes
/// (<see cref="Upsert"/>, <see cref="Delete"/>) reach the disk at the next commit, at most
/// <see cref="MatchingEngineOptions.CommitInterval"/> later (a commit is an fsync of every new file, about 25 ms
/// here, which would cap the service at some 40 listings a second); bulk writes commit before they return. After a
/// crash, <see cref="Held"/> tells the service which listings the last commit missed (see IndexReconciliation).
/// </summary>
public sealed partial class LuceneListingIndex : IListingIndex, IReconcilableIndex
{
    /// <summary>
    /// The version of the analysis and document layout an index was written with; an index written by another
    /// version reports <see cref="NeedsRebuild"/>, since its terms no longer meet the queries. 6: Chinese listings carry
    /// the key of their gloss's sentence vector, and every listing its own terms for exact scoring (DocumentTerms).
    /// 7: text fields without positions (the same terms, frequencies and scores; less to write and merge). 8: title,
    /// body and keywords stored but no longer indexed beside All; the listing's own terms keep the title's and the
    /// keywords' (DocumentTerms format 2), for explanations.
    /// </summary>
    public const string EngineVersion = "8";

    private const string EngineVersionKey = "matchmaking-engine";

    private const int SnippetLength = 200;

    // Candidates the ranking model reorders: the text score finds them, sector, TRL and freshness reorder them.
    private const int RerankDepth = 50;

    // Postings the first pass of a match may walk, and the clauses it keeps however common they are.
    private const int PostingsBudget = 30_000;
    private const int MinimumFirstPassClauses = 8;

    private const int IndexingChunk = 256;

    // Segments below this size count as this size when the merge policy picks merges (Lucene's default is 2 MB). Under
    // a stream of posts every batch's reopen flushes a segment of a few listings, and with the default floor they all
    // look alike, so the policy kept merging the largest of them (up to 2 MB) again with ten new tiny ones: at 40
    // listings a second the merge thread was 29% of Matching's processor time (perf, infra/load.sh's paced phase). With
    // 0.1 MB small segments merge with their like, a few times each. Measured as Matching's CPU per listing over
    // Research's in the same paced phase (a ratio: the machine's speed varies between runs, and Research's cost does not
    // depend on the index): 5.6-5.7 against 6.8-7.2 with the default, two runs each. A bulk write's segments (a rebuild's
    // 500 listings, about 1 MB) are alike either way; bench --sizes 20000 showed no difference beyond the machine's
    // variation between runs (0.56-0.97 ms of CPU per listing for either floor, alternated three times).
    private const double MergeFloorSegmentMB = 0.1;

    // NRTCachingDirectory: a flushed segment up to this size is kept in memory, up to this much in all.
    private const double NrtCacheMaxMergeMB = 4.0;
    private const double NrtCacheMaxCachedMB = 48.0;

    private static readonly double s_ticksPerYear = TimeSpan.FromDays(365).Ticks;
    private static readonly ParallelOptions s_indexingParallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

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

    private readonly MatchingEngineOptions _options;
    private readonly ListingAnalyzer _analyzer;
    private readonly ListingProfiler _profiler;
    private readonly DictionaryBridge _dictionary;
    private RankingWeights _weights;
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Timer? _committer;
    private readonly SemanticIndex? _semantic;

    // Background work failing now, by operation (IndexFault.Commit, IndexFault.Merge).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IndexFault> _faults = new();

    // Writes since the last commit; the committer commits when there are any.
    private long _uncommitted;
    private readonly System.Threading.Lock _commit = new();

    // Writes so far, and how many of them the current searcher sees (see RefreshUpTo).
    private long _written;
    private long _visible;
    private readonly System.Threading.Lock _refresh = new();

    // Operations share the lock; Dispose takes it alone, so nothing runs on a closed writer.
    private readonly ReaderWriterLockSlim _lifetime = new(LockRecursionPolicy.SupportsRecursion);
    private bool _disposed;

    public LuceneListingIndex(string directoryPath, MatchingEngineOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryPath);
        _options = options ?? new MatchingEngineOptions();
        _weights = _options.Weights;
        _analyzer = new ListingAnalyzer(_options.Glossary);
        _profiler = new ListingProfiler(_analyzer.Analyser, new ConceptMatcher(_options.Glossary, _analyzer.Analyser));
        _dictionary = new DictionaryBridge(_analyzer.Analyser);
        System.IO.Directory.CreateDirectory(directoryPath);
        // Small segments from near-real-time reopens stay in memory until a commit or merge writes them out, so a
        // single write does not create and delete files on disk each time.
        _directory = new NRTCachingDirectory(FSDirectory.Open(directoryPath), NrtCacheMaxMergeMB, NrtCacheMaxCachedMB);
        try
        {
            _writer = new IndexWriter(_directory, new IndexWriterConfig(ListingAnalyzer.Version, _analyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = s_similarity,
                MergeScheduler = new BackgroundMergeScheduler(error => Report(IndexFault.Merge, error)),
                MergePolicy = new TieredMergePolicy { FloorSegmentMB = MergeFloorSegmentMB },

                // One in-memory segment for every indexing thread: a bulk batch is still analysed on every core (the
                // most of its cost, see UpsertMany), but inverted into one segment, so each commit flushes one segment
                // rather than one per thread and there is half as much to merge later (lab, 6,000 bench listings in
                // batches of 500: 2.3-2.4 against 2.8-3.2 ms of process CPU per listing).
                MaxThreadStates = 1,
            });
            NeedsRebuild = WrittenByAnotherVersion(_directory);
            _writer.SetCommitData(new Dictionary<string, string> { [EngineVersionKey] = EngineVersion });
            _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25SearcherFactory());
            if (_options.CommitInterval > TimeSpan.Zero)
            {
                _committer = new Timer(_ => CommitPending(), null, _options.CommitInterval, _options.CommitInterval);
            }

            var gloss = new ChineseGloss(_dictionary, _profiler.Concepts);
            _semantic = SemanticIndex.Open(_options, directoryPath, (listing, profile) => gloss.Of(profile ?? _profiler.Profile(listing)));
            if (_semantic is not null)
            {
                var searcher = _searchers.Acquire();
                try
                {
                    _semantic.CatchUp(searcher);
                }
                finally
                {
                    _searchers.Release(searcher);
                }
            }
        }
        catch
        {
            _semantic?.Dispose();
            _writer?.Dispose();
            _directory.Dispose();
            _analyzer.Dispose();
            throw;
        }
    }

    public bool NeedsRebuild { get; }

    public RankingWeights Weights
    {
        get => Volatile.Read(ref _weights);
        set => Volatile.Write(ref _weights, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public void Upsert(Listing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var document = ToDocument(listing);
        Write(() => _writer.UpdateDocument(ListingDocument.IdTerm(listing.Id), document), durable: false);
    }

    public void UpsertMany(IEnumerable<Listing> listings, bool commit = true)
    {
        ArgumentNullException.ThrowIfNull(listings);
        Write(() =>
        {
            // Analysis is most of the cost of indexing, so a batch is analysed on every core; the writer inverts one
            // document at a time (MaxThreadStates), the next being analysed meanwhile. Chunks keep the order of the
            // batch: a listing given twice ends as its last copy.
            foreach (var chunk in listings.Chunk(IndexingChunk))
            {
                var latest = chunk.Reverse().DistinctBy(listing => listing.Id).ToArray();
                try
                {
                    Parallel.ForEach(latest, s_indexingParallelism, listing =>
                        _writer.UpdateDocument(ListingDocument.IdTerm(listing.Id), ToDocument(listing)));
                }
                catch (AggregateException exception) when (exception.InnerExceptions.Count == 1)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception.InnerExceptions[0]).Throw();
                }
            }
        }, durable: commit);
    }

    public void Delete(Guid id) => Write(() => _writer.DeleteDocuments(ListingDocument.IdTerm(id)), durable: false);

    public void Clear() => Write(_writer.DeleteAll, durable: true);

    /// <summary>Commits the writes not yet on disk, if any (the committer does it every <see cref="MatchingEngineOptions.CommitInterval"/>).</summary>
    public void Commit() => Write(() => { }, durable: true);

    /// <summary>Whether every write so far is on disk.</summary>
    public bool Committed => Interlocked.Read(ref _uncommitted) == 0;

    /// <summary>
    /// The oldest failure of the index's background work (the committer's commits, the segment merges) that has not
    /// been followed by a success of the same work; null when there is none. Searches and writes go on meanwhile, from
    /// memory: the health check reports it, since a commit that keeps failing (a full or failing disk) leaves more and
    /// more to re-apply at the next start.
    /// </summary>
    public IndexFault? BackgroundFault => _faults.Values.MinBy(fault => fault.Since);

    public IEnumerable<(Guid Id, DateTimeOffset UpdatedAt)> Held() => Read(searcher =>
    {
        var held = new List<(Guid, DateTimeOffset)>(searcher.IndexReader.NumDocs);
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var live = reader.LiveDocs;
            var updated = reader.GetNumericDocValues(ListingDocument.UpdatedAt);
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                if (live is null || live.Get(doc))
                {
                    var (id, _) = ListingDocument.ReadIds(searcher.IndexReader, leaf.DocBase + doc);
                    held.Add((id, new DateTimeOffset(updated?.Get(doc) ?? 0, TimeSpan.Zero)));
                }
            }
        }

        return held;
    });

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
        _semantic?.Touch();
        return Read(searcher =>
        {
            var ranked = !string.IsNullOrWhiteSpace(request.Query);
            Query query;
            Query? highlight = null;
            if (ranked)
            {
                // A search is matched like a need's problem statement, across languages, without symptom reasoning.
                var asked = new Listing(Guid.Empty, ListingKind.Need, Guid.Empty, "", request.Query!, [], request.Sector, null,
                    "", ListingVisibility.Public, Open: true, DateTimeOffset.MinValue);
                var clauses = QueryPlan.Build(searcher.IndexReader, _profiler.Profile(asked), ListingKind.Technology, _dictionary, _profiler.Concepts)
                    .Where(clause => clause.Kind != ClauseKind.Symptom)
                    .ToList();
                if (clauses.Count == 0)
                {
                    return new SearchResult(0, [], new Dictionary<string, int>());
                }

                query = QueryPlan.ToQuery(clauses);
                highlight = BodyHighlight(clauses);
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
                ? new Highlighter(new PlainText(), new QueryScorer(highlight, ListingDocument.Body)) { TextFragmenter = new SimpleFragmenter(SnippetLength) }
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

        _semantic?.Touch();
        var profile = _profiler.Profile(listing);
        var weights = Weights;
        return Read<IReadOnlyList<MatchCandidate>>(searcher =>
        {
            var reader = searcher.IndexReader;
            var clauses = QueryPlan.Build(reader, profile, listing.Kind, _dictionary, _profiler.Concepts);
            if (clauses.Count == 0)
            {
                return [];
            }

            // The opposite kind already excludes the listing itself, unless an id is reused across kinds. A first pass
            // over the rarer clauses finds the candidates; every clause then scores them exactly.
            // The budget counts postings of both kinds, so the rare words of a technology may sit mostly in other
            // technologies and reach fewer needs than asked for: the first pass then widens (four times the budget
            // each round) until it finds enough candidates or holds every clause.
            var candidateKind = listing.Kind == ListingKind.Technology ? ListingKind.Need : ListingKind.Technology;
            ScoreDoc[] hits;
            var budget = PostingsBudget;
            while (true)
            {
                var firstPass = QueryPlan.FirstPass(clauses, budget, MinimumFirstPassClauses);
                var query = QueryPlan.ToQuery(firstPass);
                query.Add(new TermQuery(ListingDocument.IdTerm(listing.Id)), Occur.MUST_NOT);
                var partial = firstPass.Count < clauses.Count;
                var depth = Math.Max(top, RerankDepth) * (partial ? 2 : 1);
                hits = searcher.Search(query, _openCandidates[candidateKind], depth).ScoreDocs;
                if (!partial || hits.Length >= Math.Max(top, RerankDepth))
                {
                    break;
                }

                budget *= 4;
            }

            if (hits.Length == 0)
            {
                return [];
            }

            var contributions = MatchExplainer.Contributions(searcher, clauses, hits);
            var textScores = hits.ToDictionary(hit => hit.Doc, hit => contributions[hit.Doc].Sum(c => c.Score));
            var bestText = textScores.Values.Max();
            var now = _options.Clock.GetUtcNow();
            var factsReader = new FactsReader(reader);
            var scored = hits
                .Select(hit =>
                {
                    var facts = factsReader.Read(hit.Doc);
                    var features = Features(listing, facts, MatchExplainer.TextFeatures(contributions[hit.Doc], bestText), now);
                    return (Hit: hit, Facts: facts, Features: features, Score: weights.Score(features));
                })
                .ToList();
            if (_semantic is not null)
            {
                scored = Fuse(listing, profile, reader, scored);
            }

            var ranked = scored
                .OrderByDescending(x => x.Score)
                .ThenByDescending(x => textScores[x.Hit.Doc])
                .ThenBy(x => x.Hit.Doc)
                .Take(top)
                .ToList();

            // Which fields the shared words sit in, for the returned candidates only.
            var fieldShares = MatchExplainer.FieldShares(reader, ranked.Select(x => x.Hit.Doc).ToList(), contributions);
            return ranked
                .Select(x => new MatchCandidate(
                    x.Facts.Id,
                    x.Facts.Organisation,
                    x.Score,
                    SemanticFusion.Explain(
                        MatchExplainer.Explain(listing, x.Facts, candidateKind, x.Features, weights, contributions[x.Hit.Doc], fieldShares[x.Hit.Doc]),
                        x.Features.Semantic,
                        glossed: listing.Language != LanguageDetector.English || x.Facts.Language != LanguageDetector.English),
                    x.Features))
                .ToList();
        });
    }

    // The sentence-vector fit of each candidate added to its score (SemanticFusion), when the listing has a vector.
    private List<(ScoreDoc Hit, CandidateFacts Facts, RankingFeatures Features, double Score)> Fuse(
        Listing listing, ListingProfile profile, IndexReader reader, List<(ScoreDoc Hit, CandidateFacts Facts, RankingFeatures Features, double Score)> scored)
    {
        var fits = SemanticFusion.Fuse(
            _semantic!.VectorOf(listing, profile),
            _semantic.CandidateVectors(reader, scored.ConvertAll(x => x.Hit.Doc)),
            scored.ConvertAll(x => x.Score),
            _options.SemanticWeight);
        return fits is null
            ? scored
            : scored.Select((x, i) => (x.Hit, x.Facts, x.Features with { Semantic = fits[i] }, x.Score + fits[i].Contribution)).ToList();
    }

    private static bool WrittenByAnotherVersion(LuceneDirectory directory)
    {
        if (!DirectoryReader.IndexExists(directory))
        {
            return false;
        }

        using var reader = DirectoryReader.Open(directory);
        return reader.NumDocs > 0
            && !(reader.IndexCommit.UserData.TryGetValue(EngineVersionKey, out var version) && version == EngineVersion);
    }

    // The document is made of this thread's reused fields: the caller indexes it before building another.
    private Document ToDocument(Listing listing)
    {
        var profile = _profiler.Profile(listing);
        var document = ListingDocument.ToDocument(
            listing, profile, QueryPlan.DocumentTranslations(profile, _dictionary), ListingDocument.ReusableFields.ForThisThread);
        _semantic?.Prepare(listing, profile, document);
        return document;
    }

    private RankingFeatures Features(
        Listing listing, CandidateFacts candidate, (double Text, double Glossary, double Dictionary, double Symptoms) text, DateTimeOffset now)
    {
        var (technologyTrl, minimumTrl) = listing.Kind == ListingKind.Need ? (candidate.Trl, listing.Trl) : (listing.Trl, candidate.Trl);
        var trl = technologyTrl is { } have && minimumTrl is { } want
            ? have >= want ? 1.0 : Math.Max(0, 1 - ((want - have) / 3.0))
            : 0.5;
        var freshness = candidate.UpdatedAt is { } updated
            ? Math.Exp(-Math.Max(0, (now - updated).Ticks) / s_ticksPerYear)
            : 0;
        return new RankingFeatures(
            text.Text, text.Glossary, text.Dictionary, text.Symptoms,
            _options.Glossary.SectorAffinity(listing.Sector, candidate.Sector), trl, freshness);
    }

    // Doc values per segment, fetched once per match rather than once per candidate.
    private sealed class FactsReader(IndexReader reader)
    {
        private readonly Dictionary<int, (SortedDocValues? Sector, SortedDocValues? Language, NumericDocValues? Trl, IBits? HasTrl, NumericDocValues? Updated)> _leaves = [];

        public CandidateFacts Read(int doc)
        {
            var (id, organisation) = ListingDocument.ReadIds(reader, doc);
            var leaves = reader.Leaves;
            var index = ReaderUtil.SubIndex(doc, leaves);
            var leaf = leaves[index];
            if (!_leaves.TryGetValue(index, out var values))
            {
                var atomic = leaf.AtomicReader;
                _leaves[index] = values = (
                    atomic.GetSortedDocValues(ListingDocument.Sector),
                    atomic.GetSortedDocValues(ListingDocument.Language),
                    atomic.GetNumericDocValues(ListingDocument.Trl),
                    atomic.GetDocsWithField(ListingDocument.Trl),
                    atomic.GetNumericDocValues(ListingDocument.UpdatedAt));
            }

            var local = doc - leaf.DocBase;
            var trl = values.HasTrl is { } hasTrl && hasTrl.Get(local) && values.Trl is { } trls ? (int?)trls.Get(local) : null;
            var updated = values.Updated?.Get(local);
            return new CandidateFacts(
                id,
                organisation,
                SortedValue(values.Sector, local),
                trl,
                updated is { } ticks && ticks > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null,
                SortedValue(values.Language, local) ?? "en");
        }
    }

    private static string? SortedValue(SortedDocValues? values, int doc)
    {
        if (values is null || values.GetOrd(doc) < 0)
        {
            return null;
        }

        var scratch = new BytesRef();
        values.Get(doc, scratch);
        return scratch.Utf8ToString();
    }

    public void Dispose()
    {
        _committer?.Dispose();
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
                _semantic?.Dispose();
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

    // The search's own words as a query on the body, for the highlighter, which reads only its terms and their weights
    // and finds them in the stored body analysed afresh (the body is not indexed on its own).
    private static BooleanQuery BodyHighlight(IEnumerable<QueryClause> clauses)
    {
        var query = new BooleanQuery();
        foreach (var clause in clauses.Where(clause => clause.Kind == ClauseKind.Text).DistinctBy(clause => clause.Term, StringComparer.Ordinal))
        {
            query.Add(new TermQuery(new Term(ListingDocument.Body, clause.Term)) { Boost = (float)clause.Weight }, Occur.SHOULD);
        }

        return query;
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

    // A durable write commits before it returns; any other is committed by the committer. Either way it is searchable
    // when this returns (a near-real-time reopen, which writes the new segment without syncing it).
    private void Write(Action write, bool durable)
    {
        _lifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            write();

            // Counted once written, so a commit or refresh that reads a count holds every write counted in it.
            Interlocked.Increment(ref _uncommitted);
            var written = Interlocked.Increment(ref _written);
            if (durable || _committer is null)
            {
                CommitLocked();
            }

            RefreshUpTo(written);
        }
        finally
        {
            _lifetime.ExitReadLock();
        }
    }

    // Makes the given write visible to searches. Concurrent writers share a reopen: one thread reopens for every write
    // counted when it starts, and a writer queued behind it finds its write already covered. (A reopen per write
    // serialised the consumers behind a lock that each held for a full reopen.)
    private void RefreshUpTo(long written)
    {
        if (Interlocked.Read(ref _visible) >= written)
        {
            return;
        }

        lock (_refresh)
        {
            if (Interlocked.Read(ref _visible) >= written)
            {
                return;
            }

            var covered = Interlocked.Read(ref _written);
            _searchers.MaybeRefreshBlocking();
            Interlocked.Exchange(ref _visible, covered);
        }
    }

    // Commits what was written before this call; a write racing it stays counted, for the next commit. One commit at
    // a time reads and takes off the count: two that overlapped (the committer's and a durable write's) each took off
    // the writes both covered, and the count went below zero (a later write then read as committed).
    private void CommitLocked()
    {
        lock (_commit)
        {
            var pending = Interlocked.Read(ref _uncommitted);
            if (pending == 0)
            {
                return;
            }

            _writer.Commit();
            Interlocked.Add(ref _uncommitted, -pending);
        }

        // A commit that succeeds, the committer's or a durable write's, ends a commit fault.
        Report(IndexFault.Commit, null);
    }

    private void CommitPending()
    {
        if (Interlocked.Read(ref _uncommitted) == 0)
        {
            // Everything is on disk, so no commit is failing: this also ends a fault that a failed attempt reported
            // after a concurrent durable commit had succeeded.
            Report(IndexFault.Commit, null);
            return;
        }

        if (!_lifetime.TryEnterReadLock(0))
        {
            return;
        }

        try
        {
            if (!_disposed)
            {
                CommitLocked();
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // The writes stay counted and the next tick tries again; Dispose commits or throws.
            Report(IndexFault.Commit, exception);
        }
        finally
        {
            _lifetime.ExitReadLock();
        }
    }

    // A failure of background work is kept, with when it began, until the same work succeeds.
    private void Report(string operation, Exception? error)
    {
        if (error is null)
        {
            _faults.TryRemove(operation, out _);
        }
        else
        {
            _faults.AddOrUpdate(operation, new IndexFault(operation, error, DateTimeOffset.UtcNow), (_, fault) => fault with { Error = error });
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
        public override IndexSearcher NewSearcher(IndexReader reader) => new StatisticsCachingSearcher(reader) { Similarity = s_similarity };
    }

    // A searcher lives as long as its reader, so a field's statistics never change under it; computing them merges
    // every segment's terms, which a match with a hundred clauses would otherwise do a hundred times over.
    private sealed class StatisticsCachingSearcher(IndexReader reader) : IndexSearcher(reader)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CollectionStatistics> _statistics = new(StringComparer.Ordinal);

        public override CollectionStatistics CollectionStatistics(string field) =>
            _statistics.GetOrAdd(field, base.CollectionStatistics);
    }

    // Snippets are plain text: the caller decides how to mark terms up.
    private sealed class PlainText : IFormatter
    {
        public string HighlightTerm(string originalText, TokenGroup tokenGroup) => originalText;
    }
}
