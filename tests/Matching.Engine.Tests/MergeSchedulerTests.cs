using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Matchmaking.Matching.Engine.Analysis;

namespace Matchmaking.Matching.Engine.Tests;

/// <summary>The index's merges run on one background thread of the writer's own, and nothing is lost by them.</summary>
public sealed class MergeSchedulerTests
{
    [Fact]
    public void Merges_run_in_the_background_and_keep_every_document()
    {
        const int commits = 120;
        using var directory = new RAMDirectory();
        using var analyzer = new WhitespaceAnalyzer(ListingAnalyzer.Version);
        var config = new IndexWriterConfig(ListingAnalyzer.Version, analyzer)
        {
            MergeScheduler = new BackgroundMergeScheduler(),
            MergePolicy = new LogDocMergePolicy { MergeFactor = 4 },
        };
        using (var writer = new IndexWriter(directory, config))
        {
            // One segment per commit: without merges the index would end with one segment per document.
            for (var i = 0; i < commits; i++)
            {
                writer.AddDocument(new Document { new StringField("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES) });
                writer.Commit();
            }

            writer.WaitForMerges();
            writer.Commit();
        }

        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(commits, reader.NumDocs);
        Assert.InRange(reader.Leaves.Count, 1, commits / 4);
    }

    [Fact]
    public void A_writer_disposed_with_merges_pending_still_holds_every_document()
    {
        const int commits = 60;
        var folder = System.IO.Directory.CreateTempSubdirectory("matchmaking-merges-").FullName;
        try
        {
            using (var directory = FSDirectory.Open(folder))
            using (var analyzer = new WhitespaceAnalyzer(ListingAnalyzer.Version))
            using (var writer = new IndexWriter(directory, new IndexWriterConfig(ListingAnalyzer.Version, analyzer)
                   {
                       MergeScheduler = new BackgroundMergeScheduler(),
                       MergePolicy = new LogDocMergePolicy { MergeFactor = 2 },
                   }))
            {
                for (var i = 0; i < commits; i++)
                {
                    writer.AddDocument(new Document { new StringField("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES) });
                    writer.Commit();
                }
            }

            using var reopened = FSDirectory.Open(folder);
            using var reader = DirectoryReader.Open(reopened);
            Assert.Equal(commits, reader.NumDocs);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }
}
