using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

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
        IndexSearcher searcher, IReadOnlyList<QueryClause> clauses, IReadOnlyList<ScoreDoc> hits) =>
        Contributions(searcher, clauses, hits, fromDocumentTerms: true);

    // fromDocumentTerms false scores every term clause from its postings, as an index without DocumentTerms is scored.
    internal static Dictionary<int, List<(QueryClause Clause, double Score)>> Contributions(
        IndexSearcher searcher, IReadOnlyList<QueryClause> clauses, IReadOnlyList<ScoreDoc> hits, bool fromDocumentTerms)
    {
        var result = hits.ToDictionary(hit => hit.Doc, _ => new List<(QueryClause Clause, double Score)>());
        var leaves = searcher.IndexReader.Leaves;
        var hitsByLeaf = new List<LeafHits>();
        var position = 0;
        foreach (var group in hits.Select(hit => hit.Doc).GroupBy(doc => ReaderUtil.SubIndex(doc, leaves)))
        {
            var docs = group.Order().ToArray();
            hitsByLeaf.Add(new LeafHits(leaves[group.Key], docs, [.. Enumerable.Range(position, docs.Length)]));
            position += docs.Length;
        }

        // A term clause planned over this reader is scored with BM25's own scorer (the similarity's, as a TermQuery
        // scores), so the contributions still add up to the hit's score: from the candidate's own terms where the index
        // keeps them (DocumentTerms) and the clause's field is among them, otherwise straight from the postings, where
        // per segment and field one terms enumerator and one postings enumerator serve every term and a term that
        // several clauses share (a word and a translation that meet) is read once. Any other clause is scored through
        // its query.
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

        var weights = TermWeights(searcher, clauses, terms, hits.Count, scores);
        var forward = fromDocumentTerms ? ForwardLookup(terms) : null;
        var elsewhere = forward is null || terms.Keys.Any(term => DocumentTerms.FieldNumber(term.Field) < 0);
        foreach (var leafHits in hitsByLeaf)
        {
            if (forward is null)
            {
                ScoreFromPostings(searcher.Similarity, clauses, terms, leafHits, weights, skipFields: null, scores);
                continue;
            }

            var (read, unread) = ScoreFromDocumentTerms(searcher.Similarity, leafHits, forward, weights, scores);
            if (elsewhere && read.Docs.Length > 0)
            {
                ScoreFromPostings(searcher.Similarity, clauses, terms, read, weights, DocumentTerms.Fields, scores);
            }

            if (unread.Docs.Length > 0)
            {
                ScoreFromPostings(searcher.Similarity, clauses, terms, unread, weights, skipFields: null, scores);
            }
        }

        // Each hit's contributions in clause order, except that a group of alternatives scores its best clause and a
        // tie-breaking share of the others, as the query does: its clauses stand together where the first of them
        // would, best first (ties in clause order).
        var groupOf = new int[clauses.Count];
        var groupIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < clauses.Count; i++)
        {
            groupOf[i] = -1;
            if (clauses[i].Group is { } group)
            {
                if (!groupIds.TryGetValue(group, out var id))
                {
                    groupIds[group] = id = groupIds.Count;
                }

                groupOf[i] = id;
            }
        }

        var matched = new List<int>(clauses.Count);
        var unit = new List<(QueryClause Clause, double Score)>();
        var members = new int[groupIds.Count];
        foreach (var (_, docs, positions) in hitsByLeaf)
        {
            for (var d = 0; d < docs.Length; d++)
            {
                var p = positions[d];
                matched.Clear();
                var alternatives = false;
                for (var i = 0; i < clauses.Count; i++)
                {
                    if (!double.IsNaN(scores[i][p]))
                    {
                        matched.Add(i);
                        alternatives |= groupOf[i] >= 0 && ++members[groupOf[i]] == 2;
                    }
                }

                var list = result[docs[d]];
                list.Capacity = matched.Count;
                foreach (var i in matched)
                {
                    var group = groupOf[i];
                    if (!alternatives || group < 0 || members[group] == 1)
                    {
                        list.Add((clauses[i], scores[i][p]));
                    }
                    else if (members[group] > 1)
                    {
                        unit.Clear();
                        foreach (var j in matched)
                        {
                            if (groupOf[j] == group)
                            {
                                // Insertion keeps equal scores in clause order: a stable sort, best first.
                                var at = unit.Count;
                                while (at > 0 && unit[at - 1].Score < scores[j][p])
                                {
                                    at--;
                                }

                                unit.Insert(at, (clauses[j], scores[j][p]));
                            }
                        }

                        for (var rank = 0; rank < unit.Count; rank++)
                        {
                            list.Add(rank == 0 ? unit[rank] : (unit[rank].Clause, unit[rank].Score * QueryPlan.GroupTieBreaker));
                        }

                        // The group's later clauses are in already.
                        members[group] = 0;
                    }
                }

                foreach (var i in matched)
                {
                    if (groupOf[i] >= 0)
                    {
                        members[groupOf[i]] = 0;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Each hit's own-word score split over its title, keywords and body, for explanations: a shared word's score (on
    /// All) goes to each field in proportion to the occurrences that field puts into All, where the title stands
    /// <see cref="ListingDocument.TitleRepeats"/> times and the keywords and body once. The title's and keywords'
    /// counts come from the hit's own terms (DocumentTerms); the body has the rest. A hit without them (indexed in an
    /// older format) credits the body with everything.
    /// </summary>
    public static Dictionary<int, Dictionary<string, double>> FieldShares(
        IndexReader reader, IReadOnlyList<int> docs, IReadOnlyDictionary<int, List<(QueryClause Clause, double Score)>> contributions)
    {
        var all = DocumentTerms.FieldNumber(ListingDocument.All);
        var title = DocumentTerms.FieldNumber(ListingDocument.Title);
        var keywords = DocumentTerms.FieldNumber(ListingDocument.Keywords);
        var leaves = reader.Leaves;
        var scratch = new BytesRef();
        var result = new Dictionary<int, Dictionary<string, double>>(docs.Count);
        Span<char> buffer = stackalloc char[128];
        foreach (var doc in docs)
        {
            var shares = ListingDocument.TextFields.ToDictionary(field => field, _ => 0.0, StringComparer.Ordinal);
            result[doc] = shares;
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (clause, score) in contributions[doc])
            {
                if (clause.Kind == ClauseKind.Text && clause.Field == ListingDocument.All && score > 0)
                {
                    scores[clause.Term] = scores.GetValueOrDefault(clause.Term) + score;
                }
            }

            if (scores.Count == 0)
            {
                continue;
            }

            var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
            var values = leaf.AtomicReader.GetBinaryDocValues(ListingDocument.Terms);
            values?.Get(doc - leaf.DocBase, scratch);
            var data = values is null ? default : scratch.Bytes.AsSpan(scratch.Offset, scratch.Length);
            if (!DocumentTerms.Readable(data))
            {
                shares[ListingDocument.Body] = scores.Values.Sum();
                continue;
            }

            // Occurrences in All, in the title and in the keywords, per shared word.
            var counts = scores.Keys.ToDictionary(term => term, _ => new int[3], StringComparer.Ordinal);
            var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
            var terms = DocumentTerms.Read(data);
            while (terms.MoveNext())
            {
                var slot = terms.Field == all ? 0 : terms.Field == title ? 1 : terms.Field == keywords ? 2 : -1;
                if (slot < 0)
                {
                    continue;
                }

                if (lookup.TryGetValue(DocumentTerms.Text(terms.Term, buffer), out var count))
                {
                    count[slot] = terms.Frequency;
                }
            }

            foreach (var (term, score) in scores)
            {
                var count = counts[term];
                var inAll = Math.Max(1, count[0]);
                var inTitle = Math.Min(inAll, ListingDocument.TitleRepeats * count[1]);
                var inKeywords = Math.Min(inAll - inTitle, count[2]);
                shares[ListingDocument.Title] += score * inTitle / inAll;
                shares[ListingDocument.Keywords] += score * inKeywords / inAll;
                shares[ListingDocument.Body] += score * (inAll - inTitle - inKeywords) / inAll;
            }
        }

        return result;
    }

    /// <summary>Per text field, the scores of the given per-field clauses in it (an index that scores its fields apart).</summary>
    public static Dictionary<string, double> FieldShares(IReadOnlyList<(QueryClause Clause, double Score)> fieldContributions) =>
        ListingDocument.TextFields.ToDictionary(
            field => field,
            field => fieldContributions.Where(c => c.Clause.Field == field).Sum(c => c.Score),
            StringComparer.Ordinal);

    // A segment's hits: their doc ids (ascending) and their places in the score arrays.
    private sealed record LeafHits(AtomicReaderContext Leaf, int[] Docs, int[] Positions);

    // Each term clause's BM25 weight, normalised as a query of its own would be; its score array starts all NaN.
    private static Similarity.SimWeight[] TermWeights(
        IndexSearcher searcher, IReadOnlyList<QueryClause> clauses, Dictionary<Term, List<int>> terms, int hitCount, double[][] scores)
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

        return weights;
    }

    // Per field kept in DocumentTerms, its term clauses by term text; null when no clause searches such a field.
    private static Dictionary<string, int[]>[]? ForwardLookup(Dictionary<Term, List<int>> terms)
    {
        Dictionary<string, int[]>[]? lookup = null;
        foreach (var (term, sharing) in terms)
        {
            var field = DocumentTerms.FieldNumber(term.Field);
            if (field < 0)
            {
                continue;
            }

            lookup ??= [.. DocumentTerms.Fields.Select(_ => new Dictionary<string, int[]>(StringComparer.Ordinal))];
            lookup[field][term.Text] = [.. sharing];
        }

        return lookup;
    }

    // Scores the segment's hits from their own terms, for the clauses of the fields kept; returns the hits so scored and
    // those that have no terms kept (indexed before they were), which the postings score.
    private static (LeafHits Read, LeafHits Unread) ScoreFromDocumentTerms(
        Similarity similarity, LeafHits leafHits, Dictionary<string, int[]>[] lookup, Similarity.SimWeight[] weights, double[][] scores)
    {
        var (leaf, docs, positions) = leafHits;
        var values = leaf.AtomicReader.GetBinaryDocValues(ListingDocument.Terms);
        if (values is null)
        {
            return (leafHits with { Docs = [], Positions = [] }, leafHits);
        }

        var lookups = lookup.Select(field => field.GetAlternateLookup<ReadOnlySpan<char>>()).ToArray();
        var scorers = new Similarity.SimScorer?[weights.Length];
        var scratch = new BytesRef();
        Span<char> buffer = stackalloc char[128];
        List<int>? unread = null;
        for (var d = 0; d < docs.Length; d++)
        {
            var target = docs[d] - leaf.DocBase;
            values.Get(target, scratch);
            var data = scratch.Bytes.AsSpan(scratch.Offset, scratch.Length);
            if (!DocumentTerms.Readable(data))
            {
                (unread ??= []).Add(d);
                continue;
            }

            var reader = DocumentTerms.Read(data);
            while (reader.MoveNext())
            {
                if (reader.Field >= lookups.Length)
                {
                    continue;
                }

                if (!lookups[reader.Field].TryGetValue(DocumentTerms.Text(reader.Term, buffer), out var sharing))
                {
                    continue;
                }

                foreach (var i in sharing)
                {
                    var scorer = scorers[i] ??= similarity.GetSimScorer(weights[i], leaf);
                    scores[i][positions[d]] = scorer.Score(target, reader.Frequency);
                }
            }
        }

        if (unread is null)
        {
            return (leafHits, leafHits with { Docs = [], Positions = [] });
        }

        var read = Enumerable.Range(0, docs.Length).Except(unread).ToList();
        return (
            leafHits with { Docs = [.. read.Select(d => docs[d])], Positions = [.. read.Select(d => positions[d])] },
            leafHits with { Docs = [.. unread.Select(d => docs[d])], Positions = [.. unread.Select(d => positions[d])] });
    }

    // Each term clause's score for the segment's hits (at their positions), NaN where it does not match; the clauses of
    // the fields given are left out (scored from the documents' terms).
    private static void ScoreFromPostings(
        Similarity similarity,
        IReadOnlyList<QueryClause> clauses,
        Dictionary<Term, List<int>> terms,
        LeafHits leafHits,
        Similarity.SimWeight[] weights,
        string[]? skipFields,
        double[][] scores)
    {
        var (leaf, docs, positions) = leafHits;
        TermsEnum? termsEnum = null;
        DocsEnum? postings = null;
        string? field = null;
        Terms? fieldTerms = null;
        foreach (var (term, sharing) in terms.OrderBy(x => x.Key.Field, StringComparer.Ordinal))
        {
            if (skipFields is not null && skipFields.Contains(term.Field))
            {
                continue;
            }

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
                    scores[sharing[k]][positions[d]] = scorers[k].Score(target, frequency);
                }
            }
        }
    }

    private static double[] ScoreByQuery(IndexSearcher searcher, Query query, List<LeafHits> hitsByLeaf, int hitCount)
    {
        var scores = new double[hitCount];
        Array.Fill(scores, double.NaN);
        var weight = searcher.CreateNormalizedWeight(query);
        foreach (var (leaf, docs, positions) in hitsByLeaf)
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
                    scores[positions[d]] = scorer.GetScore();
                }
            }
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
        IReadOnlyDictionary<string, double> byField)
    {
        // The shared words' contribution, split over the candidate's fields in proportion to their shares (FieldShares).
        var fieldTotal = byField.Values.Sum();
        var text = weights.Text * features.Text;
        var contributionsByFeature = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var field in ListingDocument.TextFields)
        {
            contributionsByFeature[field] = fieldTotal > 0 ? text * byField.GetValueOrDefault(field) / fieldTotal : field == ListingDocument.Body ? text : 0;
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
            .Where(c => c.Clause.Kind != ClauseKind.Text && !QueryPlan.BridgesToItself(c.Clause, candidate.Chinese))
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
