using System.Globalization;

namespace Matchmaking.Matching.Engine;

// TEMPORARY experiment knobs; removed before hand-over.
internal static class Tuning
{
    public static double Get(string name, double fallback) =>
        Environment.GetEnvironmentVariable("MM_" + name) is { } text && double.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
