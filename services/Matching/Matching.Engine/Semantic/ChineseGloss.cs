using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;

namespace Matchmaking.Matching.Engine.Semantic;

/// <summary>
/// An English stand-in for a Chinese listing's text, for the English sentence model: its words in their order, each
/// as the English senses the dictionary bridge weighs highest for it (他 去 学校 → "he go school"), a glossary term as
/// the glossary's English name, English words kept (lower case). The model reads Chinese as unknown tokens, but it reads
/// such a gloss well enough to tell which English sentence says the same thing.
/// </summary>
internal sealed class ChineseGloss(DictionaryBridge dictionary, ConceptMatcher concepts)
{
    // A word's heaviest translation alone: a second sense per word helped the short Tatoeba sentences a little and
    // cost the dev set's long listings more (RESULTS.md, 2026-11-27 gloss session).
    public const int SensesPerWord = 1;

    /// <summary>The gloss of the listing's fields (title, keywords, body), or null when it has no words.</summary>
    public string? Of(ListingProfile profile)
    {
        var parts = new List<string>(profile.Fields.Count);
        foreach (var field in profile.Fields)
        {
            var words = new List<string>();
            var terms = profile.Concepts
                .Where(hit => hit.Field == field.Field && hit.Concept.Kind == ConceptKind.Term && hit.Chinese)
                .OrderBy(hit => hit.Start)
                .ThenByDescending(hit => hit.End)
                .ToList();
            var covered = -1;
            var nextTerm = 0;
            void TermsUpTo(int position)
            {
                // A glossary term in the Chinese is named once, by its English name, in place of the words it covers.
                while (nextTerm < terms.Count && terms[nextTerm].Start <= position)
                {
                    var hit = terms[nextTerm++];
                    if (hit.Start >= covered)
                    {
                        words.Add(concepts.Name(hit.Concept, chinese: false));
                        covered = hit.End;
                    }
                }
            }

            foreach (var token in field.Tokens)
            {
                TermsUpTo(token.Start);
                if (token.Part || token.End <= covered)
                {
                    continue;
                }

                if (!token.Chinese)
                {
                    words.Add(AnalysedText.Surface(field.Text, token.Start, token.End));
                    continue;
                }

                words.AddRange(Choose(dictionary.ToEnglish(token.Term, field.Written(token)), SensesPerWord));
            }

            TermsUpTo(int.MaxValue);
            if (words.Count > 0)
            {
                parts.Add(string.Join(' ', words));
            }
        }

        return parts.Count == 0 ? null : string.Join(". ", parts);
    }

    /// <summary>
    /// The English words a Chinese word is glossed with: the first <paramref name="max"/> of its translations, which
    /// the bridge gives heaviest first; a word given twice (two stems of it) counts once.
    /// </summary>
    internal static IReadOnlyList<string> Choose(IReadOnlyList<Translation> translations, int max)
    {
        var words = new List<string>(Math.Clamp(max, 0, translations.Count));
        for (var i = 0; i < translations.Count && words.Count < max; i++)
        {
            if (!words.Contains(translations[i].Word, StringComparer.Ordinal))
            {
                words.Add(translations[i].Word);
            }
        }

        return words;
    }
}
