using System.Collections.Concurrent;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Semantic;

/// <summary>How far the background embedding has got.</summary>
/// <param name="Pending">Texts waiting to be embedded.</param>
/// <param name="Stored">Vectors in the store.</param>
/// <param name="Failed">Texts the model failed on (left without a vector).</param>
public sealed record SemanticStatus(int Pending, int Stored, int Failed, string? LastError);

/// <summary>
/// The semantic side of the index, off the request path: indexing only writes the key of a listing's text (a hash)
/// into its Lucene document and queues the text; one background worker embeds queued texts in small batches into the
/// <see cref="EmbeddingStore"/>, oldest first, freely whenever the index has been idle for a moment and within a small
/// share of a core while it is busy; a match reads its candidates' keys and uses the vectors that exist by then. The model
/// is English only: an English listing is embedded from its own text, a Chinese one from its English dictionary
/// gloss (<see cref="ChineseGloss"/>), computed at indexing and embedded in the background like any other text.
/// </summary>
internal sealed class SemanticIndex : IDisposable
{
    public const string KeyField = "semantic";

    // Small batches: a match that arrives while one runs waits for a core at most that long (all-MiniLM-L6-v2: 12-59 ms
    // a text of 30-200 words on an idle core here).
    private const int Batch = 4;

    // Embedding runs freely once the index has had no write, match or search for this long: it takes a core for as
    // long as it runs, which on a small machine would slow the requests and a bulk load (a rebuild) a great deal
    // (bench, 2 cores: match p50 21 → 90 ms while a backlog was embedded). Under constant load it keeps to its share.
    private static readonly TimeSpan s_quietPeriod = TimeSpan.FromSeconds(1);

    // A batch is the oldest queued text and those of the next oldest closest to it in length (a batch is padded to its
    // longest): oldest first, so no text waits behind a stream of shorter ones.
    private const int BatchWindow = Batch * 8;

    private readonly EmbeddingStore _store;
    private readonly ITextEmbedder _embedder;
    // The texts queued and not yet embedded, by id (each once), and the same in the order queued, which the worker
    // draws its window from: so a batch costs the same with 200,000 queued (after a rebuild) as with ten. (Sorting the
    // whole queue for each batch took 44 ms and 8.6 MB a batch at 200,000, measured: more than a batch's embedding.)
    private readonly ConcurrentDictionary<string, Queued> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Queued> _arrivals = new();

    // The oldest queued texts, drawn from the arrivals by the worker alone, in the order queued (at most BatchWindow).
    private readonly List<Queued> _window = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;
    private readonly double _busyShare;
    private int _failed;
    private long _lastUse;
    private volatile string? _lastError;

    private readonly Func<Listing, ListingProfile?, string?> _chineseText;

    /// <param name="chineseText">The English stand-in a Chinese listing is embedded from (its gloss), or null for none.</param>
    /// <param name="busyShare">The share of a core embedding takes while the index is in use (<see cref="MatchingEngineOptions.EmbeddingShareUnderLoad"/>).</param>
    public SemanticIndex(EmbeddingStore store, ITextEmbedder embedder, Func<Listing, ListingProfile?, string?>? chineseText = null,
        double busyShare = MatchingEngineOptions.DefaultEmbeddingShareUnderLoad)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busyShare);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(busyShare, 1);
        _store = store;
        _embedder = embedder;
        _busyShare = busyShare;
        _chineseText = chineseText ?? ((_, _) => null);
        _worker = Task.Factory.StartNew(Work, TaskCreationOptions.LongRunning);
    }

    /// <summary>Opens the store in the configured folder (or the index's own) when semantic ranking is on.</summary>
    public static SemanticIndex? Open(MatchingEngineOptions options, string indexPath, Func<Listing, ListingProfile?, string?>? chineseText = null)
    {
        if (!options.Semantic)
        {
            return null;
        }

        var embedder = options.Embedder ?? MiniLmEmbedder.Shared;
        var folder = options.EmbeddingStorePath ?? Path.Combine(indexPath, "semantic");
        var name = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(embedder.ModelId)))[..16];
        return new SemanticIndex(new EmbeddingStore(Path.Combine(folder, $"embeddings-{name}.bin"), embedder.ModelId, embedder.Dimensions), embedder, chineseText,
            options.EmbeddingShareUnderLoad);
    }

    public SemanticStatus Status => new(_pending.Count, _store.Count, Volatile.Read(ref _failed), _lastError);

    /// <summary>The text a listing is embedded from: an English listing's own, a Chinese listing's gloss.</summary>
    /// <param name="profile">The listing as analysed, when the caller has it already.</param>
    public string? TextOf(Listing listing, ListingProfile? profile = null)
    {
        if (listing.Language != LanguageDetector.English)
        {
            return _chineseText(listing, profile);
        }

        var title = listing.Title.Trim();
        var body = listing.Body.Trim();
        var text = title.Length == 0 ? body : body.Length == 0 ? title : title + ". " + body;
        return text.Length == 0 ? null : text;
    }

    /// <summary>At indexing: the text's key into the document, and the text into the queue unless already embedded.</summary>
    public void Prepare(Listing listing, ListingProfile profile, Document document)
    {
        if (TextOf(listing, profile) is not { } text)
        {
            return;
        }

        var key = _store.Key(text);
        document.Add(new BinaryDocValuesField(KeyField, new BytesRef(key)));
        Touch();
        Enqueue(key, text);
    }

    /// <summary>The listing's vector if it has one yet; otherwise it is queued, for the matches after this one.</summary>
    public float[]? VectorOf(Listing listing, ListingProfile? profile = null)
    {
        if (TextOf(listing, profile) is not { } text)
        {
            return null;
        }

        var key = _store.Key(text);
        var vector = _store.Get(key);
        if (vector is null)
        {
            Enqueue(key, text);
        }

        return vector;
    }

    /// <summary>
    /// Whether the listing's matches would use a vector it does not have yet: its text (or gloss) is not embedded
    /// (queued now, if it was not). False for a listing that never gets one (no text to embed).
    /// </summary>
    public bool AwaitsVector(Listing listing)
    {
        if (TextOf(listing) is not { } text)
        {
            return false;
        }

        var key = _store.Key(text);
        if (_store.Contains(key))
        {
            return false;
        }

        Enqueue(key, text);
        return true;
    }

    /// <summary>Queues listings that are not indexed (e.g. queries) so their vectors exist when they are matched.</summary>
    public void EmbedAhead(IEnumerable<Listing> listings)
    {
        foreach (var listing in listings)
        {
            if (TextOf(listing) is { } text)
            {
                Enqueue(_store.Key(text), text);
            }
        }
    }

    /// <summary>The vectors of the given documents that have one, by their keys' doc values.</summary>
    public float[]?[] CandidateVectors(IndexReader reader, IReadOnlyList<int> docs)
    {
        var leaves = reader.Leaves;
        var values = new Dictionary<int, BinaryDocValues?>();
        var scratch = new BytesRef();
        var vectors = new float[]?[docs.Count];
        for (var i = 0; i < docs.Count; i++)
        {
            var index = ReaderUtil.SubIndex(docs[i], leaves);
            if (!values.TryGetValue(index, out var keys))
            {
                values[index] = keys = leaves[index].AtomicReader.GetBinaryDocValues(KeyField);
            }

            if (keys is null)
            {
                continue;
            }

            keys.Get(docs[i] - leaves[index].DocBase, scratch);
            vectors[i] = scratch.Length == 0 ? null : _store.Get(scratch.Bytes.AsSpan(scratch.Offset, scratch.Length));
        }

        return vectors;
    }

    /// <summary>Queues the indexed listings whose vectors the store lacks (after a crash, or a store deleted).</summary>
    public void CatchUp(IndexSearcher searcher)
    {
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var keys = reader.GetBinaryDocValues(KeyField);
            if (keys is null)
            {
                continue;
            }

            var live = reader.LiveDocs;
            var scratch = new BytesRef();
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                keys.Get(doc, scratch);
                if ((live is null || live.Get(doc)) && scratch.Length > 0 && !_store.Contains(scratch.Bytes.AsSpan(scratch.Offset, scratch.Length)))
                {
                    var listing = ListingDocument.FromDocument(reader.Document(doc));
                    if (TextOf(listing) is { } text)
                    {
                        Enqueue(_store.Key(text), text);
                    }
                }
            }
        }
    }

    /// <summary>Waits until nothing is queued, reporting the queue every <paramref name="every"/>.</summary>
    public void WaitUntilEmbedded(Action<SemanticStatus> progress, TimeSpan every, CancellationToken cancellationToken)
    {
        while (!_pending.IsEmpty)
        {
            progress(Status);
            if (_worker.IsCompleted)
            {
                throw new InvalidOperationException("The embedding worker has stopped.", _worker.Exception);
            }

            cancellationToken.WaitHandle.WaitOne(every);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // Cancelled mid-batch: what was stored stays stored.
        }

        _store.Dispose();
        _signal.Dispose();
        _stopping.Dispose();
    }

    /// <summary>The index is in use: embedding waits for the next quiet moment.</summary>
    public void Touch() => Volatile.Write(ref _lastUse, Environment.TickCount64);

    private void Enqueue(byte[] key, string text)
    {
        var item = new Queued(Convert.ToHexString(key), key, text);
        if (!_store.Contains(key) && _pending.TryAdd(item.Id, item))
        {
            _arrivals.Enqueue(item);
            _signal.Release();
        }
    }

    // How long to rest after embedding for the given milliseconds to keep to the busy share.
    private long RestAfter(long took) => (long)(took * (1 - _busyShare) / _busyShare);

    // Taken off the window: the caller removes the batch from _pending once it is stored. The window's first text is
    // the oldest; OrderBy is stable, so among texts as close in length the older goes first.
    private List<Queued> NextBatch()
    {
        while (_window.Count < BatchWindow && _arrivals.TryDequeue(out var arrival))
        {
            _window.Add(arrival);
        }

        var oldest = _window[0].Text.Length;
        var batch = _window.OrderBy(x => Math.Abs(x.Text.Length - oldest)).Take(Batch).ToList();
        _window.RemoveAll(batch.Contains);
        return batch;
    }

    private void Work()
    {
        var token = _stopping.Token;
        var quietPeriod = (long)s_quietPeriod.TotalMilliseconds;

        // While the index is busy, the next batch may start no earlier than this (Environment.TickCount64). A busy
        // stretch begins with the rest a batch as long as the quiet period would earn, so a short burst of writes or
        // a bulk load is not slowed at all.
        var busyTurn = 0L;
        var wasBusy = false;

        // The first batch loads the model (seconds on a loaded machine), which is no measure of a batch's time.
        var modelLoaded = false;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // By the window and arrivals, not _pending: a text is in _pending a moment before it arrives.
                if (_window.Count == 0 && _arrivals.IsEmpty)
                {
                    wasBusy = false;
                    _signal.Wait(token);
                    continue;
                }

                var now = Environment.TickCount64;
                var quietFor = quietPeriod - (now - Volatile.Read(ref _lastUse));
                var busy = quietFor > 0;
                if (busy && !wasBusy && _busyShare > 0)
                {
                    busyTurn = Math.Max(busyTurn, now + RestAfter(quietPeriod));
                }

                wasBusy = busy;
                if (busy && (_busyShare == 0 || now < busyTurn))
                {
                    var wait = _busyShare == 0 ? quietFor : Math.Min(quietFor, busyTurn - now);
                    token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(wait));
                    continue;
                }

                var batch = NextBatch();
                try
                {
                    var vectors = _embedder.Embed(batch.ConvertAll(x => x.Text), token);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        _store.Add(batch[i].Key, vectors[i]);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The batch stays without vectors (its listings rank by text alone); a model that cannot load
                    // fails every batch the same way, which the status shows.
                    Interlocked.Add(ref _failed, batch.Count);
                    _lastError = exception.GetType().Name + ": " + exception.Message;
                }

                foreach (var item in batch)
                {
                    _pending.TryRemove(item.Id, out _);
                }

                if (busy && modelLoaded)
                {
                    // Rest so that this batch's time is the given share of the time until the next busy one.
                    busyTurn = Environment.TickCount64 + RestAfter(Environment.TickCount64 - now);
                }

                modelLoaded = true;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    // A text waiting for its vector: its id (the key in hex), its store key and the text.
    private sealed record Queued(string Id, byte[] Key, string Text);
}
