using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Tests.Lexicon;

public sealed class ChineseScriptTests
{
    [Theory]
    [InlineData("這個塑膠模具", "这个塑胶模具")]
    [InlineData("發熱", "发热")]
    [InlineData("頭髮", "头发")]
    [InlineData("乾燥機後來出現問題", "干燥机后来出现问题")]
    [InlineData("線路板溫度過高", "线路板温度过高")]
    [InlineData("我哋嘅產品喺香港製造", "我哋嘅产品喺香港制造")]
    public void Traditional_text_is_folded_to_simplified(string traditional, string simplified) =>
        Assert.Equal(simplified, ChineseScript.ToSimplified(traditional));

    [Theory]
    [InlineData("衞生", "卫生")] // Hong Kong form of 衛
    [InlineData("綫路", "线路")] // Hong Kong form of 線
    [InlineData("說明", "说明")] // Hong Kong 説 as well as standard 說
    [InlineData("説明", "说明")]
    [InlineData("溫度", "温度")] // Hong Kong 温 stays 温
    public void Hong_Kong_and_Taiwan_variant_forms_are_folded_too(string variant, string simplified) =>
        Assert.Equal(simplified, ChineseScript.ToSimplified(variant));

    [Fact]
    public void Text_outside_Chinese_is_left_untouched()
    {
        Assert.Equal("Mould cooling: 8% of housings warp! 😀", ChineseScript.ToSimplified("Mould cooling: 8% of housings warp! 😀"));
        Assert.Equal("The 注塑模具 (injection mould) costs HK$12,000.", ChineseScript.ToSimplified("The 注塑模具 (injection mould) costs HK$12,000."));
        Assert.Equal("Warp 翘曲 after 冷却, batch #42", ChineseScript.ToSimplified("Warp 翹曲 after 冷卻, batch #42"));
        Assert.Equal("", ChineseScript.ToSimplified(""));
    }

    [Fact]
    public void Simplified_text_comes_back_unchanged()
    {
        const string simplified = "我们的注塑模具冷却太慢，外壳变形，软件后面再发展";
        Assert.Equal(simplified, ChineseScript.ToSimplified(simplified));
    }

    [Theory]
    [InlineData("这个塑胶模具发热", "這個塑膠模具發熱")]
    [InlineData("头发", "頭髮")]
    [InlineData("干燥", "乾燥")]
    public void Simplified_text_converts_to_traditional_by_phrase(string simplified, string traditional) =>
        Assert.Equal(traditional, ChineseScript.ToTraditional(simplified));

    [Fact]
    public void Conversions_give_the_same_answers_from_many_threads()
    {
        var cases = new[] { ("這個塑膠模具", "这个塑胶模具"), ("發熱", "发热"), ("頭髮", "头发"), ("Mixed 線路 text", "Mixed 线路 text") };
        var failures = 0;
        Parallel.For(0, 2_000, i =>
        {
            var (traditional, simplified) = cases[i % cases.Length];
            if (ChineseScript.ToSimplified(traditional) != simplified || ChineseScript.ToSimplified(ChineseScript.ToTraditional(simplified)) != simplified)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }
}
