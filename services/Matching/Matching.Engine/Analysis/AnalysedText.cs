using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Matchmaking.Matching.Engine.Analysis;

// A term as indexed and the word it came from, as written.
internal readonly record struct AnalysedTerm(string Term, string Surface);

internal static class AnalysedText
{
    public static List<AnalysedTerm> Analyse(Analyzer analyzer, string field, string? text)
    {
        var terms = new List<AnalysedTerm>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(new AnalysedTerm(term.ToString(), Surface(text, offset.StartOffset, offset.EndOffset)));
        }

        stream.End();
        return terms;
    }

    private static string Surface(string text, int start, int end)
    {
        var word = text[start..end];
        if (word.EndsWith("'s", StringComparison.OrdinalIgnoreCase) || word.EndsWith("’s", StringComparison.OrdinalIgnoreCase))
        {
            word = word[..^2];
        }

        // Keep acronyms (PCB, IoT) as written; ordinary words read better in lower case mid-sentence.
        var upper = word.Count(char.IsUpper);
        return upper > 1 ? word : word.ToLowerInvariant();
    }
}
