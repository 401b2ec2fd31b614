using System.Text;

namespace Matchmaking.Text;

/// <summary>Which writing system a character belongs to, for analysis and language detection.</summary>
public static class Scripts
{
    public static bool IsHan(int codePoint) =>
        codePoint is >= 0x4E00 and <= 0x9FFF      // CJK Unified Ideographs
            or >= 0x3400 and <= 0x4DBF            // Extension A
            or >= 0xF900 and <= 0xFAFF            // Compatibility Ideographs
            or >= 0x20000 and <= 0x3134F          // Extensions B–G
            or 0x3007;                            // 〇

    // Splits text into maximal runs of Han ideographs and runs of everything else.
    public static IEnumerable<(int Start, int Length, bool Han)> Runs(string text)
    {
        var start = 0;
        var han = false;
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var isHan = IsHan(rune.Value);
            if (index == 0)
            {
                han = isHan;
            }
            else if (isHan != han)
            {
                yield return (start, index - start, han);
                start = index;
                han = isHan;
            }

            index += rune.Utf16SequenceLength;
        }

        if (index > start)
        {
            yield return (start, index - start, han);
        }
    }

    public static bool ContainsHan(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHan(rune.Value))
            {
                return true;
            }
        }

        return false;
    }

    public static (int Han, int Latin) CountLetters(string text)
    {
        int han = 0, latin = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHan(rune.Value))
            {
                han++;
            }
            else if (Rune.IsLetter(rune))
            {
                latin++;
            }
        }

        return (han, latin);
    }
}
