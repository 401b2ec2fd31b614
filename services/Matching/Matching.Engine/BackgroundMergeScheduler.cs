using Lucene.Net.Index;

namespace Matchmaking.Matching.Engine;

/// <summary>
/// Runs the index's segment merges in the background, one at a time, on one long-lived thread per writer.
/// <para>
/// Lucene's default, the ConcurrentMergeScheduler, starts a new thread for every merge. Each thread that reads a
/// segment registers with Lucene.NET's per-thread reader state (DisposableThreadLocal), and when the thread ends a
/// finalizer walks all of that state. The Matching service reopens its searcher for every batch of listings, which makes
/// a small segment and, every second or two, a merge: dotnet-trace's thread-time samples of <c>infra/load.sh</c> put
/// about a fifth of the service's time in those finalizers, a figure a later CPU profile (perf) could not confirm, and
/// the processor time per listing did not move beyond the noise of a loaded machine. One thread that lives as long as
/// the writer registers once, and no merge thread is started and torn down every second or two.
/// </para>
/// <para>
/// A writer never waits for a merge (as with the default); merges that fall behind leave more, smaller segments until
/// the thread catches up, and the merge policy then picks larger merges.
/// </para>
/// <para>
/// A merge that fails is told to <paramref name="report"/> (as are the merges that succeed after it, with null), so
/// the index can say so; the thread goes on.
/// </para>
/// </summary>
internal sealed class BackgroundMergeScheduler(Action<Exception?> report) : MergeScheduler
{
    private readonly object _gate = new();
    private Thread? _thread;
    private IndexWriter? _writer;
    private bool _requested;
    private bool _disposed;

    public override void Merge(IndexWriter writer, MergeTrigger trigger, bool newMergesFound)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _writer = writer;
            _requested = true;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Lucene merges" };
                _thread.Start();
            }
            else
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    // The writer takes a clone of the scheduler it is configured with: each clone starts its own thread, on its first merge.
    public override object Clone() => new BackgroundMergeScheduler(report);

    protected override void Dispose(bool disposing)
    {
        Thread? thread;
        lock (_gate)
        {
            _disposed = true;
            thread = _thread;
            Monitor.PulseAll(_gate);
        }

        // The writer disposes its scheduler after it has waited for (or aborted) the merges; the thread then ends.
        thread?.Join();
    }

    private void Run()
    {
        while (true)
        {
            IndexWriter writer;
            lock (_gate)
            {
                while (!_requested && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (!_requested)
                {
                    return;
                }

                _requested = false;
                writer = _writer!;
            }

            try
            {
                while (writer.GetNextMerge() is { } merge)
                {
                    writer.Merge(merge);
                    report(null);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The writer has already undone the failed merge and released its segments (and, on a disposed
                // writer, aborted it); they are proposed again with the next write. A thread must not end the process.
                report(exception);
            }
        }
    }
}
