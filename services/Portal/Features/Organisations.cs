using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Text;
using Matchmaking.ServiceDefaults.Web;

namespace Matchmaking.Portal.Features;

/// <summary>Organisations: universities, enterprises and the centre. Any signed-in user reads; admins create.</summary>
public static class Organisations
{
    public static readonly IReadOnlyList<string> Kinds = ["university", "enterprise", "centre"];

    public sealed record CreateRequest(string? Name, string? NameZh, string? Kind, string? Sector);

    public sealed class Organisation
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string? NameZh { get; init; }
        public string Kind { get; init; } = "";
        public string? Sector { get; init; }
    }

    private const string SelectColumns =
        "SELECT id AS Id, name AS Name, name_zh AS NameZh, kind AS Kind, sector AS Sector FROM organisations";

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organisations").RequireAuthorization();
        group.MapGet("/", async (PortalDatabase database, CancellationToken ct) =>
        {
            await using var connection = await database.OpenAsync(ct);
            var items = await connection.QueryAsync<Organisation>($"{SelectColumns} ORDER BY kind, name");
            return Results.Ok(new { items });
        });
        group.MapGet("/{id:guid}", async (Guid id, PortalDatabase database, CancellationToken ct) =>
        {
            await using var connection = await database.OpenAsync(ct);
            var organisation = await connection.QuerySingleOrDefaultAsync<Organisation>($"{SelectColumns} WHERE id = @Id", new { Id = id });
            return organisation is null ? Results.NotFound() : Results.Ok(organisation);
        });
        group.MapPost("/", async (CreateRequest request, PortalDatabase database, CancellationToken ct) =>
        {
            var errors = Validate(request);
            if (errors.Any)
            {
                return errors.ToResult();
            }

            var created = await CreateAsync(request, database, ct);
            return created is null
                ? Results.Problem(title: "An organisation with this name exists.", statusCode: StatusCodes.Status409Conflict)
                : Results.Created($"/api/organisations/{created.Id}", created);
        }).RequireAuthorization(Policies.Admin);
    }

    public static ValidationErrors Validate(CreateRequest request)
    {
        var errors = new ValidationErrors()
            .Required("name", request.Name, 200)
            .MaxLength("nameZh", request.NameZh, 200)
            .OneOf("kind", request.Kind, Kinds);
        if (request.Kind is null)
        {
            errors.Add("kind", "'kind' is required.");
        }

        if (request.Sector is not null && !SectorTaxonomy.Default.Contains(request.Sector))
        {
            errors.Add("sector", "'sector' is not a code of the sector taxonomy.");
        }

        return errors;
    }

    /// <returns>The organisation, or null when the name is taken. A fixed <paramref name="id"/> keeps seeding idempotent.</returns>
    public static Task<Organisation?> CreateAsync(CreateRequest request, PortalDatabase database, CancellationToken ct, Guid? id = null) =>
        database.WriteAsync<Organisation?>(async (connection, transaction) =>
        {
            var organisation = new Organisation
            {
                Id = id ?? Guid.NewGuid(),
                Name = request.Name!.Trim(),
                NameZh = request.NameZh?.Trim(),
                Kind = request.Kind!,
                Sector = request.Sector,
            };
            var inserted = await connection.ExecuteAsync(
                """
                INSERT INTO organisations (id, name, name_zh, kind, sector, created_at)
                VALUES (@Id, @Name, @NameZh, @Kind, @Sector, @CreatedAt)
                ON CONFLICT DO NOTHING
                """,
                new { organisation.Id, organisation.Name, organisation.NameZh, organisation.Kind, organisation.Sector, CreatedAt = DateTimeOffset.UtcNow },
                transaction);
            return inserted == 1 ? organisation : null;
        }, ct);
}
