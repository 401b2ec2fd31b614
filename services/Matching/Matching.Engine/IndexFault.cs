namespace Matchmaking.Matching.Engine;

/// <summary>Background work of the index that fails: which (<see cref="Commit"/>, <see cref="Merge"/>), the last error, since when.</summary>
public sealed record IndexFault(string Operation, Exception Error, DateTimeOffset Since)
{
    public const string Commit = "commit";
    public const string Merge = "merge";
}
