using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;

namespace Matchmaking.Matching.Engine;

// One text field of a listing as analysed: its text and tokens.
internal sealed record ProfiledField(string Field, string Text, IReadOnlyList<Token> Tokens);

// A listing analysed once, for both indexing and querying: the tokens of each text field and the glossary concepts
// (terms, symptoms, methods) found in them.
internal sealed record ListingProfile(IReadOnlyList<ProfiledField> Fields, IReadOnlyList<ConceptHit> Concepts)
{
    public ProfiledField this[string field] => Fields.First(f => f.Field == field);

    // Whether a glossary term covers the token: its translation is then the glossary's, not the dictionary's guess.
    public bool InGlossaryTerm(string field, Token token) => Concepts.Any(hit =>
        hit.Concept.Kind == ConceptKind.Term && hit.Field == field && hit.Start <= token.Start && token.End <= hit.End);
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
            var tokens = new List<Token>();
            var runs = new List<(int Start, NormalisedRun Run)>();
            analyser.Analyse(field, text, tokens, runs);
            fields.Add(new ProfiledField(field, text, tokens));
            concepts.Find(field, text, tokens, runs, listing.Sector, hits);
        }

        return new ListingProfile(fields, hits);
    }
}
