using System.Reflection;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Research.Api;

/// <summary>The technologies database Research owns.</summary>
public sealed class ResearchDatabase(DatabaseSettings settings) : ServiceDatabase(settings)
{
    protected override Assembly ScriptsAssembly => typeof(ResearchDatabase).Assembly;
}
