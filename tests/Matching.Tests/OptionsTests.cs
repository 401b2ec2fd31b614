using Matchmaking.Matching.Api;
using Matchmaking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Matchmaking.Matching.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("TopN", "0")]
    [InlineData("TopN", "101")]
    [InlineData("EmbeddingShareUnderLoad", "-0.1")]
    [InlineData("EmbeddingShareUnderLoad", "1.5")]
    public async Task The_service_refuses_to_start_with_a_setting_out_of_its_range(string setting, string value)
    {
        var folder = Directory.CreateTempSubdirectory("matching-tests-").FullName;
        try
        {
            var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningService.StartAsync(
                [
                    new("Matchmaking:DataDirectory", folder),
                    new($"Matchmaking:Matching:{setting}", value),
                ],
                builder => builder.AddMatching(),
                app => app.MapMatching()));

            Assert.Contains($"Matchmaking:Matching:{setting}", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("solr", null)]
    [InlineData("elasticsearch", null)]
    [InlineData("elasticsearch", "not a url")]
    [InlineData("elasticsearch", "ftp://127.0.0.1:9200")]
    public async Task The_service_refuses_to_start_with_an_unknown_index_provider_or_no_Elasticsearch_URL(string provider, string? url)
    {
        var folder = Directory.CreateTempSubdirectory("matching-tests-").FullName;
        try
        {
            var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningService.StartAsync(
                [
                    new("Matchmaking:DataDirectory", folder),
                    new("Matchmaking:Matching:Index:Provider", provider),
                    new("Matchmaking:Matching:Index:Elasticsearch:Url", url),
                ],
                builder => builder.AddMatching(),
                app => app.MapMatching()));

            Assert.Contains("Matchmaking:Matching:Index:Provider", exception.Message, StringComparison.Ordinal);
            Assert.Contains("Index:Elasticsearch:Url", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task With_Elasticsearch_configured_but_not_answering_the_service_runs_and_reports_not_ready()
    {
        var folder = Directory.CreateTempSubdirectory("matching-tests-").FullName;
        try
        {
            // Nothing listens on the discard port: the cluster is down, which readiness must say.
            await using var service = await RunningService.StartAsync(
                [
                    new("Matchmaking:DataDirectory", folder),
                    new("Matchmaking:Matching:Index:Provider", "Elasticsearch"),
                    new("Matchmaking:Matching:Index:Elasticsearch:Url", "http://127.0.0.1:9"),
                    new("Matchmaking:Matching:Index:Elasticsearch:IndexPrefix", "options-test"),
                ],
                builder => builder.AddMatching(),
                app => app.MapMatching());
            using var client = service.CreateClient();

            var index = service.Services.GetRequiredService<Matchmaking.Matching.Engine.IListingIndex>();
            using var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
            using var live = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

            Assert.Equal("options-test-listings", Assert.IsType<Matchmaking.Matching.Elasticsearch.ElasticsearchListingIndex>(index).IndexName);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
