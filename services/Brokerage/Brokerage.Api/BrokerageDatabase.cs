using System.Reflection;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Brokerage.Api;

/// <summary>The database Brokerage owns: deals, their history, and read models of technologies, needs and suggestions.</summary>
public sealed class BrokerageDatabase(DatabaseSettings settings) : ServiceDatabase(settings)
{
    protected override Assembly ScriptsAssembly => typeof(BrokerageDatabase).Assembly;
}
