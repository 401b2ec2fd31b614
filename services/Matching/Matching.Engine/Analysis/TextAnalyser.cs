using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Matchmaking.Matching.Engine.Lexicon;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Analysis;

// One analysed token: the index term, its span in the original text, its position increment, and whether it came
// from Chinese text (and so is a Simplified Mandarin word) or from the English chain (and so is a Porter stem).
// Light is the same word stemmed gently (KStem: "customers" → "customer", not "custom"), for glossary phrases,
// which must not conflate "customer" with "customisation"; for Chinese it is the term itself.
internal readonly record struct Token(string Term, int Start, int End, int PositionIncrement, bool Chinese)
{
    public string Light { get; init; } = Term;

    // A piece of a longer word the segmenter split up (翘 and 曲 of 翘曲): indexed, but not translated on its own.
    public bool Part { get; init; }
}

// Cuts text into runs of Han ideographs and runs of everything else. Han runs are normalised (Traditional to
// Simplified, Cantonese to Mandarin) and segmented by SmartCn; the rest goes through the English chain. Mixed text
// such as "3D打印 nozzle" therefore works without guessing one language for the whole field. Thread-safe: the
// two analysers keep their token streams per thread.
internal sealed class TextAnalyser(
    Analyzer english, Analyzer englishLight, Analyzer chinese, ChineseNormaliser normaliser, IReadOnlySet<string> chineseStopWords, Func<string, bool> isWord)
{
    // The light chain's tokens of one run, before they are paired with the Porter ones.
    [ThreadStatic]
    private static List<Token>? t_light;

    public ChineseNormaliser Normaliser => normaliser;

    // Appends the tokens of the text to the list; when given, the normalised Chinese runs and where each starts in
    // the text are appended to chineseRuns, for phrase look-ups that must not depend on segmentation.
    public void Analyse(string fieldName, string? text, List<Token> tokens, List<(int Start, NormalisedRun Run)>? chineseRuns = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        if (!Scripts.ContainsHan(text))
        {
            AnalyseEnglish(fieldName, text, 0, tokens);
            return;
        }

        foreach (var (start, length, han) in Scripts.Runs(text))
        {
            var run = text.Substring(start, length);
            if (han)
            {
                AnalyseChinese(fieldName, run, start, tokens, chineseRuns);
            }
            else
            {
                AnalyseEnglish(fieldName, run, start, tokens);
            }
        }
    }

    public List<Token> Analyse(string fieldName, string? text)
    {
        var tokens = new List<Token>();
        Analyse(fieldName, text, tokens);
        return tokens;
    }

    private void AnalyseEnglish(string fieldName, string run, int runStart, List<Token> tokens)
    {
        // Chinese text is cut into many runs, most of them between its words only punctuation ("，", "。", "、"), of
        // which the English chains make nothing: those are not run through them.
        if (!MayHoldWords(run))
        {
            return;
        }

        var first = tokens.Count;
        AnalyseEnglish(english, fieldName, run, runStart, tokens);

        // The light chain differs only in its stemmer, so its tokens pair up one to one with the Porter ones.
        var light = t_light ??= [];
        light.Clear();
        AnalyseEnglish(englishLight, fieldName, run, runStart, light);
        if (light.Count == tokens.Count - first)
        {
            for (var i = 0; i < light.Count; i++)
            {
                tokens[first + i] = tokens[first + i] with { Light = light[i].Term };
            }
        }
    }

    // Whether the English tokenizer could find a word in the text: false for text of white space, punctuation, symbols
    // and control characters from ASCII, General Punctuation, CJK Symbols and Punctuation and the full-width forms,
    // every one of which (alone, doubled, tripled, and next to "_", ".", "'" or a space) was checked to give no token
    // (lab program, 2026-11-27; some punctuation of other blocks does make tokens, such as Hebrew geresh, so those
    // blocks always go through the chain).
    internal static bool MayHoldWords(string text)
    {
        foreach (var c in text)
        {
            var block = c < 0x80 || c is (>= '\u2000' and <= '\u206F') or (>= '\u3000' and <= '\u303F') or (>= '\uFF00' and <= '\uFFEF');
            if (!block || !(char.IsWhiteSpace(c) || char.IsPunctuation(c) || char.IsSymbol(c) || char.IsControl(c)))
            {
                return true;
            }
        }

        return false;
    }

    // What both English chains make of the text, whatever MayHoldWords says of it: for the test that holds it to its word.
    internal List<Token> AnalyseEnglishChains(string fieldName, string text)
    {
        var tokens = new List<Token>();
        AnalyseEnglish(english, fieldName, text, 0, tokens);
        AnalyseEnglish(englishLight, fieldName, text, 0, tokens);
        return tokens;
    }

    private static void AnalyseEnglish(Analyzer analyzer, string fieldName, string run, int runStart, List<Token> tokens)
    {
        using var stream = analyzer.GetTokenStream(fieldName, run);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var positionIncrement = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            Add(tokens, term.ToString(), runStart + offset.StartOffset, runStart + offset.EndOffset, positionIncrement.PositionIncrement, chinese: false);
        }

        stream.End();
    }

    private void AnalyseChinese(string fieldName, string run, int runStart, List<Token> tokens, List<(int Start, NormalisedRun Run)>? chineseRuns)
    {
        var normalised = normaliser.Normalise(run);
        chineseRuns?.Add((runStart, normalised));
        using var stream = chinese.GetTokenStream(fieldName, normalised.Text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var positionIncrement = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        var skipped = 0;
        var first = tokens.Count;
        while (stream.IncrementToken())
        {
            var word = term.ToString();
            if (normaliser.Standalone(word) is { } mandarin)
            {
                // Mapped after the segmenter's stop filter ran, so the Mandarin (咗 → 了) is checked here.
                if (mandarin.Length == 0 || chineseStopWords.Contains(mandarin))
                {
                    skipped++;
                    continue;
                }

                word = mandarin;
            }

            var (start, end) = normalised.SourceSpan(offset.StartOffset, offset.EndOffset);
            Add(tokens, word, runStart + start, runStart + end, positionIncrement.PositionIncrement + skipped, chinese: true);
            skipped = 0;
        }

        stream.End();
        MergeSplitWords(tokens, first, run, runStart);
    }

    // SmartCn knows general words, not domain ones: it cuts 翘曲 (warp) into 翘 and 曲, 注塑件 into 注塑 and 件. Where
    // adjacent pieces, one of them a single character, spell a dictionary or glossary word, the word is added at the
    // first piece's position and the pieces are kept as parts, so both the word and its pieces can match.
    private void MergeSplitWords(List<Token> tokens, int first, string run, int runStart)
    {
        const int MaxPieces = 4;
        const int MaxLength = 8;
        for (var i = first; i < tokens.Count; i++)
        {
            var best = -1;
            var text = tokens[i].Term;
            var single = text.Length == 1;
            for (var j = i + 1; j < tokens.Count && j - i < MaxPieces; j++)
            {
                var next = tokens[j];
                if (next.Part || next.PositionIncrement == 0 || next.Start != tokens[j - 1].End || text.Length + next.Term.Length > MaxLength)
                {
                    break;
                }

                text += next.Term;
                single |= next.Term.Length == 1;
                if (single && isWord(text) && WrittenAs(text, run.Substring(tokens[i].Start - runStart, next.End - tokens[i].Start)))
                {
                    best = j;
                }
            }

            if (best < 0)
            {
                continue;
            }

            var word = string.Concat(tokens.Skip(i).Take(best - i + 1).Select(token => token.Term));
            for (var k = i; k <= best; k++)
            {
                tokens[k] = tokens[k] with { Part = true };
            }

            tokens.Insert(i + 1, new Token(word, tokens[i].Start, tokens[best].End, 0, Chinese: true));
            i = best + 1;
        }
    }

    // Whether a word found in Simplified text may be read where the original has the given characters: in Traditional
    // text, only as one of the word's own Traditional forms (隻有 is not 只有 "only", but 隻 "a" and 有 "have"), since
    // folding to Simplified merges characters that Traditional keeps apart. Words CC-CEDICT lacks (the glossary's) pass.
    internal static bool WrittenAs(string word, string written)
    {
        if (written == word || written.Length != word.Length || ChineseNormaliser.Simplify(written) != word)
        {
            return true;
        }

        var forms = CedictDictionary.TraditionalForms(word);
        return forms.Count == 0 || forms.Contains(written, StringComparer.Ordinal);
    }

    private static void Add(List<Token> tokens, string term, int start, int end, int positionIncrement, bool chinese) =>
        // The first token of a field must advance the position.
        tokens.Add(new Token(term, start, Math.Max(start, end), tokens.Count == 0 ? Math.Max(1, positionIncrement) : positionIncrement, chinese));
}
