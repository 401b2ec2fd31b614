using Matchmaking.Matching.Api;
using Matchmaking.Testing;
using Microsoft.Extensions.Options;

namespace Matchmaking.Matching.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    public async Task The_service_refuses_to_start_with_a_top_n_outside_1_to_100(string topN)
    {
        var folder = Directory.CreateTempSubdirectory("matching-tests-").FullName;
        try
        {
            var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningService.StartAsync(
                [
                    new("Matchmaking:DataDirectory", folder),
                    new("Matchmaking:Matching:TopN", topN),
                ],
                builder => builder.AddMatching(),
                app => app.MapMatching()));

            Assert.Contains("TopN", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
