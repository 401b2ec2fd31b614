using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;

namespace Matchmaking.Matching.Engine.Tests;

public sealed class ContributionTests : IDisposable
{
    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_clause_is_credited_what_its_own_query_scores_for_the_hit()
    {
        _temp.Index.UpsertMany(
        [
            Listings.Technology("Conformal cooling for injection moulds", "Cooling channels follow the cavity, so moulded parts warp less and cycles are shorter."),
            Listings.Technology("注塑模具随形冷却", "冷却水路贴合型腔，减少翘曲变形，缩短成型周期。", language: "zh-Hans"),
            Listings.Technology("Battery state of charge estimation", "A Kalman filter for lithium cells in cold weather."),
            Listings.Technology("Mould cleaning with dry ice", "Dry ice blasting cleans moulds without cooling them down."),
        ]);
        _temp.Reopen();
        var need = Listings.Need("注塑件冷卻後變形", "我哋啲注塑件冷卻之後翹曲，模具冷卻唔均勻。", language: "zh-Hant");

        using var plan = Plan.Open(_temp.Folder, need);
        var (searcher, clauses) = (plan.Searcher, plan.Clauses);
        var hits = searcher.Search(QueryPlan.ToQuery(clauses), 10).ScoreDocs;
        Assert.True(hits.Length >= 2, $"{hits.Length} hits");

        var contributions = MatchExplainer.Contributions(searcher, clauses, hits);

        var credited = 0;
        foreach (var hit in hits)
        {
            // Before the group tie-breaker, each clause's score is what its own term query scores for the document.
            var expected = clauses
                .Select(clause => (Clause: clause, Score: (double)searcher.Explain(clause.Query, hit.Doc).Value))
                .Where(x => x.Score > 0)
                .ToList();
            var actual = contributions[hit.Doc];
            Assert.Equal(expected.Count, actual.Count);
            foreach (var (clause, score) in actual)
            {
                var own = expected.Single(x => ReferenceEquals(x.Clause, clause)).Score;
                var best = actual.Where(x => clause.Group is not null && x.Clause.Group == clause.Group).Select(x => x.Score).DefaultIfEmpty(score).Max();
                Assert.True(
                    Math.Abs(score - own) < 1e-5 || Math.Abs(score - (own * QueryPlan.GroupTieBreaker)) < 1e-5,
                    $"{clause.Term}: {score} against {own} (best of its group {best})");
                credited++;
            }

            // And they add up to the hit's score, as the query combines them (best of a group plus a share of the rest).
            Assert.Equal(hit.Score, actual.Sum(x => x.Score), 3);
        }

        Assert.True(credited > 0);
    }

    [Fact]
    public void Scores_from_the_documents_terms_are_those_from_the_postings()
    {
        _temp.Index.UpsertMany(
        [
            Listings.Technology("Conformal cooling for injection moulds", "Cooling channels follow the cavity, so moulded parts warp less and cycles are shorter.", ["cooling"]),
            Listings.Technology("注塑模具随形冷却", "冷却水路贴合型腔，减少翘曲变形，缩短成型周期。", language: "zh-Hans"),
            Listings.Technology("Mould cleaning with dry ice", "Dry ice blasting cleans moulds without cooling them down."),
            Listings.Technology("Warpage prediction for moulded housings", "Simulation predicts warp after cooling; cooling time is cut by a fifth."),
        ]);
        _temp.Index.Upsert(Listings.Technology("Cooling towers", "Evaporative cooling for plants, cooling water reuse."));
        _temp.Reopen();
        var need = Listings.Need("Housings warp after cooling 注塑件變形", "8% of moulded housings warp after cooling. 模具冷卻唔均勻，翹曲。");

        using var plan = Plan.Open(_temp.Folder, need);
        var (searcher, clauses) = (plan.Searcher, plan.Clauses);
        var hits = searcher.Search(QueryPlan.ToQuery(clauses), 10).ScoreDocs;
        Assert.True(hits.Length >= 4, $"{hits.Length} hits");

        var fromTerms = MatchExplainer.Contributions(searcher, clauses, hits, fromDocumentTerms: true);
        var fromPostings = MatchExplainer.Contributions(searcher, clauses, hits, fromDocumentTerms: false);

        foreach (var hit in hits)
        {
            var expected = fromPostings[hit.Doc].Select(c => (c.Clause.Field, c.Clause.Term, c.Score)).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, fromTerms[hit.Doc].Select(c => (c.Clause.Field, c.Clause.Term, c.Score)).ToList());
        }

        Assert.Contains(fromTerms.Values.SelectMany(x => x), c => c.Clause.Field == ListingDocument.Translated);
        Assert.Contains(fromTerms.Values.SelectMany(x => x), c => c.Clause.Field == ListingDocument.Concepts);
    }

    // The index on disk opened for reading, with BM25, and the need's query clauses as the engine plans them.
    private sealed class Plan : IDisposable
    {
        private readonly FSDirectory _directory;
        private readonly ListingAnalyzer _analyzer;

        private Plan(string folder, Listing need)
        {
            _directory = FSDirectory.Open(folder);
            Reader = DirectoryReader.Open(_directory);
            Searcher = new IndexSearcher(Reader) { Similarity = new BM25Similarity() };
            _analyzer = new ListingAnalyzer(DomainGlossary.Embedded);
            var profiler = new ListingProfiler(_analyzer.Analyser, new ConceptMatcher(DomainGlossary.Embedded, _analyzer.Analyser));
            Clauses = QueryPlan.Build(Reader, profiler.Profile(need), ListingKind.Need, new DictionaryBridge(_analyzer.Analyser), profiler.Concepts);
        }

        public DirectoryReader Reader { get; }

        public IndexSearcher Searcher { get; }

        public List<QueryClause> Clauses { get; }

        public static Plan Open(string folder, Listing need) => new(folder, need);

        public void Dispose()
        {
            _analyzer.Dispose();
            Reader.Dispose();
            _directory.Dispose();
        }
    }
}
