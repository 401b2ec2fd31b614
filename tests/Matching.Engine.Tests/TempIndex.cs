namespace Matchmaking.Matching.Engine.Tests;

/// <summary>A real on-disk index in a folder of its own, deleted afterwards.</summary>
internal sealed class TempIndex : IDisposable
{
    private readonly MatchingEngineOptions? _options;

    public TempIndex(MatchingEngineOptions? options = null)
    {
        // Semantic ranking embeds in the background, which would make the other tests race it: on only when asked for.
        _options = options ?? new MatchingEngineOptions { Semantic = false };
        Folder = Path.Combine(Path.GetTempPath(), $"matching-engine-tests-{Guid.NewGuid():N}");
        Index = new LuceneListingIndex(Folder, _options);
    }

    public string Folder { get; }

    public LuceneListingIndex Index { get; private set; }

    public void Reopen()
    {
        Index.Dispose();
        Index = new LuceneListingIndex(Folder, _options);
    }

    public void Dispose()
    {
        Index.Dispose();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
