using System.IO.Compression;
using System.Text;

namespace Matchmaking.Matching.Engine.Lexicon;

// The tables are gzip-compressed TSV files embedded in this assembly (see Data/NOTICE.md and
// build-lexicon.mjs); reading them needs no files next to the binaries, so every host
// (API, Host, eval, benchmarks, tests) sees the same data.
internal static class LexiconData
{
    private const string ResourcePrefix = "Matchmaking.Matching.Engine.Lexicon.Data.";

    public const string Cedict = "cedict.tsv.gz";
    public const string CedictEnglish = "cedict-en.tsv.gz";
    public const string TraditionalToSimplified = "opencc-t2s.tsv.gz";
    public const string SimplifiedToTraditional = "opencc-s2t.tsv.gz";

    public static IEnumerable<string> ReadLines(string name)
    {
        using var reader = Open(name);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    public static string ReadAll(string name)
    {
        using var reader = Open(name);
        return reader.ReadToEnd();
    }

    private static StreamReader Open(string name)
    {
        var assembly = typeof(LexiconData).Assembly;
        var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The lexicon resource '{name}' is not embedded in {assembly.GetName().Name}.");
        return new StreamReader(new GZipStream(stream, CompressionMode.Decompress), Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
    }
}
