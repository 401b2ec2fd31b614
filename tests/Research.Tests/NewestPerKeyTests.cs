using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Research.Tests;

// SqlRows.NewestPerKey, the rows a batch upsert writes: pure logic, no server.
public sealed class NewestPerKeyTests
{
    [Fact]
    public void Each_key_keeps_its_newest_item_and_the_keys_come_in_order()
    {
        var items = new[] { ("b", 1, "b-old"), ("a", 5, "a-new"), ("b", 3, "b-new"), ("a", 2, "a-old"), ("c", 0, "c") };

        var rows = SqlRows.NewestPerKey(items, item => item.Item1, item => item.Item2);

        Assert.Equal(["a-new", "b-new", "c"], rows.Select(row => row.Item3));
    }
}
