using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine;

// One text field of a listing as analysed: its text and tokens, and whether its Chinese is written in Traditional
// characters (whose forms tell apart words that Simplified writes alike: 錶 watch and 表 table are both 表).
internal sealed record ProfiledField(string Field, string Text, IReadOnlyList<Token> Tokens)
{
    public bool Traditional { get; init; }

    // The token as written, for a Chinese token in Traditional text; null otherwise.
    public string? Written(Token token) =>
        Traditional && token.Chinese ? AnalysedText.Surface(Text, token.Start, token.End) : null;
}

// A listing analysed once, for both indexing and querying: the tokens of each text field and the glossary concepts
// (terms, symptoms, methods) found in them.
internal sealed record ListingProfile(IReadOnlyList<ProfiledField> Fields, IReadOnlyList<ConceptHit> Concepts)
{
    public ProfiledField this[string field] => Fields.First(f => f.Field == field);

    // Where the field's glossary terms stand. A token they cover (Covers) is translated by the glossary, not by the
    // dictionary's guess.
    public (int Start, int End)[] GlossaryTermSpans(string field)
    {
        var spans = new List<(int Start, int End)>();
        foreach (var hit in Concepts)
        {
            if (hit.Concept.Kind == ConceptKind.Term && hit.Field == field)
            {
                spans.Add((hit.Start, hit.End));
            }
        }

        return [.. spans];
    }

    public static bool Covers((int Start, int End)[] spans, Token token)
    {
        foreach (var (start, end) in spans)
        {
            if (start <= token.Start && token.End <= end)
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class ListingProfiler(TextAnalyser analyser, ConceptMatcher concepts)
{
    public ConceptMatcher Concepts => concepts;

    public ListingProfile Profile(Listing listing)
    {
        var fields = new List<ProfiledField>(3);
        var hits = new List<ConceptHit>();
        foreach (var (field, text) in new[]
        {
            (ListingDocument.Title, listing.Title ?? ""),
            (ListingDocument.Keywords, string.Join('\n', listing.Keywords ?? [])),
            (ListingDocument.Body, listing.Body ?? ""),
        })
        {
            // Some one token in six characters of English, in two of Chinese: a start that seldom needs to grow far.
            var tokens = new List<Token>(4 + (text.Length / 4));
            var runs = new List<(int Start, NormalisedRun Run)>();
            analyser.Analyse(field, text, tokens, runs);
            fields.Add(new ProfiledField(field, text, tokens)
            {
                // Simplified text has nothing to fold; a short Traditional sentence may hold few characters that only
                // Traditional uses (the language detector's test), yet any folded character tells.
                Traditional = runs.Count > 0 && ChineseScript.ToSimplified(text) != text,
            });
            concepts.Find(field, text, tokens, runs, listing.Sector, hits);
        }

        return new ListingProfile(fields, hits);
    }
}
