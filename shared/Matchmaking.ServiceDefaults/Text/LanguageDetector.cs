namespace Matchmaking.ServiceDefaults.Text;

/// <summary>Tells en, zh-Hant and zh-Hans apart for a listing posted without a language.</summary>
public static class LanguageDetector
{
    public const string English = "en";
    public const string TraditionalChinese = "zh-Hant";
    public const string SimplifiedChinese = "zh-Hans";

    public static readonly IReadOnlyList<string> Supported = [English, TraditionalChinese, SimplifiedChinese];

    // Frequent characters that exist in only one of the two scripts (each pair is one word in both scripts).
    private const string TraditionalOnly = "們個這來時為說國會們後過對動學發經與開關當應點長問題體現實務產業設裝廠擁與術機電線質處製據環衛營療護雜飾輪漿壓熱膠邊層變換氣單價費資";
    private const string SimplifiedOnly = "们个这来时为说国会们后过对动学发经与开关当应点长问题体现实务产业设装厂拥与术机电线质处制据环卫营疗护杂饰轮浆压热胶边层变换气单价费资";

    public static string Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return English;
        }

        int han = 0, letters = 0, traditional = 0, simplified = 0;
        foreach (var c in text)
        {
            if (c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf')
            {
                han++;
                if (TraditionalOnly.Contains(c) && !SimplifiedOnly.Contains(c))
                {
                    traditional++;
                }
                else if (SimplifiedOnly.Contains(c) && !TraditionalOnly.Contains(c))
                {
                    simplified++;
                }
            }
            else if (char.IsLetter(c))
            {
                letters++;
            }
        }

        // A Chinese character carries about as much as an English word of five letters.
        if (han * 5 < letters)
        {
            return English;
        }

        return simplified > traditional ? SimplifiedChinese : TraditionalChinese;
    }
}
