using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;
using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Analysis;

// One analyzer for every text field, whatever its language (see TextAnalyser): English is tokenised, lower-cased,
// stop-worded, folded to American spelling (so "mould" meets "mold", as in the dictionary) and Porter-stemmed;
// Chinese is folded to Simplified, Cantonese mapped to Mandarin, and segmented by SmartCn.
internal sealed class ListingAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    // SmartCn's own stop list only holds punctuation. These are the Chinese counterparts of Lucene's English stop
    // words (particles, "is", "and", "of", "this", "not"…) and would otherwise crowd the explanations and the term
    // budget of a match query. Pronouns and ordinary verbs stay, as "I", "you" and "have" do in English, so they can
    // meet their translations. Text is folded to Simplified before the list applies.
    private static readonly string[] s_chineseStopWords =
    [
        "的", "地", "得", "了", "着", "过", "吗", "呢", "吧", "啊", "呀", "嘛", "之", "其", "是", "在", "和", "与",
        "及", "或", "等", "并", "而", "把", "被", "于", "为", "以", "个", "这", "那", "这个", "那个", "这些", "那些",
        "不", "没有", "如果", "但", "但是", "因为", "所以", "就", "都", "也", "将",
    ];

    private readonly Analyzer _english = new EnglishChain(light: false);
    private readonly Analyzer _englishLight = new EnglishChain(light: true);
    private readonly Analyzer _chinese = new SmartChineseAnalyzer(Version, ChineseStopSet());

    public ListingAnalyzer(DomainGlossary glossary)
    {
        // Words the segmenter may split that should be whole: CC-CEDICT headwords and the glossary's Chinese terms.
        var glossaryWords = glossary.Terms
            .SelectMany(term => term.Chinese)
            .Select(ChineseScript.ToSimplified)
            .Where(word => word.Length >= 2)
            .ToHashSet(StringComparer.Ordinal);
        Analyser = new TextAnalyser(
            _english,
            _englishLight,
            _chinese,
            new ChineseNormaliser(glossary.Cantonese),
            s_chineseStopWords.ToHashSet(StringComparer.Ordinal),
            word => glossaryWords.Contains(word) || CedictDictionary.Contains(word));
    }

    public TextAnalyser Analyser { get; }

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
        new(new ScriptRunTokenizer(reader, fieldName, Analyser));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _english.Dispose();
            _englishLight.Dispose();
            _chinese.Dispose();
        }

        base.Dispose(disposing);
    }

    private static CharArraySet ChineseStopSet()
    {
        var set = new CharArraySet(Version, SmartChineseAnalyzer.DefaultStopSet, ignoreCase: false);
        foreach (var word in s_chineseStopWords)
        {
            set.Add(word);
        }

        return set.AsReadOnly();
    }

    // Lucene's English analyzer with American spelling folded in before stemming; Porter for the index, KStem for
    // glossary phrases.
    private sealed class EnglishChain(bool light) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(Version, reader);
            TokenStream result = new StandardFilter(Version, source);
            result = new EnglishPossessiveFilter(Version, result);
            result = new LowerCaseFilter(Version, result);
            result = new StopFilter(Version, result, EnglishAnalyzer.DefaultStopSet);
            result = new AmericanSpellingFilter(result);
            result = light ? new KStemFilter(result) : new PorterStemFilter(result);
            return new TokenStreamComponents(source, result);
        }
    }

    private sealed class AmericanSpellingFilter : TokenFilter
    {
        private readonly ICharTermAttribute _term;

        public AmericanSpellingFilter(TokenStream input)
            : base(input) => _term = AddAttribute<ICharTermAttribute>();

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            if (_term.Length >= 4)
            {
                var word = _term.ToString();
                var american = EnglishSpelling.ToAmerican(word);
                if (!ReferenceEquals(word, american) && american != word)
                {
                    _term.SetEmpty().Append(american);
                }
            }

            return true;
        }
    }
}
