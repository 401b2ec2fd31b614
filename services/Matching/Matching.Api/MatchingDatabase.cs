using System.Reflection;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Matching.Api;

/// <summary>The Matching service's own database: its copy of every listing, the match suggestions and broker feedback.</summary>
public sealed class MatchingDatabase(DatabaseSettings settings) : ServiceDatabase(settings)
{
    protected override Assembly ScriptsAssembly => typeof(MatchingDatabase).Assembly;
}
