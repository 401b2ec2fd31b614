using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Matchmaking.Matching.Engine.Analysis;

namespace Matchmaking.Matching.Engine.Tests;

/// <summary>
/// The index's merges run on one background thread of the writer's own, and nothing is lost by them. A scheduler that
/// dropped merges would leave the writer waiting for them for ever: the timeout turns that into a failure.
/// </summary>
public sealed class MergeSchedulerTests
{
    private const int Timeout = 120_000;

    [Fact(Timeout = Timeout)]
    public Task Merges_run_in_the_background_and_keep_every_document() => Task.Run(() =>
    {
        const int commits = 120;
        using var directory = new RAMDirectory();
        using (var writer = Writer(directory, mergeFactor: 4))
        {
            AddOnePerCommit(writer, commits);
            writer.WaitForMerges();
            writer.Commit();
        }

        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(commits, reader.NumDocs);
        Assert.InRange(reader.Leaves.Count, 1, commits / 4);
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = Timeout)]
    public Task Disposing_the_writer_waits_for_the_merges_it_has_handed_over() => Task.Run(() =>
    {
        const int commits = 60;
        var folder = System.IO.Directory.CreateTempSubdirectory("matchmaking-merges-").FullName;
        try
        {
            using (var directory = FSDirectory.Open(folder))
            using (var writer = Writer(directory, mergeFactor: 2))
            {
                AddOnePerCommit(writer, commits);
            }

            // Disposed without waiting first: the writer's own wait must see the background thread's merges through.
            using var reopened = FSDirectory.Open(folder);
            using var reader = DirectoryReader.Open(reopened);
            Assert.Equal(commits, reader.NumDocs);
            Assert.InRange(reader.Leaves.Count, 1, commits / 4);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }, TestContext.Current.CancellationToken);

    [Fact(Timeout = Timeout)]
    public Task A_merge_that_fails_is_reported_and_the_merges_after_it_go_on() => Task.Run(() =>
    {
        var reports = new System.Collections.Concurrent.ConcurrentQueue<Exception?>();
        using var directory = new MergesFailWhile();
        using (var writer = Writer(directory, mergeFactor: 2, reports.Enqueue))
        {
            directory.Failing = true;
            AddOnePerCommit(writer, 8);
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            while (!reports.Any(report => report is IOException) && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(20);
            }

            Assert.Contains(reports, report => report is IOException);

            directory.Failing = false;
            AddOnePerCommit(writer, 8);
            writer.WaitForMerges();
            writer.Commit();
            Assert.True(reports.TryPeek(out _));
            Assert.Null(reports.Last());
        }

        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(16, reader.NumDocs);
        Assert.InRange(reader.Leaves.Count, 1, 8);
    }, TestContext.Current.CancellationToken);

    private static IndexWriter Writer(Lucene.Net.Store.Directory directory, int mergeFactor, Action<Exception?>? report = null) =>
        new(directory, new IndexWriterConfig(ListingAnalyzer.Version, new WhitespaceAnalyzer(ListingAnalyzer.Version))
        {
            MergeScheduler = new BackgroundMergeScheduler(report ?? (_ => { })),
            MergePolicy = new LogDocMergePolicy { MergeFactor = mergeFactor },
        });

    // One segment per commit: without merges the index would end with one segment per document.
    private static void AddOnePerCommit(IndexWriter writer, int commits)
    {
        for (var i = 0; i < commits; i++)
        {
            writer.AddDocument(new Document { new StringField("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES) });
            writer.Commit();
        }
    }

    // A directory whose merges cannot write their new segment while Failing (as a disk that fills up).
    private sealed class MergesFailWhile : RAMDirectory
    {
        public volatile bool Failing;

        public override IndexOutput CreateOutput(string name, IOContext context) =>
            Failing && context.MergeInfo is not null
                ? throw new IOException($"no space left for {name} (test)")
                : base.CreateOutput(name, context);
    }
}
