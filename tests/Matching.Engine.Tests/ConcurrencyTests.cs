namespace Matchmaking.Matching.Engine.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Concurrent_upserts_searches_and_matches_do_not_interfere()
    {
        var index = _temp.Index;
        var cancellation = TestContext.Current.CancellationToken;
        var need = Listings.Need("Mould cooling", "Cooling of injection moulds is too slow.");
        index.Upsert(need);

        var writers = Enumerable.Range(0, 3).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                var technology = Listings.Technology($"Cooling idea {writer}-{i}", "Faster mould cooling with better channels.");
                index.Upsert(technology);
                if (i % 5 == 0)
                {
                    index.Upsert(technology with { Open = false });
                }
            }
        }, cancellation));
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 30; i++)
            {
                index.Search(new SearchRequest("cooling", null, null, null, false, null, 0, 10));
                index.Match(need, 10);
                index.Get(need.Id);
            }
        }, cancellation));

        await Task.WhenAll(writers.Concat(readers));

        Assert.Equal(60, index.Count(ListingKind.Technology));
        Assert.Equal(48, index.Match(need, 100).Count);
    }

    [Fact]
    public async Task Every_write_is_visible_when_it_returns_even_when_writers_share_a_reopen()
    {
        var index = _temp.Index;
        var cancellation = TestContext.Current.CancellationToken;
        var unseen = 0;

        // Many writers at once, so most of their writes are made visible by a reopen another writer started.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 25; i++)
            {
                var technology = Listings.Technology($"Idea {writer}-{i}", "Faster mould cooling.");
                index.Upsert(technology);
                if (index.Get(technology.Id) is null)
                {
                    Interlocked.Increment(ref unseen);
                }

                index.Delete(technology.Id);
                if (index.Get(technology.Id) is not null)
                {
                    Interlocked.Increment(ref unseen);
                }
            }
        }, cancellation)));

        Assert.Equal(0, unseen);
        Assert.Equal(0, index.Count(ListingKind.Technology));
    }
}
