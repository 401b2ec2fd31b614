using System.Reflection;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Needs.Api;

/// <summary>The needs database the Needs service owns.</summary>
public sealed class NeedsDatabase(DatabaseSettings settings) : ServiceDatabase(settings)
{
    protected override Assembly ScriptsAssembly => typeof(NeedsDatabase).Assembly;
}
