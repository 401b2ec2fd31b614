using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Matchmaking.Matching.Engine;

// Splits each hit's score into the contributions of the query's term clauses by scoring every clause on its own
// for just the hits. With coordination off and BM25's unit query norm, those contributions add up to the hit's score.
internal static class MatchExplainer
{
    private const int TermsInSummary = 5;

    public static Dictionary<int, List<(TermClause Clause, double Score)>> Contributions(
        IndexSearcher searcher, IReadOnlyList<TermClause> clauses, IReadOnlyList<ScoreDoc> hits)
    {
        var result = hits.ToDictionary(hit => hit.Doc, _ => new List<(TermClause, double)>());
        var leaves = searcher.IndexReader.Leaves;
        var hitsByLeaf = hits
            .Select(hit => hit.Doc)
            .GroupBy(doc => ReaderUtil.SubIndex(doc, leaves))
            .Select(group => (Leaf: leaves[group.Key], Docs: group.Order().ToArray()))
            .ToList();

        foreach (var clause in clauses)
        {
            var weight = searcher.CreateNormalizedWeight(clause.Query);
            foreach (var (leaf, docs) in hitsByLeaf)
            {
                var scorer = weight.GetScorer(leaf, leaf.AtomicReader.LiveDocs);
                if (scorer is null)
                {
                    continue;
                }

                foreach (var doc in docs)
                {
                    var target = doc - leaf.DocBase;
                    var current = scorer.DocID;
                    if (current < target)
                    {
                        current = scorer.Advance(target);
                    }

                    if (current == DocIdSetIterator.NO_MORE_DOCS)
                    {
                        break;
                    }

                    if (current == target)
                    {
                        result[doc].Add((clause, scorer.GetScore()));
                    }
                }
            }
        }

        return result;
    }

    public static MatchExplanation Explain(ListingKind candidateKind, IReadOnlyList<(TermClause Clause, double Score)> contributions)
    {
        var features = ListingDocument.TextFields.ToDictionary(
            field => field,
            field => contributions.Where(c => c.Clause.Field == field).Sum(c => c.Score));

        var terms = contributions
            .GroupBy(c => c.Clause.Term.Surface, StringComparer.Ordinal)
            .Select(group => (Surface: group.Key, Score: group.Sum(c => c.Score)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Surface, StringComparer.Ordinal)
            .Select(x => x.Surface)
            .ToList();

        var fields = features
            .Where(x => x.Value > 0)
            .OrderByDescending(x => x.Value)
            .Select(x => FieldName(x.Key, candidateKind))
            .ToList();

        return new MatchExplanation(Summarise(terms, fields), terms, features);
    }

    private static string FieldName(string field, ListingKind candidateKind) => field switch
    {
        ListingDocument.Body => candidateKind == ListingKind.Technology ? "summary" : "problem",
        _ => field,
    };

    private static string Summarise(IReadOnlyList<string> terms, IReadOnlyList<string> fields)
    {
        if (terms.Count == 0)
        {
            return "No shared terms.";
        }

        var quoted = terms.Take(TermsInSummary).Select(term => $"'{term}'").ToList();
        var more = terms.Count - quoted.Count;
        var termList = more > 0
            ? $"{string.Join(", ", quoted)} and {more.ToString(CultureInfo.InvariantCulture)} more {(more == 1 ? "term" : "terms")}"
            : JoinWithAnd(quoted);
        return $"Matched on {termList} in {JoinWithAnd(fields)}.";
    }

    private static string JoinWithAnd(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}",
    };
}
