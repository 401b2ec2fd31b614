using System.Collections.Frozen;
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
            result = new ContractionFilter(result);
            result = new IrregularFormFilter(result);
            result = new StopFilter(Version, result, EnglishAnalyzer.DefaultStopSet);
            result = new AmericanSpellingFilter(result);
            result = light ? new KStemFilter(result) : new PorterStemFilter(result);
            return new TokenStreamComponents(source, result);
        }
    }

    // English contractions are one token to the tokenizer ("i'm", "don't", "you're"), so "I'm tired" would never meet
    // "I" (or 我 through the dictionary). Each is cut back to its first word; the clitic is a function word
    // ("am", "not", "are", "will") that the stop list would drop anyway. "Can't" and "won't" keep their verbs.
    private sealed class ContractionFilter : TokenFilter
    {
        private static readonly string[] s_clitics = ["n't", "'m", "'re", "'ve", "'ll", "'d"];

        private readonly ICharTermAttribute _term;

        public ContractionFilter(TokenStream input)
            : base(input) => _term = AddAttribute<ICharTermAttribute>();

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            var buffer = _term.Buffer;
            var length = _term.Length;
            var apostrophe = -1;
            for (var i = 1; i < length; i++)
            {
                if (buffer[i] is '\'' or '\u2019')
                {
                    buffer[i] = '\'';
                    apostrophe = i;
                }
            }

            if (apostrophe < 0)
            {
                return true;
            }

            var word = new string(buffer, 0, length);
            string? head = word switch
            {
                "can't" => "can",
                "won't" => "will",
                "shan't" => "shall",
                "ain't" => "be",
                _ => null,
            };
            if (head is null)
            {
                foreach (var clitic in s_clitics)
                {
                    if (word.Length > clitic.Length && word.EndsWith(clitic, StringComparison.Ordinal))
                    {
                        head = word[..^clitic.Length];
                        break;
                    }
                }
            }

            if (head is { Length: > 0 })
            {
                _term.SetEmpty().Append(head);
            }

            return true;
        }
    }

    // The stemmers leave irregular verb forms alone ("bought", "went", "eaten"), while dictionary glosses give base forms
    // ("to buy"): the common irregular forms are mapped to their base form first, so they meet both the glosses and
    // the other tenses of the verb.
    private sealed class IrregularFormFilter : TokenFilter
    {
        private static readonly FrozenDictionary<string, string> s_base = new (string Base, string Forms)[]
        {
            ("be", "was were been am"), ("have", "has had"), ("do", "did does done"), ("go", "went gone goes"),
            ("buy", "bought"), ("take", "took taken"), ("tell", "told"), ("say", "said says"), ("make", "made"),
            ("come", "came"), ("get", "got gotten"), ("leave", "left"), ("feel", "felt"), ("think", "thought"),
            ("know", "knew known"), ("give", "gave given"), ("find", "found"), ("eat", "ate eaten"),
            ("write", "wrote written"), ("run", "ran"), ("begin", "began begun"), ("bring", "brought"),
            ("catch", "caught"), ("teach", "taught"), ("keep", "kept"), ("sleep", "slept"), ("meet", "met"),
            ("sit", "sat"), ("stand", "stood"), ("understand", "understood"), ("speak", "spoke spoken"),
            ("break", "broke broken"), ("choose", "chose chosen"), ("drive", "drove driven"), ("fall", "fell fallen"),
            ("forget", "forgot forgotten"), ("hear", "heard"), ("hold", "held"), ("lose", "lost"), ("pay", "paid"),
            ("sell", "sold"), ("send", "sent"), ("spend", "spent"), ("build", "built"), ("lend", "lent"),
            ("mean", "meant"), ("swim", "swam swum"), ("drink", "drank drunk"), ("sing", "sang sung"),
            ("become", "became"), ("see", "saw seen"), ("fly", "flew flown"), ("grow", "grew grown"),
            ("throw", "threw thrown"), ("draw", "drew drawn"), ("wear", "wore worn"), ("tear", "tore torn"),
            ("steal", "stole stolen"), ("wake", "woke woken"), ("ride", "rode ridden"), ("rise", "rose risen"),
            ("hide", "hid hidden"), ("bite", "bitten"), ("shake", "shook shaken"), ("freeze", "froze frozen"),
            ("fight", "fought"), ("seek", "sought"), ("feed", "fed"), ("lead", "led"),
            ("win", "won"), ("dig", "dug"), ("hang", "hung"), ("shoot", "shot"),
            ("forgive", "forgave forgiven"), ("lay", "laid"),
            ("deal", "dealt"), ("dream", "dreamt"), ("learn", "learnt"), ("burn", "burnt"), ("smell", "smelt"),
            ("spell", "spelt"), ("mislead", "misled"), ("overcome", "overcame"), ("undergo", "underwent undergone"),
            ("undertake", "undertook undertaken"), ("withdraw", "withdrew withdrawn"), ("arise", "arose arisen"),
            ("shrink", "shrank shrunk"), ("strike", "struck stricken"), ("stick", "stuck"), ("swing", "swung"),
            ("sink", "sank sunk"), ("spin", "spun"), ("bend", "bent"), ("bleed", "bled"), ("breed", "bred"),
            ("flee", "fled"), ("slide", "slid"), ("weep", "wept"), ("sweep", "swept"), ("creep", "crept"),
            ("child", "children"), ("man", "men"), ("woman", "women"), ("person", "people"), ("foot", "feet"),
            ("tooth", "teeth"), ("mouse", "mice"),
        }
            .SelectMany(x => x.Forms.Split(' ').Select(form => (Form: form, x.Base)))
            .DistinctBy(x => x.Form)
            .ToFrozenDictionary(x => x.Form, x => x.Base, StringComparer.Ordinal);

        private readonly ICharTermAttribute _term;

        public IrregularFormFilter(TokenStream input)
            : base(input) => _term = AddAttribute<ICharTermAttribute>();

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            if (_term.Length is >= 2 and <= 10 && s_base.TryGetValue(_term.ToString(), out var lemma))
            {
                _term.SetEmpty().Append(lemma);
            }

            return true;
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
