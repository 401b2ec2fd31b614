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
}
