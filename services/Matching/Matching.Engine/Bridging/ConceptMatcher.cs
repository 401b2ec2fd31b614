using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Bridging;

// What a glossary phrase found in a listing stands for: a bilingual term, a symptom (in a factory's words), or a
// method that answers a symptom. Terms are indexed by row, symptoms and methods by symptom row, so a need's symptom
// meets a technology's method through the shared row id.
internal enum ConceptKind
{
    Term,
    Symptom,
    Method,
}

internal readonly record struct Concept(ConceptKind Kind, int Id);

// One glossary phrase found in one field of a listing: the concept, the words as written, and the share of the
// phrase's weight it gets when the phrase belongs to several concepts.
internal readonly record struct ConceptHit(Concept Concept, string Field, string Surface, double Share, int Start, int End)
{
    public bool Chinese => Scripts.ContainsHan(Surface);
}

// Finds glossary phrases in analysed text, in both languages and scripts. English phrases and phrases mixing scripts
// ("SMT贴片") match as runs of analysed tokens; Chinese phrases match on the normalised text itself, so a phrase is
// found however the segmenter cut it. Symptoms tolerate rewording: their content words need only appear close
// together, in any order.
internal sealed class ConceptMatcher
{
    // Words a factory puts around a symptom that do not make it a different symptom.
    private static readonly HashSet<string> s_looseWords = new(StringComparer.Ordinal)
    {
        "after", "befor", "too", "veri", "not", "no", "our", "we", "thei", "get", "got", "when", "from", "up", "out",
        "off", "over", "all", "some", "much", "mani", "keep", "becom", "start", "part", "product", "it", "on",
        "后", "太", "很", "就", "会", "有", "不", "没有", "容易", "经常", "产品",
    };

    private readonly DomainGlossary _glossary;
    private readonly Dictionary<string, List<(string[] Terms, Concept Concept)>> _sequences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string[] Terms, Concept Concept)>> _loose = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Concept>> _chinese = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Concept>>.AlternateLookup<ReadOnlySpan<char>> _chineseLookup;
    private readonly Dictionary<string, List<Concept>> _standaloneChinese = new(StringComparer.Ordinal);

    // The longest Chinese phrase starting with each character; 0 for none, so most positions cost one array read.
    private readonly byte[] _longestByFirst = new byte[char.MaxValue + 1];

    public ConceptMatcher(DomainGlossary glossary, TextAnalyser analyser)
    {
        _glossary = glossary;
        foreach (var term in glossary.Terms)
        {
            var concept = new Concept(ConceptKind.Term, term.Id);
            foreach (var phrase in term.English.Concat(term.Chinese))
            {
                AddPhrase(phrase, concept, analyser, loose: false);
            }
        }

        foreach (var symptom in glossary.Symptoms)
        {
            var asSymptom = new Concept(ConceptKind.Symptom, symptom.Id);
            foreach (var phrase in symptom.SymptomEnglish.Concat(symptom.SymptomChinese))
            {
                AddPhrase(phrase, asSymptom, analyser, loose: true);
            }

            var asMethod = new Concept(ConceptKind.Method, symptom.Id);
            foreach (var phrase in symptom.MethodEnglish.Concat(symptom.MethodChinese))
            {
                AddPhrase(phrase, asMethod, analyser, loose: false);
            }
        }

        foreach (var key in _chinese.Keys)
        {
            ref var longest = ref _longestByFirst[key[0]];
            longest = (byte)Math.Max(longest, Math.Min(key.Length, byte.MaxValue));
        }

        _chineseLookup = _chinese.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public DomainGlossary Glossary => _glossary;

    // Adds the concepts found in one analysed field to hits.
    public void Find(
        string field, string text, IReadOnlyList<Token> tokens, IReadOnlyList<(int Start, NormalisedRun Run)> chineseRuns,
        string? sector, List<ConceptHit> hits)
    {
        var found = new List<(string Surface, int Start, int End, List<Concept> Concepts)>();
        FindSequences(text, tokens, found);
        FindLoose(text, tokens, found);
        FindChinese(text, tokens, chineseRuns, found);

        // One phrase may name different concepts in different sectors (縮水: sink marks in plastics, shrinkage in
        // textiles): keep those of the listing's own, related or general sectors when there are any, and share
        // the weight among what is left.
        var seen = new HashSet<(Concept, int)>();
        foreach (var (surface, start, end, concepts) in found)
        {
            var preferred = concepts.Where(concept => Fits(concept, sector)).ToList();
            var kept = preferred.Count > 0 ? preferred : concepts;
            foreach (var concept in kept)
            {
                if (seen.Add((concept, start)))
                {
                    hits.Add(new ConceptHit(concept, field, surface, 1.0 / kept.Count, start, end));
                }
            }
        }
    }

    public string Sector(Concept concept) => concept.Kind == ConceptKind.Term
        ? _glossary.Terms[concept.Id].Sector
        : _glossary.Symptoms[concept.Id].Sector;

    // The concept's preferred wording in the language a reader of the other listing expects.
    public string Name(Concept concept, bool chinese) => concept.Kind switch
    {
        ConceptKind.Term => First(chinese ? _glossary.Terms[concept.Id].Chinese : _glossary.Terms[concept.Id].English),
        ConceptKind.Symptom => First(chinese ? _glossary.Symptoms[concept.Id].SymptomChinese : _glossary.Symptoms[concept.Id].SymptomEnglish),
        _ => First(chinese ? _glossary.Symptoms[concept.Id].MethodChinese : _glossary.Symptoms[concept.Id].MethodEnglish),
    };

    private static string First(IReadOnlyList<string> alternates) => alternates.Count > 0 ? alternates[0] : "";

    private bool Fits(Concept concept, string? sector)
    {
        var conceptSector = Sector(concept);
        return conceptSector == "general" || _glossary.SectorAffinity(sector, conceptSector) > 0;
    }

    private void AddPhrase(string phrase, Concept concept, TextAnalyser analyser, bool loose)
    {
        var pureHan = phrase.Length > 0 && phrase.EnumerateRunes().All(rune => Scripts.IsHan(rune.Value));
        if (pureHan)
        {
            var key = analyser.Normaliser.Normalise(phrase).Text;
            var table = key.Length == 1 ? _standaloneChinese : _chinese;
            Add(table, key, concept);
            if (!loose || key.Length < 4)
            {
                return;
            }
        }

        var tokens = analyser.Analyse("phrase", phrase);
        var terms = tokens.Select(token => token.Light).ToArray();
        if (terms.Length == 0 || (pureHan && terms.Length < 2))
        {
            return;
        }

        if (loose)
        {
            // Symptoms are matched loosely anyway, on Porter stems, so "bends" meets "bent" and "bending".
            var content = tokens.Select(token => token.Term).Where(term => !s_looseWords.Contains(term)).Distinct(StringComparer.Ordinal).ToArray();
            if (content.Length >= 2)
            {
                AddSequence(_loose, content[0], content, concept);
                return;
            }
        }

        AddSequence(_sequences, terms[0], terms, concept);
    }

    private static void Add(Dictionary<string, List<Concept>> table, string key, Concept concept)
    {
        if (!table.TryGetValue(key, out var concepts))
        {
            table[key] = concepts = [];
        }

        if (!concepts.Contains(concept))
        {
            concepts.Add(concept);
        }
    }

    private static void AddSequence(Dictionary<string, List<(string[] Terms, Concept Concept)>> table, string key, string[] terms, Concept concept)
    {
        if (!table.TryGetValue(key, out var list))
        {
            table[key] = list = [];
        }

        if (!list.Any(entry => entry.Concept == concept && entry.Terms.SequenceEqual(terms)))
        {
            list.Add((terms, concept));
        }
    }

    // Phrases as consecutive tokens.
    private void FindSequences(string text, IReadOnlyList<Token> tokens, List<(string, int, int, List<Concept>)> found)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!_sequences.TryGetValue(tokens[i].Light, out var candidates))
            {
                continue;
            }

            var byLength = new Dictionary<int, List<Concept>>();
            foreach (var (terms, concept) in candidates)
            {
                if (i + terms.Length > tokens.Count)
                {
                    continue;
                }

                var matches = true;
                for (var j = 1; j < terms.Length && matches; j++)
                {
                    matches = string.Equals(tokens[i + j].Light, terms[j], StringComparison.Ordinal);
                }

                if (matches)
                {
                    if (!byLength.TryGetValue(terms.Length, out var concepts))
                    {
                        byLength[terms.Length] = concepts = [];
                    }

                    concepts.Add(concept);
                }
            }

            foreach (var (length, concepts) in byLength)
            {
                found.Add((Surface(text, tokens[i].Start, tokens[i + length - 1].End), tokens[i].Start, tokens[i + length - 1].End, concepts));
            }
        }
    }

    // Symptom phrases: every content word within a short window, in any order.
    private void FindLoose(string text, IReadOnlyList<Token> tokens, List<(string, int, int, List<Concept>)> found)
    {
        var reported = new HashSet<Concept>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!_loose.TryGetValue(tokens[i].Term, out var candidates))
            {
                continue;
            }

            foreach (var (terms, concept) in candidates)
            {
                if (reported.Contains(concept))
                {
                    continue;
                }

                var window = (2 * terms.Length) + 2;
                var from = Math.Max(0, i - window);
                var to = Math.Min(tokens.Count, i + window);
                var first = i;
                var last = i;
                var all = true;
                foreach (var term in terms.Skip(1))
                {
                    var at = -1;
                    for (var j = from; j < to; j++)
                    {
                        if (string.Equals(tokens[j].Term, term, StringComparison.Ordinal))
                        {
                            at = j;
                            break;
                        }
                    }

                    if (at < 0)
                    {
                        all = false;
                        break;
                    }

                    first = Math.Min(first, at);
                    last = Math.Max(last, at);
                }

                if (all && last - first < window)
                {
                    reported.Add(concept);
                    found.Add((Surface(text, tokens[first].Start, tokens[last].End), tokens[first].Start, tokens[last].End, [concept]));
                }
            }
        }
    }

    // Chinese phrases of two characters or more anywhere in the normalised text; single characters only as tokens.
    private void FindChinese(
        string text, IReadOnlyList<Token> tokens, IReadOnlyList<(int Start, NormalisedRun Run)> runs, List<(string, int, int, List<Concept>)> found)
    {
        foreach (var (runStart, run) in runs)
        {
            var normalised = run.Text;
            for (var i = 0; i < normalised.Length; i++)
            {
                for (var length = Math.Min(_longestByFirst[normalised[i]], normalised.Length - i); length >= 2; length--)
                {
                    if (_chineseLookup.TryGetValue(normalised.AsSpan(i, length), out var concepts))
                    {
                        var (start, end) = run.SourceSpan(i, i + length);
                        found.Add((Surface(text, runStart + start, runStart + end), runStart + start, runStart + end, concepts));
                    }
                }
            }
        }

        foreach (var token in tokens)
        {
            if (token.Chinese && _standaloneChinese.TryGetValue(token.Term, out var concepts))
            {
                found.Add((Surface(text, token.Start, token.End), token.Start, token.End, concepts));
            }
        }
    }

    private static string Surface(string text, int start, int end)
    {
        start = Math.Clamp(start, 0, text.Length);
        end = Math.Clamp(end, start, text.Length);
        return text[start..end];
    }
}
