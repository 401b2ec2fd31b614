using System.Data.Common;
using Dapper;
using Matchmaking.Matching.Contracts;

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
        var annotated = new List<SuggestedMatch>(matches.Count);
        foreach (var match in matches)
        {
            var visibility = await connection.ExecuteScalarAsync<string?>(
                "SELECT visibility AS Visibility FROM listings WHERE id = @Id", new { Id = match.NeedId }, transaction);
            annotated.Add(match with { NeedVisibility = visibility });
        }

        return annotated;
    }
}
