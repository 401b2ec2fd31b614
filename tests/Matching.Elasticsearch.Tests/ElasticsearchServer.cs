using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Matchmaking.Matching.Elasticsearch.Tests;

/// <summary>
/// An Elasticsearch server for the contract tests: <c>MATCHMAKING_TEST_ELASTICSEARCH</c> (its URL), else a container
/// through Testcontainers when a Docker engine answers, else none, with the reason the tests give for skipping.
/// </summary>
public static class ElasticsearchServer
{
    public const string Variable = "MATCHMAKING_TEST_ELASTICSEARCH";

    /// <summary>The pinned image the container runs: security off, one node, a small heap.</summary>
    public const string Image = "docker.elastic.co/elasticsearch/elasticsearch:9.1.5";

    private const int Port = 9200;

    private static readonly Lazy<Task<(string? Url, string? Unavailable)>> s_server = new(FindAsync);

    /// <summary>The server's URL, or null and why there is none.</summary>
    public static Task<(string? Url, string? Unavailable)> UrlAsync() => s_server.Value;

    private static async Task<(string? Url, string? Unavailable)> FindAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (fromEnvironment.TrimEnd('/'), null);
        }

        IContainer? container = null;
        try
        {
            container = new ContainerBuilder(Image)
                .WithEnvironment("discovery.type", "single-node")
                .WithEnvironment("xpack.security.enabled", "false")
                .WithEnvironment("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
                .WithPortBinding(Port, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request
                    .ForPort(Port)
                    .ForPath("/_cluster/health?wait_for_status=yellow&timeout=60s")))
                .Build();
            await container.StartAsync();
            return ($"http://{container.Hostname}:{container.GetMappedPublicPort(Port)}", null);
        }
        catch (Exception exception)
        {
            if (container is not null)
            {
                await container.DisposeAsync();
            }

            return (null,
                $"No Elasticsearch: {Variable} is not set and no container could be started through Testcontainers " +
                $"({Image}): {exception.GetType().Name}: {exception.Message}");
        }
    }
}
