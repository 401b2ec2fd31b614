using Matchmaking.Text;
namespace Matchmaking.Matching.Engine.Tests;

public sealed class LanguageDetectionTests
{
    [Theory]
    [InlineData("Conformal cooling for injection moulds", "en")]
    [InlineData("注塑模具随形冷却技术，缩短冷却时间", "zh-Hans")]
    [InlineData("注塑模具隨形冷卻技術，縮短冷卻時間並減少翹曲變形", "zh-Hant")]
    [InlineData("我們的產品需要更好的檢測設備", "zh-Hant")]
    [InlineData("我们的产品需要更好的检测设备", "zh-Hans")]
    [InlineData("PCB 焊点缺陷自动检测设备", "zh-Hans")]
    [InlineData("Automated optical inspection for SMT solder joints (焊点)", "en")]
    [InlineData("", "en")]
    [InlineData("12345 !!", "en")]
    public void The_language_is_told_from_the_characters_used(string text, string expected) =>
        Assert.Equal(expected, LanguageDetector.Detect(text));
}
