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
    IReadOnlyList<string> NextStages,
    string? TechnologyTitle,
    string? NeedTitle,
    bool Idle,
    string NextAction,
    IReadOnlyList<DealNote> Notes);

/// <summary>A note staff wrote on a deal without moving it.</summary>
public sealed record DealNote(Guid Id, string Text, Guid AuthorUserId, DateTimeOffset CreatedAt);

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
    IReadOnlyList<string> NextStages,
    string? TechnologyTitle,
    string? NeedTitle,
    bool Idle,
    string NextAction);

/// <summary>Reads deals, for the slices that answer with one.</summary>
public static class DealQueries
{
    /// <summary>
    /// Who may see a deal: staff see all; a university the deals of its technologies, an enterprise those of its
    /// needs. A deal on a staff-only need (or one Brokerage has not heard of yet) stays hidden from the university
    /// until it has been introduced. Bound with <see cref="VisibilityParameters"/>.
    /// </summary>
    public const string VisibleToCaller =
        """
        (@SeeAll = 1
         OR (@Role = 'university' AND d.technology_organisation_id = @OrganisationId
             AND (COALESCE((SELECT nv.visibility FROM needs nv WHERE nv.id = d.need_id), 'staff-only') <> 'staff-only'
                  OR EXISTS (SELECT 1 FROM deal_history hv WHERE hv.deal_id = d.id AND hv.to_stage = 'introduced')))
         OR (@Role = 'enterprise' AND d.need_organisation_id = @OrganisationId))
        """;

    /// <summary>The select list of a deal with the titles Brokerage knows (from <c>deals d</c> left-joined to <c>technologies t</c> and <c>needs n</c>).</summary>
    public const string ListColumns =
        """
        d.id AS Id, d.technology_id AS TechnologyId, d.need_id AS NeedId, d.match_id AS MatchId,
        d.stage AS Stage, d.created_at AS CreatedAt, d.updated_at AS UpdatedAt,
        t.title AS TechnologyTitle, n.title AS NeedTitle
        """;

    public const string ListFrom =
        """
        FROM deals d
        LEFT JOIN technologies t ON t.id = d.technology_id
        LEFT JOIN needs n ON n.id = d.need_id
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
    public static async Task<DealView?> FindAsync(
        DbConnection connection, Guid id, Caller? caller, DbTransaction? transaction = null, BrokerageOptions? options = null)
    {
        var parameters = caller is null ? new DynamicParameters() : VisibilityParameters(caller);
        parameters.Add("Id", id);
        var visibility = caller is null ? "" : $"AND {VisibleToCaller}";
        var deal = await connection.QuerySingleOrDefaultAsync<DealListRow>(
            $"""
            SELECT {ListColumns}
            {ListFrom}
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
        var notes = await connection.QueryAsync<DealNote>(
            """
            SELECT x.id AS Id, x.text AS Text, x.author_user_id AS AuthorUserId, x.created_at AS CreatedAt
            FROM deal_notes x
            WHERE x.deal_id = @Id
            ORDER BY x.created_at, x.id
            """,
            new { Id = id },
            transaction);
        options ??= new BrokerageOptions();
        return new DealView(deal.Id, deal.TechnologyId, deal.NeedId, deal.MatchId, deal.Stage, deal.CreatedAt, deal.UpdatedAt,
            history.ToList(), DealStages.NextFrom(deal.Stage), deal.TechnologyTitle, deal.NeedTitle,
            options.IsIdle(deal.Stage, deal.UpdatedAt, DateTimeOffset.UtcNow), BrokerageOptions.NextAction(deal.Stage), notes.ToList());
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

    /// <summary>A deal row with the titles of its listings (null until Brokerage has heard of them).</summary>
    public sealed class DealListRow
    {
        public Guid Id { get; init; }

        public Guid TechnologyId { get; init; }

        public Guid NeedId { get; init; }

        public Guid? MatchId { get; init; }

        public string Stage { get; init; } = "";

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public string? TechnologyTitle { get; init; }

        public string? NeedTitle { get; init; }

        public DealSummary ToSummary(BrokerageOptions options, DateTimeOffset now) => new(
            Id, TechnologyId, NeedId, MatchId, Stage, CreatedAt, UpdatedAt, DealStages.NextFrom(Stage),
            TechnologyTitle, NeedTitle, options.IsIdle(Stage, UpdatedAt, now), BrokerageOptions.NextAction(Stage));
    }
}
