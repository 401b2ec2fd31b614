using Matchmaking.Text;
namespace Matchmaking.Text;

/// <summary>Tells English from Chinese by the share of Han characters, and Traditional from Simplified by telltale characters.</summary>
public static class LanguageDetector
{
    public const string English = "en";
    public const string TraditionalChinese = "zh-Hant";
    public const string SimplifiedChinese = "zh-Hans";

    public static readonly IReadOnlyList<string> Supported = [English, TraditionalChinese, SimplifiedChinese];

    // Frequent characters that differ between the two scripts. Characters both scripts use (制, 台, 后, 里, 干)
    // are left out, since they say nothing about which one a text is written in.
    private const string SimplifiedOnly =
        "们这个说时会来对国学过么还问与无开关点体发当经实现见长门间动机进种样东车电业产术设计专质环节约变压热" +
        "为从让给将认识语话请谁读书写买卖钱银员医药饭馆鸡鱼鸟马难欢觉记忆爱亲听边远头脑脸乐师级组织结构论议讲" +
        "试验检测数据处网络线连软显图画转换调运输钢铁铝铜纤维纺胶装备厂场厅楼层区县广汉华岛湾岭须么应该";
    private const string TraditionalOnly =
        "們這個說時會來對國學過麼還問與無開關點體發當經實現見長門間動機進種樣東車電業產術設計專質環節約變壓熱" +
        "為從讓給將認識語話請誰讀書寫買賣錢銀員醫藥飯館雞魚鳥馬難歡覺記憶愛親聽邊遠頭腦臉樂師級組織結構論議講" +
        "試驗檢測數據處網絡線連軟顯圖畫轉換調運輸鋼鐵鋁銅纖維紡膠裝備廠場廳樓層區縣廣漢華島灣嶺須麼應該製";

    /// <summary>Returns <c>en</c>, <c>zh-Hant</c> or <c>zh-Hans</c>; text without letters counts as English.</summary>
    public static string Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return English;
        }

        var (han, latin) = Scripts.CountLetters(text);

        // Compare estimated word counts: a Chinese word runs about 1.5 characters, an English one about 5 letters.
        if (han / 1.5 < latin / 5.0 || han == 0)
        {
            return English;
        }

        int simplified = 0, traditional = 0;
        foreach (var c in text)
        {
            if (SimplifiedOnly.Contains(c))
            {
                simplified++;
            }
            else if (TraditionalOnly.Contains(c))
            {
                traditional++;
            }
        }

        return traditional > simplified ? TraditionalChinese : SimplifiedChinese;
    }
}
