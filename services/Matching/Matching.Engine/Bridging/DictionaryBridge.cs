using System.Collections.Concurrent;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Bridging;

// A word of the other language a term translates to: its index term, the word as the dictionary gives it, and the
// share of the source term's weight it carries.
internal readonly record struct Translation(string Term, string Word, double Weight);

// General-language translation through CC-CEDICT, for the words the domain glossary does not know. A Chinese word
// becomes the English words of its main senses; an English word becomes the Chinese words whose senses say it. An
// ambiguous word's weight is split across its senses, so "打" (hit, make, play, fetch, …) cannot swamp a query.
// Results are cached per word: the vocabulary of a running service is bounded by the dictionary's.
internal sealed class DictionaryBridge(TextAnalyser analyser)
{
    // Main senses come first in CC-CEDICT: a later sense weighs SenseDecay times the one before it. A word's
    // translations are alternatives of which a candidate is credited the best (QueryPlan), so more senses can be
    // offered without letting an ambiguous word swamp the query (想: think, believe, suppose, wish, want, miss).
    private const int MaxSenses = 8;
    private const double SenseDecay = 0.85;
    private const int MaxChineseWords = 6;

    // CC-CEDICT marks senses a character has only inside compounds "(bound form)" (要: "to demand; to coerce", "important";
    // 他: "other; another"). A word the segmenter left standing alone is rarely used in them, so they weigh less.
    public const double BoundFormWeight = 0.3;

    // Words of a gloss that say how a sense is used rather than what it means (stemmed, as the index holds them).
    private static readonly HashSet<string> s_glossNoise = new(StringComparer.Ordinal)
    {
        "sb", "sth", "someth", "somebodi", "someon", "oneself", "on", "etc", "esp", "variant", "abbr", "classifi",
        "particl", "us", "also", "fig", "lit", "usu", "i.e", "e.g", "ok", "form", "term", "gener", "sort",
    };

    private readonly ConcurrentDictionary<string, Translation[]> _toEnglish = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Translation[]> _toChinese = new(StringComparer.Ordinal);

    // English terms for a Simplified Chinese word; written is the word as written when the text is Traditional, whose
    // form tells CC-CEDICT's readings apart (錶 a watch, 表 a table, both 表 in Simplified). A Cantonese word the
    // glossary gives several Mandarin equivalents for (佢: 他, 她, 它) takes the senses of them all, not the first's alone.
    public Translation[] ToEnglish(string chinese, string? written = null)
    {
        if (written is not null && analyser.Normaliser.Alternatives(written, chinese) is { } alternatives)
        {
            return _toEnglish.GetOrAdd(string.Join('|', alternatives), _ => Merge(alternatives.Select(word => ToEnglish(word)).ToList()));
        }

        return written is null || written.Length != chinese.Length
            ? _toEnglish.GetOrAdd(chinese, word => TranslateChinese(word, null))
            : _toEnglish.GetOrAdd(chinese + "\t" + written, _ => TranslateChinese(chinese, written));
    }

    // The translations of several equivalent words as one word's: each term at its best share relative to the best
    // translation of the word that gives it (so a word with many senses does not push aside one with few), on the scale
    // of the first word's weights.
    internal static Translation[] Merge(IReadOnlyList<Translation[]> translations)
    {
        var merged = new Dictionary<string, Translation>(StringComparer.Ordinal);
        var scale = translations.FirstOrDefault(list => list.Length > 0)?[0].Weight ?? 0;
        foreach (var list in translations.Where(list => list.Length > 0))
        {
            var best = list[0].Weight;
            foreach (var translation in list)
            {
                var weight = scale * translation.Weight / best;
                if (!merged.TryGetValue(translation.Term, out var seen) || seen.Weight < weight)
                {
                    merged[translation.Term] = translation with { Weight = weight };
                }
            }
        }

        return [.. merged.Values.OrderByDescending(x => x.Weight).ThenBy(x => x.Term, StringComparer.Ordinal)];
    }

    // Chinese terms for an English word as written (lower case).
    public Translation[] ToChinese(string english) => _toChinese.GetOrAdd(english, TranslateEnglish);

    private Translation[] TranslateChinese(string word, string? written)
    {
        var weights = new Dictionary<string, (string Word, double Weight)>(StringComparer.Ordinal);
        var glosses = CedictDictionary.Glosses(word, written);
        if (glosses.Count > 0)
        {
            AddSenses(glosses, 1.0, weights);
        }
        else if (word.Length >= 2)
        {
            // A word the dictionary lacks (随形冷却) is usually a compound of words it has (随形, 冷却).
            var parts = CedictDictionary.SegmentGreedy(word).Where(part => part.Length < word.Length).ToList();
            var offset = 0;
            foreach (var part in parts)
            {
                var writtenPart = written is null || offset + part.Length > written.Length ? null : written.Substring(offset, part.Length);
                AddSenses(CedictDictionary.Glosses(part, writtenPart), part.Length == 1 ? 0.5 : 1.0, weights);
                offset += part.Length;
            }
        }

        return weights
            .Select(x => new Translation(x.Key, x.Value.Word, Math.Min(1.0, x.Value.Weight)))
            .OrderByDescending(x => x.Weight)
            .ThenBy(x => x.Term, StringComparer.Ordinal)
            .ToArray();
    }

    private void AddSenses(IReadOnlyList<string> glosses, double weight, Dictionary<string, (string Word, double Weight)> weights)
    {
        var senses = glosses.Take(MaxSenses).ToList();
        var gloss = GlossText.ForQuery();
        for (var index = 0; index < senses.Count; index++)
        {
            var sense = senses[index];
            var decay = Math.Pow(SenseDecay, index) * (sense.Contains("(bound form)", StringComparison.Ordinal) ? BoundFormWeight : 1);
            var pieces = gloss.Pieces(sense);
            foreach (var piece in pieces)
            {
                // A piece is one translation; its words share its weight ("become aware" is half "become").
                var words = piece
                    .SelectMany(word => analyser.Analyse("gloss", word).Select(token => (Word: word, Token: token)))
                    .Where(x => !x.Token.Chinese && !s_glossNoise.Contains(x.Token.Term) && (x.Token.Term.Length >= 2 || x.Token.Term == "i"))
                    .ToList();
                foreach (var (word, token) in words)
                {
                    var share = weight * decay / senses.Count / pieces.Count / words.Count;
                    {

                        weights[token.Term] = weights.TryGetValue(token.Term, out var seen)
                            ? (seen.Word, seen.Weight + share)
                            : (word, share);
                    }
                }
            }
        }
    }

    private Translation[] TranslateEnglish(string word)
    {
        var translations = CedictDictionary.Translations(word, MaxChineseWords);
        var total = translations.Sum(t => t.Weight);
        if (total <= 0)
        {
            return [];
        }

        var weights = new Dictionary<string, (string Word, double Weight)>(StringComparer.Ordinal);
        foreach (var (chinese, weight) in translations)
        {
            var tokens = analyser.Analyse("gloss", chinese).Where(token => token.Chinese).ToList();
            foreach (var token in tokens)
            {
                var share = weight / total / tokens.Count;
                weights[token.Term] = weights.TryGetValue(token.Term, out var seen)
                    ? (seen.Word, seen.Weight + share)
                    : (chinese, share);
            }
        }

        return weights
            .Select(x => new Translation(x.Key, x.Value.Word, Math.Min(1.0, x.Value.Weight)))
            .OrderByDescending(x => x.Weight)
            .ThenBy(x => x.Term, StringComparer.Ordinal)
            .ToArray();
    }
}
