using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Matchmaking.Matching.Engine.Analysis;

// One analyzer for every text field, whatever its language. Text is cut into runs of Han ideographs and runs of
// everything else: Han runs go through the SmartCn HMM segmenter, the rest through the English chain (standard
// tokenizer, possessives, lower case, stop words, Porter stemming). Mixed text such as "3D打印 nozzle" therefore
// works without guessing one language for the whole field.
internal sealed class ListingAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    // SmartCn's own stop list only holds punctuation; these function words would otherwise crowd the
    // explanations and the term budget of a match query.
    private static readonly string[] s_chineseStopWords =
    [
        "的", "了", "是", "在", "和", "与", "與", "及", "或", "等", "也", "就", "都", "而", "之", "其", "并", "並",
        "这", "這", "那", "我", "你", "他", "她", "它", "们", "們", "我们", "我們", "把", "被", "让", "讓", "给", "給",
        "对", "對", "于", "於", "从", "從", "向", "个", "個", "为", "為", "以", "将", "將", "会", "會", "能", "可",
        "有", "没有", "沒有", "不", "很", "还", "還", "又", "再", "吗", "嗎", "呢", "吧", "啊", "着", "著", "过", "過",
        "一个", "一個", "这个", "這個", "那个", "那個", "什么", "什麼", "怎么", "怎麼", "如何", "因为", "因為", "所以",
    ];

    private readonly Analyzer _english = new EnglishAnalyzer(Version);
    private readonly Analyzer _chinese = new SmartChineseAnalyzer(Version, ChineseStopSet());

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
        new(new ScriptRunTokenizer(reader, fieldName, _english, _chinese));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _english.Dispose();
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
}
