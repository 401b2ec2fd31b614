using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;

namespace Matchmaking.Matching.Engine;

// Where a query clause's evidence comes from: words both listings use, or a bridge from one vocabulary to another.
internal enum ClauseKind
{
    Text,
    Glossary,
    Dictionary,
    Symptom,
}

// A query term, the word it came from as written, how much it weighs, and whether it is Chinese.
internal sealed record WeightedTerm(string Term, string Surface, double Weight, bool Chinese)
{
    // Every occurrence lies inside a glossary term, which translates it better than the dictionary would.
    public bool Glossed { get; init; }

    // The word as written in Traditional text (see ProfiledField.Written), or null.
    public string? Written { get; init; }
}

// One clause of a match query. Surface is the matched listing's word(s) as written; Bridge says, for a bridge,
// where it led ("翹曲 → warpage (glossary, plastics)"); Target names the bridge's far side in each language.
internal sealed record QueryClause(ClauseKind Kind, string Field, string Term, string Surface, double Weight, Query Query)
{
    // How many listings hold the term: the cost of the clause, and (through idf) its worth.
    public int DocumentFrequency { get; init; }

    // The term's per-segment state in the Lucene reader the plan was made over (null for another store).
    public TermContext? Context { get; init; }

    public string? BridgeTarget { get; init; }

    public string? BridgeTargetChinese { get; init; }

    public string? BridgeNote { get; init; }

    // The listing's word this clause stands for. The clauses of one word (the word itself, its translations, and the
    // other side's translations into it) are alternatives: a candidate is credited with the best of them, not their
    // sum, so a word with many senses counts once however many of them a candidate happens to contain.
    public string? Group { get; init; }
}

// Turns an analysed listing into a weighted disjunction over the index: its own words, and what the glossary, the
// dictionary and the symptom table say they are in the other language or vocabulary. Translated evidence is
// weighted below the words themselves, glossary bridges above general-dictionary ones, symptom-to-method lowest.
internal static class QueryPlan
{
    public const int MaxTerms = 64;

    // Where a word appears in the listing being matched: a word in its title or keywords says more about what it is
    // after than one in passing in its body.
    public static readonly IReadOnlyDictionary<string, double> SourceWeights = new Dictionary<string, double>
    {
        [ListingDocument.Title] = 2.0,
        [ListingDocument.Keywords] = 1.5,
        [ListingDocument.Body] = 1.0,
    };

    // How much translated evidence weighs against the listing's own words (1). A candidate in the other language can
    // only be reached through translations, so they cannot be weighted far below the words (at 0.3, cross-language
    // candidates lost to same-language ones sharing a stray word: dev nDCG@10 0.64 against 0.85), yet the words must
    // still count for more than any expansion of them:
    // - a glossary term is a curated translation of a whole term, found as a phrase: 1.25, which stays below the
    //   word itself plus the same concept found in the candidate's own language (1 + SynonymWeight);
    // - a dictionary translation is a guess among senses: its main sense weighs DictionaryWeight, a later or partial
    //   sense less (the square root of its share against the main one's); the candidate's words translated into the
    //   listing's language at indexing meet the word itself at ReverseWeight. A word's alternatives are combined by
    //   their maximum (plus GroupTieBreaker of the others), so an ambiguous word cannot swamp the query;
    // - symptom to method is a step of reasoning, not a translation: 0.3.
    public const double GlossaryWeight = 1.25;

    public const double DictionaryWeight = 0.8;

    public const double SymptomWeight = 0.3;

    // A glossary synonym in the listing's own language (變形 for 翹曲): weaker than a bridge, since the words
    // themselves usually match already.
    public const double SynonymWeight = 0.5;

    // A single Chinese character is a morpheme more than a word (上, 面, 花): ambiguous alone, so it counts less.
    public const double SingleCharacterWeight = 0.5;

    // A piece of a word the segmenter split and the dictionary joined (我 of 我去): the whole is the likelier reading.
    public const double PartWeight = 0.5;

    // The listing's own words against the other side's dictionary translations (the reverse direction).
    public const double ReverseWeight = 0.6;

    // The share of a word's other alternatives added to its best one.
    public const float GroupTieBreaker = 0.1f;

    // Translations of one word looked up in the index, heaviest first.
    public const int TranslationsPerWord = 8;

    // A translation of a document word is indexed when it carries at least this share of the word.
    public const double ReverseThreshold = 0.2;

    // The dictionary translations of a listing's words, indexed with it (at most a few per word).
    public static List<Token> DocumentTranslations(ListingProfile profile, DictionaryBridge dictionary)
    {
        var tokens = new List<Token>();
        foreach (var field in profile.Fields)
        {
            var glossed = profile.GlossaryTermSpans(field.Field);
            foreach (var token in field.Tokens)
            {
                if (token.Part || ListingProfile.Covers(glossed, token))
                {
                    continue;
                }

                var translations = token.Chinese
                    ? dictionary.ToEnglish(token.Term, field.Written(token))
                    : dictionary.ToChinese(AnalysedText.Surface(field.Text, token.Start, token.End).ToLowerInvariant());
                for (var i = 0; i < translations.Length && i < 3; i++)
                {
                    if (translations[i].Weight >= ReverseThreshold)
                    {
                        tokens.Add(new Token(translations[i].Term, 0, 0, 1, !token.Chinese));
                    }
                }
            }
        }

        return tokens;
    }

    public static List<WeightedTerm> Terms(ListingProfile profile)
    {
        var mass = new Dictionary<string, (string Surface, double Mass, int Order, bool Chinese, bool Glossed, string? Written)>(StringComparer.Ordinal);
        foreach (var field in profile.Fields)
        {
            var boost = SourceWeights[field.Field];
            var spans = profile.GlossaryTermSpans(field.Field);
            foreach (var token in field.Tokens)
            {
                var glossed = ListingProfile.Covers(spans, token);
                var weight = token.Part ? boost * PartWeight : boost;
                mass[token.Term] = mass.TryGetValue(token.Term, out var seen)
                    ? (seen.Surface, seen.Mass + weight, seen.Order, seen.Chinese, seen.Glossed && glossed, seen.Written)
                    : (AnalysedText.Surface(field.Text, token.Start, token.End), weight, mass.Count, token.Chinese, glossed, field.Written(token));
            }
        }

        // Repeating a word should count, but with diminishing returns, so one word cannot drown the others.
        return mass
            .OrderBy(x => x.Value.Order)
            .Select(x => new WeightedTerm(
                x.Key, x.Value.Surface, Math.Sqrt(x.Value.Mass) * (x.Value.Chinese && x.Key.Length == 1 ? SingleCharacterWeight : 1), x.Value.Chinese)
            {
                Glossed = x.Value.Glossed,
                Written = x.Value.Written,
            })
            .ToList();
    }

    // Every clause of a match query for the profile: for at most MaxTerms of the listing's words (the heaviest and
    // rarest), the word itself, its dictionary translations and the other side's translations into it, as one group
    // of alternatives; then the glossary and symptom bridges. Only what the index holds is kept.
    public static List<QueryClause> Build(
        IndexReader reader, ListingProfile profile, ListingKind kind, DictionaryBridge dictionary, ConceptMatcher concepts) =>
        Build(new ReaderTermSource(reader), profile, kind, dictionary, concepts);

    public static List<QueryClause> Build(
        ITermSource reader, ListingProfile profile, ListingKind kind, DictionaryBridge dictionary, ConceptMatcher concepts)
    {
        var terms = Terms(profile);
        var own = terms.Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        var documents = Math.Max(1, reader.NumDocs);
        var groups = new List<(double Rank, int Order, List<QueryClause> Members)>();
        foreach (var term in terms)
        {
            var members = new List<QueryClause>();
            var text = Stats(reader, ListingDocument.All, term.Term);
            if (text.DocFreq > 0)
            {
                members.Add(Clause(ClauseKind.Text, text, term.Term, term.Surface, term.Weight) with { Group = term.Term });
            }

            // The word against the candidates' words translated into this language at indexing.
            var reverse = Stats(reader, ListingDocument.Translated, term.Term);
            if (reverse.DocFreq > 0)
            {
                members.Add(Clause(ClauseKind.Dictionary, reverse, term.Term, term.Surface, ReverseWeight * term.Weight) with
                {
                    BridgeTarget = term.Term,
                    BridgeTargetChinese = term.Term,
                    BridgeNote = "dictionary, from the other side",
                    Group = term.Term,
                });
            }

            if (!term.Glossed)
            {
                AddTranslations(reader, term, own, dictionary, members);
            }

            if (members.Count > 0)
            {
                groups.Add((members.Max(m => m.Weight * Idf(documents, m.DocumentFrequency)), groups.Count, members));
            }
        }

        var clauses = groups
            .OrderByDescending(g => g.Rank)
            .ThenBy(g => g.Order)
            .Take(MaxTerms)
            .SelectMany(g => g.Members)
            .ToList();
        AddConcepts(reader, profile, kind, concepts, clauses);
        return clauses;
    }

    // One optional clause per group of alternatives (their maximum, see GroupTieBreaker) and per lone clause.
    public static BooleanQuery ToQuery(IEnumerable<QueryClause> clauses)
    {
        var query = new BooleanQuery(disableCoord: true);
        var groups = new Dictionary<string, DisjunctionMaxQuery>(StringComparer.Ordinal);
        foreach (var group in Units(clauses))
        {
            if (group.Count == 1)
            {
                query.Add(group[0].Query, Occur.SHOULD);
                continue;
            }

            var alternatives = new DisjunctionMaxQuery(GroupTieBreaker);
            foreach (var clause in group)
            {
                alternatives.Add(clause.Query);
            }

            query.Add(alternatives, Occur.SHOULD);
        }

        return query;
    }

    // The clauses as scored units: each group together, in order of first appearance, and each lone clause alone.
    public static List<List<QueryClause>> Units(IEnumerable<QueryClause> clauses)
    {
        var units = new List<List<QueryClause>>();
        var byGroup = new Dictionary<string, List<QueryClause>>(StringComparer.Ordinal);
        foreach (var clause in clauses)
        {
            if (clause.Group is null)
            {
                units.Add([clause]);
            }
            else if (byGroup.TryGetValue(clause.Group, out var unit))
            {
                unit.Add(clause);
            }
            else
            {
                byGroup[clause.Group] = unit = [clause];
                units.Add(unit);
            }
        }

        return units;
    }

    // Per-field twins of the given own-word clauses, scored for explanations only: they tell which of the
    // candidate's fields a shared word sits in, in an index whose text fields are indexed apart (Elasticsearch's; the
    // Lucene index reads that from each candidate's own terms, MatchExplainer.FieldShares).
    public static List<QueryClause> FieldClauses(ITermSource reader, IEnumerable<QueryClause> clauses)
    {
        var result = new List<QueryClause>();
        foreach (var clause in clauses.Where(c => c.Kind == ClauseKind.Text))
        {
            foreach (var field in ListingDocument.TextFields)
            {
                var stats = Stats(reader, field, clause.Term);
                if (stats.DocFreq > 0)
                {
                    result.Add(Clause(ClauseKind.Text, stats, clause.Term, clause.Surface, clause.Weight));
                }
            }
        }

        return result;
    }

    // The clauses a first, fast pass searches with: the rarest first, while their postings fit a budget, so a query
    // over 100,000 listings does not walk the postings of every common word. The candidates it finds are then
    // scored on every clause, exactly (see LuceneListingIndex.Match); when everything fits, nothing is left out.
    public static List<QueryClause> FirstPass(IReadOnlyList<QueryClause> clauses, int postingsBudget, int minimumClauses)
    {
        if (clauses.Sum(c => (long)c.DocumentFrequency) <= postingsBudget)
        {
            return [.. clauses];
        }

        // A group is kept or left out whole, so the first pass scores a word as the full query does.
        var result = new List<QueryClause>();
        long postings = 0;
        var units = 0;
        foreach (var unit in Units(clauses)
            .Select(unit => (Unit: unit, Cost: unit.Sum(c => (long)c.DocumentFrequency), Weight: unit.Max(c => c.Weight)))
            .OrderBy(x => x.Cost)
            .ThenByDescending(x => x.Weight))
        {
            if (units >= minimumClauses && postings + unit.Cost > postingsBudget)
            {
                break;
            }

            result.AddRange(unit.Unit);
            postings += unit.Cost;
            units++;
        }

        return result;
    }

    // TermContext.Build opens a terms enumerator per segment for every term; a match looks up hundreds of terms, so
    // the enumerators are opened once per segment and field and reused (TermLookup).
    private static TermStats Stats(ITermSource reader, string field, string text) => reader.Stats(field, text);

    // The term's statistics travel with its query, so the index is looked up once per term however often it is scored.
    private static QueryClause Clause(ClauseKind kind, TermStats stats, string term, string surface, double weight) =>
        new(kind, stats.Term.Field, term, surface, weight, Query(stats, weight))
        {
            DocumentFrequency = stats.DocFreq,
            Context = stats.Context,
        };

    // A term's query, with its Lucene statistics when the plan was made over a Lucene reader.
    private static TermQuery Query(TermStats stats, double weight)
    {
        var query = stats.Context is null ? new TermQuery(stats.Term) : new TermQuery(stats.Term, stats.Context);
        query.Boost = (float)weight;
        return query;
    }

    // Keeps the items whose term occurs in the field, at most max of them, preferring heavy and rare ones
    // (weight × BM25 idf), so a long listing asks about what is specific to it rather than about its filler.
    private static List<(T Item, TermStats Stats)> Select<T>(
        ITermSource reader, string field, IEnumerable<T> items, Func<T, string> term, Func<T, double> weight, int max)
    {
        var documents = Math.Max(1, reader.NumDocs);
        return items
            .Select(item => (Item: item, Stats: Stats(reader, field, term(item))))
            .Where(x => x.Stats.DocFreq > 0)
            .Select(x => (x.Item, x.Stats, Rank: weight(x.Item) * Idf(documents, x.Stats.DocFreq)))
            .OrderByDescending(x => x.Rank)
            .ThenBy(x => term(x.Item), StringComparer.Ordinal)
            .Take(max)
            .Select(x => (x.Item, x.Stats))
            .ToList();
    }

    private static double Idf(int documents, double documentFrequency) =>
        Math.Log(1 + ((documents - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    // How far each translation of one word is moved from its own idf towards the word's: the idf of the word's document
    // frequency estimated as the translations' frequencies weighted by their shares (Darwish and Oard's probabilistic
    // structured queries). A rare wrong sense (尽量 → "possible", 要 → "important") would otherwise outscore the common
    // right one on idf alone. Half way (the square root of the ratio): the full ratio cost Tatoeba 0.002-0.005 MRR@10.
    public const double IdfSharingExponent = 0.5;

    public static double[] IdfSharing(int documentCount, IReadOnlyList<(double Weight, int DocumentFrequency)> translations)
    {
        var documents = Math.Max(1, documentCount);
        var total = translations.Sum(t => t.Weight);
        if (translations.Count < 2 || total <= 0)
        {
            return [.. translations.Select(_ => 1.0)];
        }

        var shared = Idf(documents, translations.Sum(t => t.Weight / total * t.DocumentFrequency));
        return [.. translations.Select(t => Math.Pow(shared / Math.Max(Idf(documents, t.DocumentFrequency), 1e-9), IdfSharingExponent))];
    }

    // A word into the other language through CC-CEDICT: its heaviest translations the index holds, the main sense at
    // DictionaryWeight, the others by the square root of their share against it, their idf shared (IdfSharing).
    private static void AddTranslations(
        ITermSource reader, WeightedTerm term, HashSet<string> own, DictionaryBridge dictionary, List<QueryClause> members)
    {
        var translations = term.Chinese ? dictionary.ToEnglish(term.Term, term.Written) : dictionary.ToChinese(term.Surface.ToLowerInvariant());
        if (translations.Length == 0)
        {
            return;
        }

        var best = translations[0].Weight;
        var found = translations
            .Where(t => !own.Contains(t.Term))
            .Take(TranslationsPerWord)
            .Select(t => (Translation: t, Stats: Stats(reader, ListingDocument.All, t.Term)))
            .Where(x => x.Stats.DocFreq > 0)
            .ToList();
        if (found.Count == 0)
        {
            return;
        }

        var sharing = IdfSharing(reader.NumDocs, found.Select(x => (x.Translation.Weight, x.Stats.DocFreq)).ToList());
        for (var i = 0; i < found.Count; i++)
        {
            var (translation, stats) = found[i];
            var weight = DictionaryWeight * term.Weight * Math.Sqrt(translation.Weight / best) * sharing[i];
            members.Add(Clause(ClauseKind.Dictionary, stats, translation.Term, term.Surface, weight) with
            {
                BridgeTarget = translation.Word,
                BridgeTargetChinese = translation.Word,
                BridgeNote = "dictionary",
                Group = term.Term,
            });
        }
    }

    // Glossary terms meet the same term in the other language (and, weaker, a synonym in their own) through the
    // concepts field; a need's symptoms meet the methods a technology names, and a technology's methods the
    // symptoms a need describes.
    private static void AddConcepts(ITermSource reader, ListingProfile profile, ListingKind kind, ConceptMatcher concepts, List<QueryClause> clauses)
    {
        var mass = new Dictionary<(Concept Concept, bool Chinese), (double Mass, string Surface)>();
        foreach (var hit in profile.Concepts)
        {
            if ((hit.Concept.Kind == ConceptKind.Symptom && kind != ListingKind.Need)
                || (hit.Concept.Kind == ConceptKind.Method && kind != ListingKind.Technology))
            {
                continue;
            }

            var key = (hit.Concept, hit.Concept.Kind == ConceptKind.Term && hit.Chinese);
            var boost = SourceWeights[hit.Field] * hit.Share;
            mass[key] = mass.TryGetValue(key, out var seen) ? (seen.Mass + boost, seen.Surface) : (boost, hit.Surface);
        }

        foreach (var ((concept, chinese), (conceptMass, surface)) in mass)
        {
            if (concept.Kind == ConceptKind.Term)
            {
                var note = "glossary, " + concepts.Sector(concept);
                AddConcept(reader, clauses, ClauseKind.Glossary, ListingDocument.ConceptTerm(concept, !chinese), surface, GlossaryWeight * Math.Sqrt(conceptMass), concept, concepts, note);
                AddConcept(reader, clauses, ClauseKind.Glossary, ListingDocument.ConceptTerm(concept, chinese), surface, SynonymWeight * Math.Sqrt(conceptMass), concept, concepts, note);
            }
            else
            {
                var (field, target, note) = concept.Kind == ConceptKind.Symptom
                    ? (ListingDocument.Methods, concept with { Kind = ConceptKind.Method }, "symptom → method")
                    : (ListingDocument.Symptoms, concept with { Kind = ConceptKind.Symptom }, "method → symptom");
                AddConcept(reader, clauses, ClauseKind.Symptom, ListingDocument.ConceptTerm(concept, chinese), surface, SymptomWeight * Math.Sqrt(conceptMass), target, concepts, note, field);
            }
        }
    }

    private static void AddConcept(
        ITermSource reader, List<QueryClause> clauses, ClauseKind kind, string term, string surface, double weight,
        Concept target, ConceptMatcher concepts, string note, string field = ListingDocument.Concepts)
    {
        if (weight <= 0)
        {
            return;
        }

        var stats = Stats(reader, field, term);
        if (stats.DocFreq == 0)
        {
            return;
        }

        clauses.Add(Clause(kind, stats, term, surface, weight) with
        {
            BridgeTarget = concepts.Name(target, chinese: false),
            BridgeTargetChinese = concepts.Name(target, chinese: true),
            BridgeNote = note,
        });
    }

    /// <summary>
    /// Whether the bridge leads from a word to the same word ("warpage → warpage": the same-language clause of a glossary
    /// term both listings use), which explains nothing the matched terms do not already say.
    /// </summary>
    public static bool BridgesToItself(QueryClause clause, bool chineseCandidate) =>
        string.Equals(clause.Surface, chineseCandidate ? clause.BridgeTargetChinese : clause.BridgeTarget, StringComparison.OrdinalIgnoreCase);

    public static string Describe(QueryClause clause, bool chineseCandidate) => string.Create(
        CultureInfo.InvariantCulture,
        $"{clause.Surface} → {(chineseCandidate ? clause.BridgeTargetChinese : clause.BridgeTarget)} ({clause.BridgeNote})");
}
