using System.Runtime.CompilerServices;

// The tests check the requests' JSON and the stored document's layout without a server.
[assembly: InternalsVisibleTo("Matchmaking.Matching.Elasticsearch.Tests")]
