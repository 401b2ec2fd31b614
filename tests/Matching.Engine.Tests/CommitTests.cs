using System.Diagnostics;
using Lucene.Net.Index;
using Lucene.Net.Store;

namespace Matchmaking.Matching.Engine.Tests;

/// <summary>
/// Single writes are searchable at once and reach the disk at the next commit; bulk writes are on disk when they
/// return. What is on disk is what a process killed now would find at its next start.
/// </summary>
public sealed class CommitTests
{
    [Fact]
    public void A_single_write_is_searchable_at_once_and_on_disk_only_after_a_commit()
    {
        using var temp = new TempIndex(new MatchingEngineOptions { CommitInterval = TimeSpan.FromHours(1) });
        var technology = Listings.Technology("Conformal cooling", "Cooling channels printed in the mould.");

        temp.Index.Upsert(technology);

        Assert.NotNull(temp.Index.Get(technology.Id));
        Assert.False(temp.Index.Committed);
        Assert.Equal(0, DocumentsOnDisk(temp.Folder));

        temp.Index.Commit();

        Assert.True(temp.Index.Committed);
        Assert.Equal(1, DocumentsOnDisk(temp.Folder));
    }

    [Fact]
    public void A_bulk_write_is_on_disk_when_it_returns()
    {
        using var temp = new TempIndex(new MatchingEngineOptions { CommitInterval = TimeSpan.FromHours(1) });

        temp.Index.UpsertMany([Listings.Technology("One", "First"), Listings.Need("Two", "Second")]);

        Assert.True(temp.Index.Committed);
        Assert.Equal(2, DocumentsOnDisk(temp.Folder));
    }

    [Fact]
    public void A_bulk_write_without_a_commit_is_searchable_at_once_and_on_disk_after_the_next_commit()
    {
        using var temp = new TempIndex(new MatchingEngineOptions { CommitInterval = TimeSpan.FromHours(1) });
        var technology = Listings.Technology("Conformal cooling", "Cooling channels printed in the mould.");

        temp.Index.UpsertMany([technology, Listings.Need("Warped housings", "Housings warp after cooling.")], commit: false);

        Assert.NotNull(temp.Index.Get(technology.Id));
        Assert.False(temp.Index.Committed);
        Assert.Equal(0, DocumentsOnDisk(temp.Folder));

        temp.Index.Commit();

        Assert.Equal(2, DocumentsOnDisk(temp.Folder));
    }

    [Fact]
    public void The_committer_puts_single_writes_on_disk_within_its_interval()
    {
        using var temp = new TempIndex(new MatchingEngineOptions { CommitInterval = TimeSpan.FromMilliseconds(50) });
        temp.Index.Upsert(Listings.Technology("Conformal cooling", "Cooling channels printed in the mould."));
        temp.Index.Upsert(Listings.Need("Warped housings", "Housings warp after cooling."));

        var deadline = Stopwatch.StartNew();
        while ((DocumentsOnDiskWhileCommitting(temp.Folder) < 2 || !temp.Index.Committed) && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(20);
        }

        Assert.Equal(2, DocumentsOnDisk(temp.Folder));
        Assert.True(temp.Index.Committed);
    }

    [Fact]
    public void A_zero_interval_commits_every_write()
    {
        using var temp = new TempIndex(new MatchingEngineOptions { CommitInterval = TimeSpan.Zero });

        temp.Index.Upsert(Listings.Technology("Conformal cooling", "Cooling channels printed in the mould."));

        Assert.True(temp.Index.Committed);
        Assert.Equal(1, DocumentsOnDisk(temp.Folder));
    }

    [Fact]
    public void Held_lists_every_live_listing_with_the_version_held()
    {
        using var temp = new TempIndex();
        var kept = Listings.Technology("Kept", "Still here.");
        var replaced = Listings.Need("Replaced", "First copy.");
        var deleted = Listings.Technology("Deleted", "Gone.");
        temp.Index.UpsertMany([kept, replaced, deleted]);
        temp.Index.Upsert(replaced with { Title = "Replaced again", UpdatedAt = replaced.UpdatedAt.AddMinutes(5) });
        temp.Index.Delete(deleted.Id);

        var held = temp.Index.Held().OrderBy(h => h.UpdatedAt).ToList();

        Assert.Equal(
            new[] { (kept.Id, kept.UpdatedAt.UtcTicks), (replaced.Id, replaced.UpdatedAt.AddMinutes(5).UtcTicks) }.OrderBy(h => h.Item2),
            held.Select(h => (h.Id, h.UpdatedAt.UtcTicks)));
    }

    [Fact]
    public void A_commit_that_fails_is_reported_until_one_succeeds_and_nothing_written_meanwhile_is_lost()
    {
        using var temp = new TempIndex(new MatchingEngineOptions { CommitInterval = TimeSpan.FromMilliseconds(50) });
        Assert.Null(temp.Index.BackgroundFault);

        // A file where the folder was (as a disk that fails): the committer cannot write, but the index answers from memory.
        System.IO.Directory.Delete(temp.Folder, recursive: true);
        File.WriteAllText(temp.Folder, "not a folder");
        var technology = Listings.Technology("Conformal cooling", "Cooling channels printed in the mould.");
        temp.Index.Upsert(technology);
        var fault = Poll(() => temp.Index.BackgroundFault);
        Assert.Equal(IndexFault.Commit, fault?.Operation);
        Assert.IsAssignableFrom<IOException>(fault?.Error);
        Assert.NotNull(temp.Index.Get(technology.Id));
        Assert.False(temp.Index.Committed);

        // Back: the next commit (here a durable one, which leaves the committer nothing to do) writes what was kept in
        // memory, and the fault is over.
        File.Delete(temp.Folder);
        temp.Index.Commit();
        Assert.NotNull(Poll(() => temp.Index.BackgroundFault is null ? "over" : null));
        Assert.True(temp.Index.Committed);
        Assert.Equal(1, DocumentsOnDisk(temp.Folder));
    }

    [Fact]
    public void A_durable_commit_racing_the_committer_leaves_nothing_counted_as_pending()
    {
        // A committer ticking every millisecond, so that it often counts a write and starts its commit while the
        // writer's own durable commit covers the same write: the write must be taken off the count once, or the count
        // goes below zero, reads as uncommitted with nothing pending, and lets a later write read as committed.
        using var temp = new TempIndex(new MatchingEngineOptions { CommitInterval = TimeSpan.FromMilliseconds(1) });
        var miscounted = 0;
        for (var i = 0; i < 400; i++)
        {
            temp.Index.Upsert(Listings.Technology($"Technology {i}", "Cooling channels printed in the mould."));
            temp.Index.Commit();
            if (!temp.Index.Committed)
            {
                miscounted++;
            }
        }

        Assert.Equal(0, miscounted);
    }

    // The value once it is not null, or null at a 20-second deadline.
    private static T? Poll<T>(Func<T?> value)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (value() is { } found)
            {
                return found;
            }

            Thread.Sleep(20);
        }

        return null;
    }

    // As DocumentsOnDisk, while the committer may be writing the next commit point (a half-written one reads as none).
    private static int DocumentsOnDiskWhileCommitting(string folder)
    {
        try
        {
            return DocumentsOnDisk(folder);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // The documents of the index's last commit, as a new process opening the folder would see them.
    private static int DocumentsOnDisk(string folder)
    {
        using var directory = FSDirectory.Open(folder);
        if (!DirectoryReader.IndexExists(directory))
        {
            return 0;
        }

        using var reader = DirectoryReader.Open(directory);
        return reader.NumDocs;
    }
}
