using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace Matchmaking.Matching.Engine;

// What the ranking knows of a candidate besides its text: read from doc values for each hit.
internal sealed record CandidateFacts(Guid Id, Guid Organisation, string? Sector, int? Trl, DateTimeOffset? UpdatedAt, string Language)
{
    public bool Chinese => Language.StartsWith("zh", StringComparison.Ordinal);
}

// Splits each hit's score into the contributions of the query's clauses by scoring every clause on its own for just
// the hits. With coordination off and BM25's unit query norm, those contributions add up to the hit's text score;
// the ranking model then weighs the text, bridge and structured features, and the explanation shows each part.
internal static class MatchExplainer
{
    private const int TermsInSummary = 5;
    private const int BridgesInSummary = 3;

    public static Dictionary<int, List<(QueryClause Clause, double Score)>> Contributions(
        IndexSearcher searcher, IReadOnlyList<QueryClause> clauses, IReadOnlyList<ScoreDoc> hits)
    {
        var result = hits.ToDictionary(hit => hit.Doc, _ => new List<(QueryClause Clause, double Score)>());
        var leaves = searcher.IndexReader.Leaves;
        var hitsByLeaf = hits
            .Select(hit => hit.Doc)
            .GroupBy(doc => ReaderUtil.SubIndex(doc, leaves))
            .Select(group => (Leaf: leaves[group.Key], Docs: group.Order().ToArray()))
            .ToList();

        // A term clause planned over this reader is scored straight from the postings: per segment and field one terms
        // enumerator and one postings enumerator serve every term, and a term that several clauses share (a word and
        // a translation that meet) is read once. The scores are BM25's own (the similarity's scorer, as a TermQuery
        // scores), so they still add up to the hit's score. Any other clause is scored through its query.
        var scores = new double[clauses.Count][];
        var terms = new Dictionary<Term, List<int>>();
        for (var i = 0; i < clauses.Count; i++)
        {
            if (clauses[i].Query is TermQuery query && clauses[i].Context is { } context
                && ReferenceEquals(context.TopReaderContext, searcher.TopReaderContext))
            {
                if (!terms.TryGetValue(query.Term, out var sharing))
                {
                    terms[query.Term] = sharing = [];
                }

                sharing.Add(i);
            }
            else
            {
                scores[i] = ScoreByQuery(searcher, clauses[i].Query, hitsByLeaf, hits.Count);
            }
        }

        ScoreFromPostings(searcher, clauses, terms, hitsByLeaf, hits.Count, scores);

        var position = 0;
        var hitIndex = new Dictionary<int, int>(hits.Count);
        foreach (var (_, docs) in hitsByLeaf)
        {
            foreach (var doc in docs)
            {
                hitIndex[doc] = position++;
            }
        }

        for (var i = 0; i < clauses.Count; i++)
        {
            foreach (var (leaf, docs) in hitsByLeaf)
            {
                foreach (var doc in docs)
                {
                    var score = scores[i][hitIndex[doc]];
                    if (!double.IsNaN(score))
                    {
                        result[doc].Add((clauses[i], score));
                    }
                }
            }
        }

        // A group of alternatives scores its best clause and a tie-breaking share of the others, as the query does.
        foreach (var list in result.Values)
        {
            if (list.Count < 2 || list.All(c => c.Clause.Group is null))
            {
                continue;
            }

            // Groups in order of first appearance, each best first (a stable sort keeps ties in clause order).
            var units = new List<List<(QueryClause Clause, double Score)>>();
            var byGroup = new Dictionary<string, List<(QueryClause Clause, double Score)>>(StringComparer.Ordinal);
            foreach (var contribution in list)
            {
                if (contribution.Clause.Group is not { } group)
                {
                    units.Add([contribution]);
                }
                else if (byGroup.TryGetValue(group, out var unit))
                {
                    unit.Add(contribution);
                }
                else
                {
                    byGroup[group] = unit = [contribution];
                    units.Add(unit);
                }
            }

            list.Clear();
            foreach (var unit in units)
            {
                list.AddRange(unit
                    .OrderByDescending(c => c.Score)
                    .Select((c, rank) => (c.Clause, Score: rank == 0 ? c.Score : c.Score * QueryPlan.GroupTieBreaker)));
            }
        }

        return result;
    }

    // Each clause's score for each hit (in hitsByLeaf order), NaN where it does not match.
    private static void ScoreFromPostings(
        IndexSearcher searcher,
        IReadOnlyList<QueryClause> clauses,
        Dictionary<Term, List<int>> terms,
        List<(AtomicReaderContext Leaf, int[] Docs)> hitsByLeaf,
        int hitCount,
        double[][] scores)
    {
        var similarity = searcher.Similarity;
        var weights = new Similarity.SimWeight[clauses.Count];
        foreach (var (term, sharing) in terms)
        {
            var collection = searcher.CollectionStatistics(term.Field);
            var statistics = searcher.TermStatistics(term, clauses[sharing[0]].Context!);
            foreach (var i in sharing)
            {
                var weight = similarity.ComputeWeight(clauses[i].Query.Boost, collection, statistics);
                var norm = similarity.QueryNorm(weight.GetValueForNormalization());
                weight.Normalize(float.IsInfinity(norm) || float.IsNaN(norm) ? 1f : norm, 1f);
                weights[i] = weight;
                scores[i] = new double[hitCount];
                Array.Fill(scores[i], double.NaN);
            }
        }

        var offset = 0;
        foreach (var (leaf, docs) in hitsByLeaf)
        {
            TermsEnum? termsEnum = null;
            DocsEnum? postings = null;
            string? field = null;
            Terms? fieldTerms = null;
            foreach (var (term, sharing) in terms.OrderBy(x => x.Key.Field, StringComparer.Ordinal))
            {
                var state = clauses[sharing[0]].Context!.Get(leaf.Ord);
                if (state is null)
                {
                    continue;
                }

                if (term.Field != field)
                {
                    field = term.Field;
                    fieldTerms = leaf.AtomicReader.GetTerms(field);
                    termsEnum = fieldTerms?.GetEnumerator(termsEnum);
                    postings = null;
                }

                if (termsEnum is null)
                {
                    continue;
                }

                termsEnum.SeekExact(term.Bytes, state);
                postings = termsEnum.Docs(leaf.AtomicReader.LiveDocs, postings, DocsFlags.FREQS);
                if (postings is null)
                {
                    continue;
                }

                var scorers = sharing.Select(i => similarity.GetSimScorer(weights[i], leaf)).ToArray();
                for (var d = 0; d < docs.Length; d++)
                {
                    var target = docs[d] - leaf.DocBase;
                    var current = postings.DocID;
                    if (current < target)
                    {
                        current = postings.Advance(target);
                    }

                    if (current == DocIdSetIterator.NO_MORE_DOCS)
                    {
                        break;
                    }

                    if (current != target)
                    {
                        continue;
                    }

                    var frequency = postings.Freq;
                    for (var k = 0; k < sharing.Count; k++)
                    {
                        scores[sharing[k]][offset + d] = scorers[k].Score(target, frequency);
                    }
                }
            }

            offset += docs.Length;
        }
    }

    private static double[] ScoreByQuery(IndexSearcher searcher, Query query, List<(AtomicReaderContext Leaf, int[] Docs)> hitsByLeaf, int hitCount)
    {
        var scores = new double[hitCount];
        Array.Fill(scores, double.NaN);
        var weight = searcher.CreateNormalizedWeight(query);
        var offset = 0;
        foreach (var (leaf, docs) in hitsByLeaf)
        {
            var scorer = weight.GetScorer(leaf, leaf.AtomicReader.LiveDocs);
            for (var d = 0; scorer is not null && d < docs.Length; d++)
            {
                var target = docs[d] - leaf.DocBase;
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
                    scores[offset + d] = scorer.GetScore();
                }
            }

            offset += docs.Length;
        }

        return scores;
    }

    // The text part of the features: each kind of clause's share of the best candidate's text score.
    public static (double Text, double Glossary, double Dictionary, double Symptoms) TextFeatures(
        IReadOnlyList<(QueryClause Clause, double Score)> contributions, double bestText)
    {
        double text = 0, glossary = 0, dictionary = 0, symptoms = 0;
        foreach (var (clause, score) in contributions)
        {
            switch (clause.Kind)
            {
                case ClauseKind.Text:
                    text += score;
                    break;
                case ClauseKind.Glossary:
                    glossary += score;
                    break;
                case ClauseKind.Dictionary:
                    dictionary += score;
                    break;
                default:
                    symptoms += score;
                    break;
            }
        }

        var scale = bestText > 0 ? 1 / bestText : 0;
        return (text * scale, glossary * scale, dictionary * scale, symptoms * scale);
    }

    public static MatchExplanation Explain(
        Listing listing,
        CandidateFacts candidate,
        ListingKind candidateKind,
        RankingFeatures features,
        RankingWeights weights,
        IReadOnlyList<(QueryClause Clause, double Score)> contributions,
        IReadOnlyList<(QueryClause Clause, double Score)> fieldContributions)
    {
        // The shared words' contribution, split over the candidate's fields in proportion to how they score there.
        var byField = ListingDocument.TextFields.ToDictionary(
            field => field,
            field => fieldContributions.Where(c => c.Clause.Field == field).Sum(c => c.Score));
        var fieldTotal = byField.Values.Sum();
        var text = weights.Text * features.Text;
        var contributionsByFeature = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var field in ListingDocument.TextFields)
        {
            contributionsByFeature[field] = fieldTotal > 0 ? text * byField[field] / fieldTotal : field == ListingDocument.Body ? text : 0;
        }

        contributionsByFeature["glossary"] = weights.Glossary * features.Glossary;
        contributionsByFeature["dictionary"] = weights.Dictionary * features.Dictionary;
        contributionsByFeature["symptoms"] = weights.Symptoms * features.Symptoms;
        contributionsByFeature["sector"] = weights.Sector * features.Sector;
        contributionsByFeature["trl"] = weights.Trl * features.Trl;
        contributionsByFeature["freshness"] = weights.Freshness * features.Freshness;

        var terms = contributions
            .Where(c => c.Clause.Kind == ClauseKind.Text)
            .GroupBy(c => c.Clause.Surface, StringComparer.Ordinal)
            .Select(group => (Surface: group.Key, Score: group.Sum(c => c.Score)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Surface, StringComparer.Ordinal)
            .Select(x => x.Surface)
            .ToList();

        var bridges = contributions
            .Where(c => c.Clause.Kind != ClauseKind.Text)
            .Select(c => (Text: QueryPlan.Describe(c.Clause, candidate.Chinese), c.Score))
            .GroupBy(x => x.Text, StringComparer.Ordinal)
            .Select(group => (Text: group.Key, Score: group.Sum(x => x.Score)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Text, StringComparer.Ordinal)
            .Select(x => x.Text)
            .ToList();

        var fields = byField
            .Where(x => x.Value > 0)
            .OrderByDescending(x => x.Value)
            .Select(x => FieldName(x.Key, candidateKind))
            .ToList();

        return new MatchExplanation(Summarise(terms, fields, bridges, listing, candidate, candidateKind), terms, contributionsByFeature)
        {
            Bridges = bridges,
        };
    }

    private static string FieldName(string field, ListingKind candidateKind) => field switch
    {
        ListingDocument.Body => candidateKind == ListingKind.Technology ? "summary" : "problem",
        _ => field,
    };

    private static string Summarise(
        IReadOnlyList<string> terms, IReadOnlyList<string> fields, IReadOnlyList<string> bridges,
        Listing listing, CandidateFacts candidate, ListingKind candidateKind)
    {
        var sentences = new List<string>();
        if (terms.Count > 0)
        {
            sentences.Add($"Matched on {List(terms.Select(term => $"'{term}'").ToList(), TermsInSummary, "term")} in {JoinWithAnd(fields)}.");
        }

        if (bridges.Count > 0)
        {
            sentences.Add($"{(terms.Count > 0 ? "Also bridged" : "Matched through")} {List(bridges, BridgesInSummary, "bridge")}.");
        }

        if (sentences.Count == 0)
        {
            return "No shared terms.";
        }

        if (!string.IsNullOrEmpty(listing.Sector) && !string.IsNullOrEmpty(candidate.Sector))
        {
            sentences.Add(listing.Sector == candidate.Sector ? $"Same sector ({candidate.Sector})." : $"Sector {candidate.Sector}.");
        }

        var (technologyTrl, minimumTrl) = candidateKind == ListingKind.Technology ? (candidate.Trl, listing.Trl) : (listing.Trl, candidate.Trl);
        if (technologyTrl is { } trl && minimumTrl is { } minimum)
        {
            sentences.Add(trl >= minimum
                ? string.Create(CultureInfo.InvariantCulture, $"TRL {trl} meets the minimum of {minimum}.")
                : string.Create(CultureInfo.InvariantCulture, $"TRL {trl} is below the minimum of {minimum}."));
        }

        return string.Join(' ', sentences);
    }

    private static string List(IReadOnlyList<string> items, int shown, string noun)
    {
        var quoted = items.Take(shown).ToList();
        var more = items.Count - quoted.Count;
        return more > 0
            ? $"{string.Join(", ", quoted)} and {more.ToString(CultureInfo.InvariantCulture)} more {(more == 1 ? noun : noun + "s")}"
            : JoinWithAnd(quoted);
    }

    private static string JoinWithAnd(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}",
    };
}
