using System.IO.Compression;
using System.Text;
using Matchmaking.Matching.Engine.Lexicon;

namespace Matchmaking.Matching.Engine.Tests.Lexicon;

// The engine loads the English → Chinese index precomputed (building it costs a second of CPU);
// this keeps the shipped file equal to what EnglishGlossIndex.Build makes of the shipped dictionary.
// With MATCHMAKING_WRITE_LEXICON=1 it rewrites the file instead (build-lexicon.mjs does this).
public sealed class EnglishIndexFileTests
{
    private const string RelativePath = "services/Matching/Matching.Engine/Lexicon/Data/" + LexiconData.CedictEnglish;

    [Fact]
    public void The_shipped_English_index_is_what_the_shipped_dictionary_builds()
    {
        var built = EnglishGlossIndex.Build(CedictData.Load().Entries).ToText();

        if (Environment.GetEnvironmentVariable("MATCHMAKING_WRITE_LEXICON") == "1")
        {
            var path = Path.Combine(RepositoryRoot(), RelativePath);
            using (var file = File.Create(path))
            using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
            {
                gzip.Write(Encoding.UTF8.GetBytes(built));
            }

            Assert.Skip($"Wrote {path}; build and test again to check it.");
        }

        var shipped = LexiconData.ReadAll(LexiconData.CedictEnglish);
        Assert.True(built == shipped, $"{RelativePath} is stale: run build-lexicon.mjs (or this test with MATCHMAKING_WRITE_LEXICON=1).");
    }

    [Fact]
    public void The_loaded_index_answers_as_the_built_one_does()
    {
        var entries = CedictData.Load().Entries;
        var built = EnglishGlossIndex.Build(entries);
        var loaded = EnglishGlossIndex.Parse(built.ToText(), entries);

        Assert.Equal(built.KeyCount, loaded.KeyCount);
        Assert.Equal(built.PostingCount, loaded.PostingCount);
        foreach (var query in new[] { "warp", "mould", "injection molding", "cooling", "water", "quality control", "moulds" })
        {
            Assert.Equal(built.Find(query, 50), loaded.Find(query, 50));
        }
    }

    [Fact]
    public void An_index_for_another_dictionary_is_refused()
    {
        var entries = CedictData.Load().Entries;
        var text = LexiconData.ReadAll(LexiconData.CedictEnglish);

        Assert.Throws<InvalidOperationException>(() => EnglishGlossIndex.Parse(text, entries.Take(entries.Count - 1).ToList()));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Matchmaking.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Matchmaking.sln not found above " + AppContext.BaseDirectory);
    }
}
