using System.Data.Common;
using Dapper;
using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.Brokerage.Api.Deals;

/// <summary>A deal as the API shows it: its stage, its history oldest first, and where it may go next.</summary>
public sealed record DealView(
    Guid Id,
    Guid TechnologyId,
    Guid NeedId,
    Guid? MatchId,
    string Stage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<DealHistoryEntry> History,
    IReadOnlyList<string> NextStages);

public sealed record DealHistoryEntry(
    string? FromStage,
    string ToStage,
    string? Note,
    string? Reason,
    Guid ChangedBy,
    DateTimeOffset ChangedAt);

/// <summary>A deal in a list: the deal without its history, which a list does not need.</summary>
public sealed record DealSummary(
    Guid Id,
    Guid TechnologyId,
    Guid NeedId,
    Guid? MatchId,
    string Stage,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> NextStages);

/// <summary>Reads deals, for the slices that answer with one.</summary>
public static class DealQueries
{
    /// <summary>
    /// Who may see a deal: staff see all; a university the deals of its technologies, an enterprise those of its
    /// needs. Bound with <see cref="VisibilityParameters"/>.
    /// </summary>
    public const string VisibleToCaller =
        """
        (@SeeAll = 1
         OR (@Role = 'university' AND d.technology_organisation_id = @OrganisationId)
         OR (@Role = 'enterprise' AND d.need_organisation_id = @OrganisationId))
        """;

    public static DynamicParameters VisibilityParameters(Caller caller)
    {
        var parameters = new DynamicParameters();
        parameters.Add("SeeAll", caller.IsStaff ? 1 : 0);
        parameters.Add("Role", caller.Role);
        parameters.Add("OrganisationId", caller.OrganisationId);
        return parameters;
    }

    /// <summary>The deal with its history, or null when it does not exist or <paramref name="caller"/> may not see it (null: no check).</summary>
    public static async Task<DealView?> FindAsync(DbConnection connection, Guid id, Caller? caller, DbTransaction? transaction = null)
    {
        var parameters = caller is null ? new DynamicParameters() : VisibilityParameters(caller);
        parameters.Add("Id", id);
        var visibility = caller is null ? "" : $"AND {VisibleToCaller}";
        var deal = await connection.QuerySingleOrDefaultAsync<DealRow>(
            $"""
            SELECT d.id AS Id, d.technology_id AS TechnologyId, d.need_id AS NeedId, d.match_id AS MatchId,
                   d.stage AS Stage, d.created_at AS CreatedAt, d.updated_at AS UpdatedAt
            FROM deals d
            WHERE d.id = @Id {visibility}
            """,
            parameters,
            transaction);
        if (deal is null)
        {
            return null;
        }

        var history = await connection.QueryAsync<DealHistoryEntry>(
            """
            SELECT h.from_stage AS FromStage, h.to_stage AS ToStage, h.note AS Note, h.reason AS Reason,
                   h.changed_by AS ChangedBy, h.changed_at AS ChangedAt
            FROM deal_history h
            WHERE h.deal_id = @Id
            ORDER BY h.step
            """,
            new { Id = id },
            transaction);
        return new DealView(deal.Id, deal.TechnologyId, deal.NeedId, deal.MatchId, deal.Stage, deal.CreatedAt, deal.UpdatedAt,
            history.ToList(), DealStages.NextFrom(deal.Stage));
    }

    /// <summary>The open deal of a pair, if any: at most one exists (a unique index holds it).</summary>
    public static Task<Guid?> FindOpenForPairAsync(DbConnection connection, Guid technologyId, Guid needId, DbTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(
            """
            SELECT d.id AS Id
            FROM deals d
            WHERE d.technology_id = @TechnologyId AND d.need_id = @NeedId AND d.stage NOT IN ('completed', 'declined')
            """,
            new { TechnologyId = technologyId, NeedId = needId },
            transaction);

    public sealed record DealRow(
        Guid Id,
        Guid TechnologyId,
        Guid NeedId,
        Guid? MatchId,
        string Stage,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt);
}
