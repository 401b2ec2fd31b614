using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport.Extensions;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Matchmaking.Matching.Engine;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using EngineSearchRequest = Matchmaking.Matching.Engine.SearchRequest;

namespace Matchmaking.Matching.Elasticsearch.Tests;

/// <summary>
/// The requests the Elasticsearch adapter sends, serialised by the client's own serializer (no server needed): the
/// JSON is what the cluster receives.
/// </summary>
public sealed class ListingRequestsTests
{
    private const string Index = "test-listings";

    // No request is sent: the client only serialises.
    private static readonly ElasticsearchClient s_client = new(new ElasticsearchClientSettings(new Uri("http://127.0.0.1:9")));

    private static JsonNode Json<T>(T request) =>
        JsonNode.Parse(s_client.RequestResponseSerializer.SerializeToString(request))!;

    // The client writes a one-element clause list as the clause itself, which the query DSL accepts alike.
    private static List<JsonNode> Items(JsonNode? node) =>
        node is JsonArray array ? array.Select(x => x!).ToList() : node is null ? [] : [node];

    private static QueryClause Clause(ClauseKind kind, string field, string term, double weight) =>
        new(kind, field, term, term, weight, new TermQuery(new Term(field, term)));

    private static EngineSearchRequest Request(string? query, Guid? viewer = null, bool staff = false) =>
        new(query, ListingKind.Technology, "plastics", 5, staff, viewer, 10, 5);

    [Fact]
    public void The_index_analyses_text_in_English_and_Chinese_and_keeps_the_engines_terms_verbatim()
    {
        var json = Json(ListingRequests.CreateIndex(Index, ChineseAnalysis.SmartCn, replicas: 1));

        Assert.Equal("1", json["settings"]!["number_of_shards"]!.ToString());
        Assert.Equal("1", json["settings"]!["number_of_replicas"]!.ToString());
        var properties = json["mappings"]!["properties"]!;
        Assert.Equal("strict", json["mappings"]!["dynamic"]!.GetValue<string>());
        foreach (var field in new[] { "title", "body", "keywords" })
        {
            Assert.Equal("text", properties[field]!["type"]!.GetValue<string>());
            Assert.Equal("english", properties[field]!["analyzer"]!.GetValue<string>());
            Assert.Equal("smartcn", properties[field]!["fields"]!["zh"]!["analyzer"]!.GetValue<string>());
        }

        foreach (var field in new[] { "id", "kind", "org", "sector", "language", "visibility", "version" })
        {
            Assert.Equal("keyword", properties[field]!["type"]!.GetValue<string>());
        }

        Assert.Equal("integer", properties["trl"]!["type"]!.GetValue<string>());
        Assert.Equal("boolean", properties["open"]!["type"]!.GetValue<string>());
        Assert.Equal("date", properties["updated"]!["type"]!.GetValue<string>());

        var engine = properties["engine"]!["properties"]!.AsObject();
        Assert.Equal(
            ["all", "body", "concepts", "keywords", "methods", "symptoms", "title", "translated"],
            engine.Select(x => x.Key).Order(StringComparer.Ordinal));
        foreach (var (_, field) in engine)
        {
            Assert.Equal("text", field!["type"]!.GetValue<string>());
            Assert.Equal("keyword", field["analyzer"]!.GetValue<string>());
            Assert.Equal("freqs", field["index_options"]!.GetValue<string>());
            Assert.Equal("keyword", field["fields"]!["exact"]!["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Without_plugins_the_Chinese_analysis_falls_back_to_bigrams()
    {
        var json = Json(ListingRequests.CreateIndex(Index, ChineseAnalysis.Bigrams, replicas: 0));

        Assert.Equal("cjk", json["mappings"]!["properties"]!["body"]!["fields"]!["zh"]!["analyzer"]!.GetValue<string>());
        Assert.Equal("0", json["settings"]!["number_of_replicas"]!.ToString());
    }

    [Fact]
    public void The_Chinese_analyzer_is_the_best_one_every_node_has()
    {
        Assert.Equal("smartcn", ChineseAnalysis.Choose([["analysis-smartcn", "analysis-icu"], ["analysis-smartcn"]]));
        Assert.Equal("icu_analyzer", ChineseAnalysis.Choose([["analysis-smartcn", "analysis-icu"], ["analysis-icu"]]));
        Assert.Equal("cjk", ChineseAnalysis.Choose([["analysis-smartcn"], []]));
        Assert.Equal("cjk", ChineseAnalysis.Choose([]));
    }

    [Fact]
    public void A_search_scores_the_plans_clauses_by_name_and_filters_what_the_viewer_may_see()
    {
        var viewer = Guid.NewGuid();
        var clauses = new[]
        {
            Clause(ClauseKind.Text, "all", "cool", 1.5),
            Clause(ClauseKind.Glossary, "concepts", "zh:t12", 1.25),
        };

        var json = Json(ListingRequests.Search(Index, Request("cooling", viewer), clauses));

        Assert.Equal(10, json["from"]!.GetValue<int>());
        Assert.Equal(5, json["size"]!.GetValue<int>());
        Assert.True(json["track_total_hits"]!.GetValue<bool>());
        var query = json["query"]!["bool"]!;
        Assert.Equal("1", query["minimum_should_match"]!.ToString());
        var should = Items(query["should"]);
        Assert.Equal(2, should.Count);
        Assert.Equal("cool", should[0]!["term"]!["engine.all"]!["value"]!.GetValue<string>());
        Assert.Equal(1.5, should[0]!["term"]!["engine.all"]!["boost"]!.GetValue<double>());
        Assert.Equal("c0", should[0]!["term"]!["engine.all"]!["_name"]!.GetValue<string>());
        Assert.Equal("zh:t12", should[1]!["term"]!["engine.concepts"]!["value"]!.GetValue<string>());
        Assert.Equal("c1", should[1]!["term"]!["engine.concepts"]!["_name"]!.GetValue<string>());

        var filters = Items(Items(query["filter"])[0]["bool"]!["filter"]).Select(f => f.ToJsonString()).ToList();
        Assert.Contains(filters, f => f.Contains("\"open\":{\"value\":true}") || f.Contains("\"open\":{\"value\":\"true\"}"));
        Assert.Contains(filters, f => f.Contains("\"kind\":{\"value\":\"technology\"}"));
        Assert.Contains(filters, f => f.Contains("\"sector\":{\"value\":\"plastics\"}"));
        Assert.Contains(filters, f => f.Contains("\"range\":{\"trl\":{\"gte\":5"));
        var visibility = Assert.Single(filters, f => f.Contains("staff-only"));
        Assert.Contains("\"must_not\":{\"term\":{\"visibility\":{\"value\":\"staff-only\"}}}", visibility);
        Assert.Contains($"\"org\":{{\"value\":\"{viewer:N}\"}}", visibility);

        Assert.Equal("sector", json["aggregations"]!["sectors"]!["terms"]!["field"]!.GetValue<string>());
        var sort = json["sort"]!.ToJsonString();
        Assert.Contains("_score", sort);
        Assert.True(sort.IndexOf("_score", StringComparison.Ordinal) < sort.IndexOf("\"id\"", StringComparison.Ordinal));
        Assert.Contains("engine", json["_source"]!["excludes"]!.ToJsonString());

        var highlight = json["highlight"]!;
        Assert.Equal("", highlight["pre_tags"]![0]!.GetValue<string>());
        var fields = Items(highlight["fields"]).SelectMany(x => x.AsObject()).ToDictionary(x => x.Key, x => x.Value!);
        Assert.Equal(["body", "body.zh"], fields.Keys);
        Assert.Equal("cooling", fields["body.zh"]["highlight_query"]!["match"]!["body.zh"]!["query"]!.GetValue<string>());
    }

    [Fact]
    public void Staff_see_staff_only_listings_and_a_blank_query_lists_newest_first()
    {
        var json = Json(ListingRequests.Search(Index, Request(null, staff: true), null));

        Assert.DoesNotContain("staff-only", json["query"]!.ToJsonString());
        Assert.Null(json["query"]!["bool"]!["should"]);
        Assert.Null(json["highlight"]);
        var sort = json["sort"]!.ToJsonString();
        Assert.Contains("\"updated\":{\"order\":\"desc\"}", sort);
        Assert.Contains("\"id\":{\"order\":\"asc\"}", sort);
        Assert.DoesNotContain("_score", sort);
    }

    [Fact]
    public void Candidates_are_open_listings_of_the_other_kind_never_the_listing_itself_with_each_clause_scored()
    {
        var self = Guid.NewGuid();
        var request = ListingRequests.Candidates(Index, self, ListingKind.Need, [Clause(ClauseKind.Text, "all", "warpag", 2)], 50);

        var json = Json(request);

        Assert.True(request.IncludeNamedQueriesScore);
        Assert.Equal(50, json["size"]!.GetValue<int>());
        var query = json["query"]!["bool"]!;
        Assert.Equal($"[\"{self:N}\"]", Items(query["must_not"])[0]["ids"]!["values"]!.ToJsonString());
        var filters = query["filter"]!.ToJsonString();
        Assert.Contains("\"kind\":{\"value\":\"need\"}", filters);
        Assert.Contains("\"open\":{\"value\":", filters);
        Assert.DoesNotContain("visibility", filters);
        Assert.Equal("c0", Items(query["should"])[0]["term"]!["engine.all"]!["_name"]!.GetValue<string>());
    }

    [Fact]
    public void Term_statistics_are_document_counts_of_exactly_the_planned_terms_per_field()
    {
        var request = ListingRequests.TermStatistics(Index, new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["all"] = ["warpag", "cool", "模具"],
            ["concepts"] = ["en:t3"],
            ["symptoms"] = [],
        });

        var json = Json(request);

        Assert.Equal(0, json["size"]!.GetValue<int>());
        Assert.True(json["track_total_hits"]!.GetValue<bool>());
        var aggregations = json["aggregations"]!.AsObject();
        Assert.Equal(["all", "concepts"], aggregations.Select(x => x.Key).Order(StringComparer.Ordinal));
        Assert.Equal("engine.all.exact", aggregations["all"]!["terms"]!["field"]!.GetValue<string>());
        Assert.Equal(3, aggregations["all"]!["terms"]!["size"]!.GetValue<int>());
        Assert.Equal(
            new[] { "cool", "warpag", "模具" }.Order(StringComparer.Ordinal),
            aggregations["all"]!["terms"]!["include"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public void Field_scores_are_asked_for_the_ranked_listings_only()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var request = ListingRequests.FieldScores(Index, ids, [Clause(ClauseKind.Text, "title", "cool", 1)]);

        var json = Json(request);

        Assert.True(request.IncludeNamedQueriesScore);
        Assert.Equal(2, json["size"]!.GetValue<int>());
        Assert.Equal(ids.Select(id => id.ToString("N")), Items(json["query"]!["bool"]!["filter"])[0]["ids"]!["values"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("c0", Items(json["query"]!["bool"]!["should"])[0]["term"]!["engine.title"]!["_name"]!.GetValue<string>());
    }

    [Fact]
    public void A_stored_listing_carries_the_engines_analysis_and_reads_back_whole()
    {
        using var analyzer = new ListingAnalyzer(DomainGlossary.Embedded);
        var profiler = new ListingProfiler(analyzer.Analyser, new ConceptMatcher(DomainGlossary.Embedded, analyzer.Analyser));
        var listing = Listings.Technology("Warpage control", "Conformal cooling reduces warpage of injection moulded parts.",
            ["cooling"], sector: "plastics", trl: 6);
        var profile = profiler.Profile(listing);
        var translated = QueryPlan.DocumentTranslations(profile, new DictionaryBridge(analyzer.Analyser));

        var source = ListingSource.From(listing, profile, translated, ElasticsearchListingIndex.Version);
        var json = JsonNode.Parse(s_client.SourceSerializer.SerializeToString(source))!;

        Assert.Equal(listing.Id.ToString("N"), json["id"]!.GetValue<string>());
        Assert.Equal("technology", json["kind"]!.GetValue<string>());
        Assert.Equal(listing.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), json["updated"]!.GetValue<string>());
        var all = json["engine"]!["all"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        var title = json["engine"]!["title"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.NotEmpty(title);
        Assert.All(title, term => Assert.True(all.Count(t => t == term) >= 2, $"title term {term} counted twice in all"));
        Assert.NotEmpty(json["engine"]!["concepts"]!.AsArray());
        Assert.NotEmpty(json["engine"]!["translated"]!.AsArray());

        var read = s_client.SourceSerializer.Deserialize<ListingSource>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())))!;
        Assert.Equal(listing with { Keywords = [] }, read.ToListing() with { Keywords = [] });
        Assert.Equal(listing.Keywords, read.ToListing().Keywords);
    }

    [Fact]
    public void Listings_of_another_analysis_version_are_counted_as_stale()
    {
        var json = Json(ListingRequests.Stale(Index, ElasticsearchListingIndex.Version));

        Assert.Equal(ElasticsearchListingIndex.Version, Items(json["query"]!["bool"]!["must_not"])[0]["term"]!["version"]!["value"]!.GetValue<string>());
        Assert.StartsWith(LuceneListingIndex.EngineVersion + "/es", ElasticsearchListingIndex.Version);
    }
}
