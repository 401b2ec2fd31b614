using System.Runtime.CompilerServices;

// The lexicon tests check the shipped English index against EnglishGlossIndex.Build and can rewrite it.
[assembly: InternalsVisibleTo("Matchmaking.Matching.Engine.Tests")]

// The Elasticsearch adapter plans, ranks and explains with the engine's own code (QueryPlan, MatchExplainer).
[assembly: InternalsVisibleTo("Matchmaking.Matching.Elasticsearch")]
[assembly: InternalsVisibleTo("Matchmaking.Matching.Elasticsearch.Tests")]
