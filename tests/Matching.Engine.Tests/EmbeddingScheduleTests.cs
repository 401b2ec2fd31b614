using System.Collections.Concurrent;
using Matchmaking.Matching.Engine.Semantic;

namespace Matchmaking.Matching.Engine.Tests;

// When the background embedding runs and in what order, on a real on-disk index with a stand-in model that records
// what it is given (the real model's vectors are tested in SemanticIndexTests).
public sealed class EmbeddingScheduleTests
{
    [Fact]
    public void A_busy_index_still_embeds_within_its_share_of_a_core()
    {
        var model = new RecordingEmbedder(TimeSpan.FromMilliseconds(50));
        using var temp = new TempIndex(new MatchingEngineOptions { Semantic = true, Embedder = model, EmbeddingShareUnderLoad = 0.25 });
        var index = temp.Index;
        index.UpsertMany([.. Enumerable.Range(1, 12).Select(i => Listings.Technology($"Cooling channels {i}", $"Printed mould inserts, kind {i}."))]);
        var need = Listings.Need("Housings warp", "Moulded housings bend after cooling.");

        // A match every few milliseconds: the index never has the idle second that lets embedding run freely.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (index.SemanticStatus!.Stored < 13 && DateTime.UtcNow < deadline)
        {
            index.Match(need, 5);
            Thread.Sleep(5);
        }

        Assert.Equal(13, index.SemanticStatus!.Stored); // the technologies and the need (queued by its first match)

        // Within the share: each batch takes 50 ms, so the next starts some 150 ms after it ends (less a few ms: the
        // worker measures with Environment.TickCount64, whose steps are coarse). The first batch is not counted: it
        // loads the model, so its time says nothing of the next.
        var starts = model.Starts.Skip(1).ToArray();
        Assert.True(starts.Length >= 2);
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(180),
            $"batches {pair.Second - pair.First} apart"));
    }

    [Fact]
    public void The_oldest_text_goes_first_even_with_shorter_ones_queued_after_it()
    {
        var model = new RecordingEmbedder(TimeSpan.Zero);
        using var temp = new TempIndex(new MatchingEngineOptions { Semantic = true, Embedder = model });
        var index = temp.Index;
        var longest = Listings.Technology("Conformal cooling channels for injection moulds",
            "Printed mould inserts whose cooling channels follow the part, so housings cool evenly and do not warp, "
            + "which cuts cycle time and scrap for makers of toys, appliances and car interior parts alike.");
        var shorter = Enumerable.Range(1, 12).Select(i => Listings.Technology($"Sensor {i}", $"A small sensor, model {i}.")).ToList();
        // Queued in this order (one write indexes its listings in parallel) before the worker's quiet second ends.
        index.UpsertMany([longest]);
        index.UpsertMany(shorter);

        index.WaitUntilEmbedded(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(13, index.SemanticStatus!.Stored);
        Assert.Contains(model.Batches.First(), text => text.StartsWith(longest.Title, StringComparison.Ordinal));
        Assert.All(model.Batches, batch => Assert.InRange(batch.Count, 1, 4));
    }

    private sealed class RecordingEmbedder(TimeSpan perBatch) : ITextEmbedder
    {
        public ConcurrentQueue<IReadOnlyList<string>> Batches { get; } = new();

        public ConcurrentQueue<TimeSpan> Starts { get; } = new();

        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public string ModelId => "recording-embedder";

        public int Dimensions => 3;

        public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Starts.Enqueue(_clock.Elapsed);
            Batches.Enqueue([.. texts]);
            Thread.Sleep(perBatch); // the model's time on a core
            return [.. texts.Select(text => new[] { 1f, text.Length, 0f })];
        }
    }
}
