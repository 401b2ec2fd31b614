using System.Data.Common;
using Dapper;
using Matchmaking.Matching.Contracts;
using Matchmaking.ServiceDefaults.Storage;

namespace Matchmaking.Matching.Api;

/// <summary>Who may see a need, as the Matching service applies it to matches, interests and search.</summary>
public static class NeedAccess
{
    public const string Public = "public";
    public const string Anonymous = "anonymous";
    public const string StaffOnly = "staff-only";

    /// <summary>Adds each need's visibility to the suggestions, so subscribers know whom they may tell.</summary>
    public static async Task<IReadOnlyList<SuggestedMatch>> AnnotateAsync(
        IReadOnlyList<SuggestedMatch> matches, DbConnection connection, DbTransaction transaction)
    {
        if (matches.Count == 0)
        {
            return matches;
        }

        var needs = matches.Select(m => m.NeedId).Distinct().ToList();
        var parameters = new DynamicParameters();
        var visibilities = (await connection.QueryAsync<(string Id, string Visibility)>(
            $"SELECT id AS Id, visibility AS Visibility FROM listings WHERE id {SqlRows.In(connection, needs, parameters)}",
            parameters,
            transaction)).ToDictionary(r => Guid.Parse(r.Id), r => r.Visibility);
        var annotated = matches.Select(match => match with { NeedVisibility = visibilities.GetValueOrDefault(match.NeedId) }).ToList();
        return annotated;
    }
}
