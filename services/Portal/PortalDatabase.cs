using System.Reflection;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Portal;

public sealed class PortalDatabase(DatabaseSettings settings) : ServiceDatabase(settings)
{
    protected override Assembly ScriptsAssembly => typeof(PortalDatabase).Assembly;
}
