namespace Matchmaking.Matching.Engine.Analysis;

internal static class AnalysedText
{
    // The word a token came from, as written, for explanations.
    public static string Surface(string text, int start, int end)
    {
        start = Math.Clamp(start, 0, text.Length);
        end = Math.Clamp(end, start, text.Length);
        var word = text[start..end];
        if (word.EndsWith("'s", StringComparison.OrdinalIgnoreCase) || word.EndsWith("’s", StringComparison.OrdinalIgnoreCase))
        {
            word = word[..^2];
        }

        // Keep acronyms (PCB, IoT) as written; ordinary words read better in lower case mid-sentence. Chinese characters
        // have no case, so a Chinese word is as written.
        var upper = 0;
        var caseless = true;
        foreach (var c in word)
        {
            if (char.IsUpper(c))
            {
                upper++;
            }

            caseless &= c is (>= '\u3400' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF');
        }

        return upper > 1 || caseless ? word : word.ToLowerInvariant();
    }
}
