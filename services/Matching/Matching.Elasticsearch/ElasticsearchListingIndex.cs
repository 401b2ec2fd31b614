using System.Text.RegularExpressions;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.Nodes;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Lucene.Net.Index;
using Matchmaking.Matching.Engine;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using EngineSearchRequest = Matchmaking.Matching.Engine.SearchRequest;

namespace Matchmaking.Matching.Elasticsearch;

/// <summary>
/// The listing index on an Elasticsearch cluster, shared by every Matching replica that points at it. Elasticsearch
/// stores the listings and the engine's analysis of them, filters, counts and retrieves; the engine plans the queries
/// (its own analysis, glossary and dictionary bridges) and ranks and explains the candidates with the same code as
/// <see cref="LuceneListingIndex"/>, so both adapters find and order listings alike. Every write is refreshed before it
/// returns, so it is visible to the next search on any replica.
/// </summary>
public sealed partial class ElasticsearchListingIndex : IListingIndex
{
    /// <summary>The layout of the Elasticsearch index; with the engine's version it tells when a rebuild is due.</summary>
    public const string MappingVersion = "1";

    private const int RerankDepth = 50;
    private const int BulkChunk = 500;

    private static readonly double s_ticksPerYear = TimeSpan.FromDays(365).Ticks;
    private static readonly string[] s_englishFields = [ListingDocument.Title, ListingDocument.Body, ListingDocument.Keywords];

    private readonly ElasticsearchClient _client;
    private readonly string _index;
    private readonly int _replicas;
    private readonly MatchingEngineOptions _options;
    private readonly ListingAnalyzer _analyzer;
    private readonly ListingProfiler _profiler;
    private readonly DictionaryBridge _dictionary;
    private readonly Lock _creating = new();
    private bool? _needsRebuild;
    private RankingWeights _weights;
    private volatile bool _created;
    private bool _disposed;

    public ElasticsearchListingIndex(ElasticsearchIndexOptions options, MatchingEngineOptions? engine = null)
        : this(CreateClient(options ?? throw new ArgumentNullException(nameof(options))), options.IndexName, options.Replicas, engine)
    {
    }

    public ElasticsearchListingIndex(ElasticsearchClient client, string indexName, int replicas = 0, MatchingEngineOptions? engine = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(indexName);
        _client = client;
        _index = indexName;
        _replicas = Math.Max(0, replicas);
        _options = engine ?? new MatchingEngineOptions();
        _weights = _options.Weights;
        _analyzer = new ListingAnalyzer(_options.Glossary);
        _profiler = new ListingProfiler(_analyzer.Analyser, new ConceptMatcher(_options.Glossary, _analyzer.Analyser));
        _dictionary = new DictionaryBridge(_analyzer.Analyser);
    }

    /// <summary>The analysis (engine) and layout (mapping) versions documents are written with.</summary>
    public static string Version => $"{LuceneListingIndex.EngineVersion}/es{MappingVersion}";

    public string IndexName => _index;

    /// <summary>
    /// Some listing was indexed by another version of the engine or the mapping. Asked of the cluster on first use and
    /// remembered once answered (a cluster that is down throws, and is asked again next time).
    /// </summary>
    public bool NeedsRebuild
    {
        get
        {
            if (_needsRebuild is { } known)
            {
                return known;
            }

            EnsureIndex();
            var stale = Checked(_client.Count(ListingRequests.Stale(_index, Version)), "count stale listings").Count > 0;
            _needsRebuild = stale;
            return stale;
        }
    }

    public RankingWeights Weights
    {
        get => Volatile.Read(ref _weights);
        set => Volatile.Write(ref _weights, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>A client for the options' cluster: API key, else basic authentication when a user is given.</summary>
    public static ElasticsearchClient CreateClient(ElasticsearchIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url))
        {
            throw new ArgumentException("The Elasticsearch URL must be absolute, e.g. http://127.0.0.1:9200.", nameof(options));
        }

        var settings = new ElasticsearchClientSettings(url);
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            settings.Authentication(new ApiKey(options.ApiKey));
        }
        else if (!string.IsNullOrWhiteSpace(options.Username))
        {
            settings.Authentication(new BasicAuthentication(options.Username, options.Password ?? ""));
        }

        return new ElasticsearchClient(settings);
    }

    /// <summary>The Chinese analyzer for this cluster's plugins (<see cref="ChineseAnalysis"/>).</summary>
    public string DetectChineseAnalyzer()
    {
        var info = Checked(_client.Nodes.Info(new NodesInfoRequest { Metric = [NodesInfoMetric.Plugins] }), "list the plugins");
        var plugins = (info.Nodes ?? new Dictionary<string, NodeInfo>())
            .Values
            .Select(node => (IReadOnlyCollection<string>)(node.Plugins ?? []).Select(plugin => plugin.Name).ToList())
            .ToList();
        return ChineseAnalysis.Choose(plugins);
    }

    public void Upsert(Listing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        EnsureIndex();
        Bulk([Operation(listing)], refresh: true);
    }

    // Elasticsearch makes every acknowledged write durable (its translog), so there is no commit to leave out.
    public void UpsertMany(IEnumerable<Listing> listings, bool commit = true)
    {
        ArgumentNullException.ThrowIfNull(listings);
        EnsureIndex();

        // A listing given twice ends as its last copy, as in the Lucene adapter; analysis runs on every core.
        var latest = listings.Reverse().DistinctBy(listing => listing.Id).Reverse().ToList();
        var chunks = latest.Chunk(BulkChunk).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            var operations = chunks[i].AsParallel().AsOrdered().Select(Operation).ToList();
            Bulk(operations, refresh: i == chunks.Count - 1);
        }
    }

    public void Delete(Guid id)
    {
        EnsureIndex();
        var response = _client.Delete(new DeleteRequest(_index, ListingFields.IdValue(id)) { Refresh = Refresh.True });
        if (!response.IsValidResponse && response.ApiCallDetails.HttpStatusCode != 404)
        {
            throw Failure("delete a listing", response);
        }
    }

    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_creating)
        {
            var response = _client.Indices.Delete(_index);
            if (!response.IsValidResponse && response.ApiCallDetails.HttpStatusCode != 404)
            {
                throw Failure("delete the index", response);
            }

            _created = false;
        }

        EnsureIndex();
    }

    public Listing? Get(Guid id)
    {
        EnsureIndex();
        var response = _client.Get<ListingSource>(new GetRequest(_index, ListingFields.IdValue(id)));
        if (!response.IsValidResponse && response.ApiCallDetails.HttpStatusCode == 404)
        {
            return null;
        }

        return Checked(response, "get a listing") is { Found: true, Source: { } source } ? source.ToListing() : null;
    }

    public int Count(ListingKind kind)
    {
        EnsureIndex();
        return (int)Checked(_client.Count(ListingRequests.Count(_index, kind)), "count listings").Count;
    }

    public SearchResult Search(EngineSearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureIndex();
        List<QueryClause>? clauses = null;
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            // A search is matched like a need's problem statement, across languages, without symptom reasoning.
            var asked = new Listing(Guid.Empty, ListingKind.Need, Guid.Empty, "", request.Query, [], request.Sector, null,
                "", ListingVisibility.Public, Open: true, DateTimeOffset.MinValue);
            var profile = _profiler.Profile(asked);
            clauses = Plan(source => QueryPlan.Build(source, profile, ListingKind.Technology, _dictionary, _profiler.Concepts)).Clauses
                .Where(clause => clause.Kind != ClauseKind.Symptom)
                .ToList();
            if (clauses.Count == 0)
            {
                return new SearchResult(0, [], new Dictionary<string, int>());
            }
        }

        var response = Checked(_client.Search<ListingSource>(ListingRequests.Search(_index, request, clauses)), "search");
        var items = Hits(response)
            .Where(hit => hit.Source is not null)
            .Select(hit =>
            {
                var listing = hit.Source!.ToListing();
                return new SearchHit(
                    listing.Id,
                    listing.Kind,
                    listing.OrganisationId,
                    listing.Title,
                    Snippet(hit, listing),
                    hit.Score is { } score && !double.IsNaN(score) ? score : 0,
                    listing.Language,
                    listing.Visibility);
            })
            .ToList();

        var facets = new Dictionary<string, int>(StringComparer.Ordinal);
        if (response.Aggregations?.GetStringTerms(ListingRequests.SectorsAggregation) is { Buckets: { } buckets })
        {
            foreach (var bucket in buckets)
            {
                if (bucket.Key.TryGetString(out var sector) && sector is not null)
                {
                    facets[sector] = (int)bucket.DocCount;
                }
            }
        }

        var total = response.HitsMetadata?.Total?.Match(hits => hits?.Value ?? 0, count => count) ?? 0;
        return new SearchResult(
            (int)total,
            items,
            facets.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal));
    }

    public IReadOnlyList<MatchCandidate> Match(Listing listing, int top)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (top <= 0)
        {
            return [];
        }

        EnsureIndex();
        var profile = _profiler.Profile(listing);
        var weights = Weights;
        var (clauses, statistics) = Plan(source => QueryPlan.Build(source, profile, listing.Kind, _dictionary, _profiler.Concepts));
        if (clauses.Count == 0)
        {
            return [];
        }

        // Every clause scores the candidates at once: Elasticsearch prunes the disjunction itself, so the Lucene
        // adapter's budgeted first pass is not needed for the same candidates.
        var candidateKind = listing.Kind == ListingKind.Technology ? ListingKind.Need : ListingKind.Technology;
        var depth = Math.Max(top, RerankDepth);
        var response = Checked(_client.Search<ListingSource>(ListingRequests.Candidates(_index, listing.Id, candidateKind, clauses, depth)), "find candidates");
        var hits = Hits(response).Where(hit => hit.Source is not null).ToList();
        if (hits.Count == 0)
        {
            return [];
        }

        var contributions = hits.ToDictionary(hit => hit.Id!, hit => Contributions(hit, clauses), StringComparer.Ordinal);
        var textScores = contributions.ToDictionary(x => x.Key, x => x.Value.Sum(c => c.Score), StringComparer.Ordinal);
        var bestText = textScores.Values.Max();
        var now = _options.Clock.GetUtcNow();
        var ranked = hits
            .Select(hit =>
            {
                var facts = hit.Source!.ToFacts();
                var features = Features(listing, facts, MatchExplainer.TextFeatures(contributions[hit.Id!], bestText), now);
                return (Key: hit.Id!, Facts: facts, Features: features, Score: weights.Score(features));
            })
            .OrderByDescending(x => x.Score)
            .ThenByDescending(x => textScores[x.Key])
            .ThenBy(x => x.Key, StringComparer.Ordinal)
            .Take(top)
            .ToList();

        // Which fields the shared words sit in, for the words the returned candidates share only.
        var shared = ranked
            .SelectMany(x => contributions[x.Key])
            .Where(c => c.Clause.Kind == ClauseKind.Text && c.Score > 0)
            .Select(c => c.Clause)
            .DistinctBy(c => c.Term, StringComparer.Ordinal);
        var fieldClauses = QueryPlan.FieldClauses(statistics, shared);
        var fieldContributions = ranked.ToDictionary(x => x.Key, _ => new List<(QueryClause Clause, double Score)>(), StringComparer.Ordinal);
        if (fieldClauses.Count > 0)
        {
            var fields = Checked(_client.Search<ListingSource>(ListingRequests.FieldScores(_index, ranked.Select(x => x.Facts.Id).ToList(), fieldClauses)), "score fields");
            foreach (var hit in Hits(fields))
            {
                if (hit.Id is not null && fieldContributions.ContainsKey(hit.Id))
                {
                    fieldContributions[hit.Id] = Contributions(hit, fieldClauses);
                }
            }
        }

        return ranked
            .Select(x => new MatchCandidate(
                x.Facts.Id,
                x.Facts.Organisation,
                x.Score,
                MatchExplainer.Explain(listing, x.Facts, candidateKind, x.Features, weights, contributions[x.Key], MatchExplainer.FieldShares(fieldContributions[x.Key])),
                x.Features))
            .ToList();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _analyzer.Dispose();
    }

    // Plans twice: once recording every term the plan looks up, then, with their statistics fetched in one request,
    // for real. The per-field statistics of every own word come along, for the explanation's field clauses.
    private (List<QueryClause> Clauses, ITermSource Statistics) Plan(Func<ITermSource, List<QueryClause>> build)
    {
        var recording = new RecordingTermSource();
        build(recording);
        foreach (var term in recording.Terms.Where(x => x.Field == ListingDocument.All).Select(x => x.Term).ToList())
        {
            foreach (var field in s_englishFields)
            {
                recording.Stats(field, term);
            }
        }

        var byField = recording.Terms
            .GroupBy(x => x.Field, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (IReadOnlyCollection<string>)group.Select(x => x.Term).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var response = Checked(_client.Search<ListingSource>(ListingRequests.TermStatistics(_index, byField)), "look up term statistics");
        var frequencies = new Dictionary<(string Field, string Term), int>();
        foreach (var field in byField.Keys)
        {
            if (response.Aggregations?.GetStringTerms(field) is not { Buckets: { } buckets })
            {
                continue;
            }

            foreach (var bucket in buckets)
            {
                if (bucket.Key.TryGetString(out var term) && term is not null)
                {
                    frequencies[(field, term)] = (int)bucket.DocCount;
                }
            }
        }

        var documents = (int)(response.HitsMetadata?.Total?.Match(hits => hits?.Value ?? 0, count => count) ?? 0);
        var statistics = new FetchedTermSource(documents, frequencies);
        return (build(statistics), statistics);
    }

    // Each clause's own score in the hit, in the plan's order, from the named queries' scores.
    private static List<(QueryClause Clause, double Score)> Contributions(Hit<ListingSource> hit, IReadOnlyList<QueryClause> clauses)
    {
        var scores = hit.MatchedQueries?.Match(_ => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>(), named => named)
            ?? new Dictionary<string, double>();
        var result = new List<(QueryClause Clause, double Score)>();
        for (var i = 0; i < clauses.Count; i++)
        {
            if (scores.TryGetValue(ListingRequests.ClauseName(i), out var score))
            {
                result.Add((clauses[i], score));
            }
        }

        return result;
    }

    // The structured fit, as LuceneListingIndex computes it (sector affinity, TRL fit, freshness).
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

    private BulkIndexOperation<ListingSource> Operation(Listing listing)
    {
        var profile = _profiler.Profile(listing);
        var source = ListingSource.From(listing, profile, QueryPlan.DocumentTranslations(profile, _dictionary), Version);
        return new BulkIndexOperation<ListingSource>(source) { Id = source.Id };
    }

    private void Bulk(IReadOnlyList<BulkOperation> operations, bool refresh)
    {
        if (operations.Count == 0)
        {
            return;
        }

        var request = new BulkRequest(_index) { Operations = [.. operations], Refresh = refresh ? Refresh.True : null };
        var response = Checked(_client.Bulk(request), "index listings");
        if (response.Errors)
        {
            var failed = response.ItemsWithErrors.FirstOrDefault();
            throw new InvalidOperationException(
                $"Elasticsearch rejected listing {failed?.Id}: {failed?.Error?.Type} {failed?.Error?.Reason}");
        }
    }

    // Creates the index on first use (any replica may; one that loses the race finds it there).
    private void EnsureIndex()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_created)
        {
            return;
        }

        lock (_creating)
        {
            if (_created)
            {
                return;
            }

            var exists = _client.Indices.Exists(_index);
            if (!exists.Exists)
            {
                if (exists.ApiCallDetails.HttpStatusCode != 404)
                {
                    throw Failure("check the index", exists);
                }

                var created = _client.Indices.Create(ListingRequests.CreateIndex(_index, DetectChineseAnalyzer(), _replicas));
                if (!created.IsValidResponse && created.ElasticsearchServerError?.Error?.Type != "resource_already_exists_exception")
                {
                    throw Failure("create the index", created);
                }
            }

            _created = true;
        }
    }

    private static IReadOnlyCollection<Hit<ListingSource>> Hits(SearchResponse<ListingSource> response) =>
        response.HitsMetadata?.Hits ?? [];

    // The body's best passage for the query (by the listing's language's analysis), else its start.
    private static string Snippet(Hit<ListingSource> hit, Listing listing)
    {
        var chinese = listing.Language.StartsWith("zh", StringComparison.Ordinal);
        var fields = chinese
            ? new[] { $"{ListingFields.Body}.{ListingFields.Chinese}", ListingFields.Body }
            : new[] { ListingFields.Body, $"{ListingFields.Body}.{ListingFields.Chinese}" };
        foreach (var field in fields)
        {
            if (hit.Highlight is not null && hit.Highlight.TryGetValue(field, out var fragments)
                && fragments.FirstOrDefault(fragment => !string.IsNullOrWhiteSpace(fragment)) is { } fragment)
            {
                return Whitespace().Replace(fragment, " ").Trim();
            }
        }

        var text = Whitespace().Replace(listing.Body, " ").Trim();
        if (text.Length <= ListingRequests.SnippetLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', ListingRequests.SnippetLength);
        return string.Concat(text.AsSpan(0, cut > ListingRequests.SnippetLength / 2 ? cut : ListingRequests.SnippetLength), "…");
    }

    private static T Checked<T>(T response, string action) where T : ElasticsearchResponse =>
        response.IsValidResponse ? response : throw Failure(action, response);

    // Says what failed in a line (the server's reason, else the connection's); the client's full trace stays inside.
    private static InvalidOperationException Failure(string action, ElasticsearchResponse response)
    {
        var original = response.TryGetOriginalException(out var exception) ? exception : null;
        var reason = response.ElasticsearchServerError?.Error is { } error
            ? $"{error.Type}: {error.Reason}"
            : original?.InnerException?.Message ?? original?.Message ?? $"HTTP {response.ApiCallDetails?.HttpStatusCode}";
        return new InvalidOperationException($"Elasticsearch could not {action}: {reason}", original);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // Answers every lookup as present once, and remembers what was asked.
    private sealed class RecordingTermSource : ITermSource
    {
        public List<(string Field, string Term)> Terms { get; } = [];

        public int NumDocs => 1;

        public TermStats Stats(string field, string text)
        {
            Terms.Add((field, text));
            return new TermStats(new Term(field, text), null, 1);
        }
    }

    // Document frequencies fetched from the index.
    private sealed class FetchedTermSource(int documents, IReadOnlyDictionary<(string Field, string Term), int> frequencies) : ITermSource
    {
        public int NumDocs => documents;

        public TermStats Stats(string field, string text) =>
            new(new Term(field, text), null, frequencies.GetValueOrDefault((field, text)));
    }
}
