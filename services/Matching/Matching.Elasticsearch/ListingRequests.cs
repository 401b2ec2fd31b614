using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Matchmaking.Matching.Engine;
using EngineSearchRequest = Matchmaking.Matching.Engine.SearchRequest;
using EsSearchRequest = Elastic.Clients.Elasticsearch.SearchRequest;

namespace Matchmaking.Matching.Elasticsearch;

// The requests the adapter sends, built without a connection so their JSON can be checked (ListingRequestsTests).
internal static class ListingRequests
{
    public const string SectorsAggregation = "sectors";
    public const int SnippetLength = 200;

    // Sectors counted per search: the taxonomy has a few dozen.
    private const int MaxSectors = 1000;

    private const string English = "english";

    // Each array element one token, unchanged: the engine has already analysed the text.
    private const string Verbatim = "keyword";

    public static CreateIndexRequest CreateIndex(string index, string chineseAnalyzer, int replicas) => new(index)
    {
        Settings = new IndexSettings
        {
            // One shard: the term statistics the query plan and BM25 use are then the whole index's, as in Lucene.
            NumberOfShards = 1,
            NumberOfReplicas = replicas,
        },
        Mappings = new TypeMapping
        {
            Dynamic = DynamicMapping.Strict,
            Properties = new Properties
            {
                { ListingFields.Id, new KeywordProperty() },
                { ListingFields.Kind, new KeywordProperty() },
                { ListingFields.Organisation, new KeywordProperty() },
                { ListingFields.Title, Text(chineseAnalyzer) },
                { ListingFields.Body, Text(chineseAnalyzer) },
                { ListingFields.Keywords, Text(chineseAnalyzer) },
                { ListingFields.Sector, new KeywordProperty() },
                { ListingFields.Trl, new IntegerNumberProperty() },
                { ListingFields.Language, new KeywordProperty() },
                { ListingFields.Visibility, new KeywordProperty() },
                { ListingFields.Open, new BooleanProperty() },
                { ListingFields.UpdatedAt, new DateProperty { Format = "strict_date_optional_time" } },
                { ListingFields.Version, new KeywordProperty() },
                { ListingFields.Engine, new ObjectProperty { Properties = EngineProperties() } },
            },
        },
    };

    private static TextProperty Text(string chineseAnalyzer) => new()
    {
        Analyzer = English,
        Fields = new Properties { { ListingFields.Chinese, new TextProperty { Analyzer = chineseAnalyzer } } },
    };

    private static Properties EngineProperties()
    {
        var properties = new Properties();
        foreach (var field in ListingFields.EngineFields)
        {
            properties.Add(field, new TextProperty
            {
                Analyzer = Verbatim,
                IndexOptions = IndexOptions.Freqs,
                Fields = new Properties { { ListingFields.Exact, new KeywordProperty() } },
            });
        }

        return properties;
    }

    public static Query Term(string field, string value, float? boost = null, string? name = null) => new()
    {
        Term = new TermQuery(field, FieldValue.String(value)) { Boost = boost, QueryName = name },
    };

    // A clause of the engine's plan as a named term query on its engine field, boosted by the clause's weight; the
    // name finds the clause's own score in each hit (include_named_queries_score).
    public static Query Clause(QueryClause clause, int index) =>
        Term(ListingFields.EngineField(clause.Field), clause.Term, (float)clause.Weight, ClauseName(index));

    public static string ClauseName(int index) => "c" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Query Filters(EngineSearchRequest request)
    {
        var filters = new List<Query> { Term(ListingFields.Open, "true") };
        if (request.Kind is { } kind)
        {
            filters.Add(Term(ListingFields.Kind, ListingDocument.KindValue(kind)));
        }

        if (!string.IsNullOrEmpty(request.Sector))
        {
            filters.Add(Term(ListingFields.Sector, request.Sector));
        }

        if (request.MinTrl is { } minTrl)
        {
            filters.Add(new Query { Range = new NumberRangeQuery(ListingFields.Trl) { Gte = minTrl } });
        }

        if (!request.IncludeStaffOnly)
        {
            // Staff-only listings are for staff, and for the organisation that posted them.
            var visible = new List<Query> { new() { Bool = new BoolQuery { MustNot = [Term(ListingFields.Visibility, ListingVisibility.StaffOnly)] } } };
            if (request.ViewerOrganisationId is { } viewer)
            {
                visible.Add(Term(ListingFields.Organisation, ListingFields.IdValue(viewer)));
            }

            filters.Add(new Query { Bool = new BoolQuery { Should = visible, MinimumShouldMatch = 1 } });
        }

        return new Query { Bool = new BoolQuery { Filter = filters } };
    }

    // A search: the plan's clauses scored, the filters applied, sectors counted over every hit; a blank query lists
    // newest first. Ties fall back to the id so pages never overlap.
    public static EsSearchRequest Search(
        string index, EngineSearchRequest request, IReadOnlyList<QueryClause>? clauses)
    {
        var skip = Math.Max(0, request.Skip);
        var take = Math.Max(0, request.Take);
        var ranked = clauses is not null;
        var query = new BoolQuery { Filter = [Filters(request)] };
        if (ranked)
        {
            query.Should = clauses!.Select(Clause).ToList();
            query.MinimumShouldMatch = 1;
        }

        var search = new EsSearchRequest(index)
        {
            From = skip,
            Size = take,
            TrackTotalHits = new TrackHits(true),
            Query = new Query { Bool = query },
            Aggregations = new Dictionary<string, Aggregation>
            {
                [SectorsAggregation] = new() { Terms = new TermsAggregation { Field = ListingFields.Sector, Size = MaxSectors } },
            },
            Sort = ranked
                ? [new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } }, IdOrder()]
                : [new SortOptions { Field = new FieldSort(ListingFields.UpdatedAt) { Order = SortOrder.Desc } }, IdOrder()],
            Source = new SourceConfig(new SourceFilter { Excludes = new[] { ListingFields.Engine } }),
        };

        if (ranked && !string.IsNullOrWhiteSpace(request.Query))
        {
            // The snippet: the body's best passage for the words as asked, by the English or the Chinese analysis.
            search.Highlight = new Highlight
            {
                PreTags = [""],
                PostTags = [""],
                FragmentSize = SnippetLength,
                NumberOfFragments = 1,
                Fields =
                [
                    new(ListingFields.Body, new HighlightField { HighlightQuery = Match(ListingFields.Body, request.Query) }),
                    new($"{ListingFields.Body}.{ListingFields.Chinese}", new HighlightField { HighlightQuery = Match($"{ListingFields.Body}.{ListingFields.Chinese}", request.Query) }),
                ],
            };
        }

        return search;
    }

    private static Query Match(string field, string text) => new() { Match = new MatchQuery(field, text) };

    private static SortOptions IdOrder() => new() { Field = new FieldSort(ListingFields.Id) { Order = SortOrder.Asc } };

    // Candidates for a match: open listings of the other kind, scored on every clause of the plan, each clause's
    // score reported by name so the engine's explainer can split the text score as it does over Lucene.
    public static EsSearchRequest Candidates(
        string index, Guid self, ListingKind candidateKind, IReadOnlyList<QueryClause> clauses, int depth) => new(index)
    {
        Size = depth,
        IncludeNamedQueriesScore = true,
        Query = new Query
        {
            Bool = new BoolQuery
            {
                Should = clauses.Select(Clause).ToList(),
                MinimumShouldMatch = 1,
                Filter = [Term(ListingFields.Kind, ListingDocument.KindValue(candidateKind)), Term(ListingFields.Open, "true")],
                MustNot = [IdsIn([self])],
            },
        },
        Sort = [new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } }, IdOrder()],
        Source = new SourceConfig(new SourceFilter { Excludes = new[] { ListingFields.Engine } }),
    };

    // The per-field clauses scored for the given listings only (which candidate fields the shared words sit in).
    public static EsSearchRequest FieldScores(string index, IReadOnlyList<Guid> ids, IReadOnlyList<QueryClause> clauses) => new(index)
    {
        Size = ids.Count,
        IncludeNamedQueriesScore = true,
        Query = new Query { Bool = new BoolQuery { Filter = [IdsIn(ids)], Should = clauses.Select(Clause).ToList() } },
        Source = new SourceConfig(false),
    };

    public static Query IdsIn(IEnumerable<Guid> ids) =>
        new() { Ids = new IdsQuery { Values = new Ids(ids.Select(ListingFields.IdValue).ToList()) } };

    // Document frequencies of the given terms per engine field (one terms aggregation each, over the keyword twin)
    // and the number of listings: what the query plan asks the Lucene reader.
    public static EsSearchRequest TermStatistics(string index, IReadOnlyDictionary<string, IReadOnlyCollection<string>> termsByField) => new(index)
    {
        Size = 0,
        TrackTotalHits = new TrackHits(true),
        Query = new Query { MatchAll = new MatchAllQuery() },
        Aggregations = termsByField
            .Where(x => x.Value.Count > 0)
            .ToDictionary(
                x => x.Key,
                x => new Aggregation
                {
                    Terms = new TermsAggregation
                    {
                        Field = ListingFields.EngineExactField(x.Key),
                        Include = new TermsInclude(x.Value.Order(StringComparer.Ordinal).ToList()),
                        Size = x.Value.Count,
                    },
                }),
    };

    public static CountRequest Count(string index, ListingKind kind) => new(index) { Query = Term(ListingFields.Kind, ListingDocument.KindValue(kind)) };

    // Listings indexed by another analysis version: their terms no longer meet the queries.
    public static CountRequest Stale(string index, string version) =>
        new(index) { Query = new Query { Bool = new BoolQuery { MustNot = [Term(ListingFields.Version, version)] } } };
}
