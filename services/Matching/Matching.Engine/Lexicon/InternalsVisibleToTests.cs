using System.Runtime.CompilerServices;

// The lexicon tests check the shipped English index against EnglishGlossIndex.Build and can rewrite it.
[assembly: InternalsVisibleTo("Matchmaking.Matching.Engine.Tests")]
