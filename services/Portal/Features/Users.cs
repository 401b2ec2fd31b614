using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Identity;

namespace Matchmaking.Portal.Features;

/// <summary>Users and their roles: admins list and create; anyone signed in reads themselves at /api/me.</summary>
public static class Users
{
    public sealed record CreateRequest(string? Email, string? DisplayName, string? Role, Guid? OrganisationId, string? Password);

    public sealed class User
    {
        public Guid Id { get; init; }
        public string Email { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public Guid OrganisationId { get; init; }
    }

    public const int MinimumPasswordLength = 12;

    private const string SelectColumns =
        "SELECT id AS Id, email AS Email, display_name AS DisplayName, role AS Role, organisation_id AS OrganisationId FROM users";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", async (HttpContext http, PortalDatabase database, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            await using var connection = await database.OpenAsync(ct);
            var user = await connection.QuerySingleOrDefaultAsync<User>($"{SelectColumns} WHERE id = @Id", new { Id = caller.UserId });
            return user is null ? Results.NotFound() : Results.Ok(user);
        }).RequireAuthorization();

        var group = app.MapGroup("/api/users").RequireAuthorization(Policies.Admin);
        group.MapGet("/", async (PortalDatabase database, CancellationToken ct) =>
        {
            await using var connection = await database.OpenAsync(ct);
            var items = await connection.QueryAsync<User>($"{SelectColumns} ORDER BY email");
            return Results.Ok(new { items });
        });
        group.MapPost("/", async (CreateRequest request, PortalDatabase database, IPasswordHasher<PortalUser> hasher, CancellationToken ct) =>
        {
            var errors = Validate(request);
            if (errors.Any)
            {
                return errors.ToResult();
            }

            var result = await CreateAsync(request, database, hasher, ct);
            return result switch
            {
                { User: { } user } => Results.Created($"/api/users/{user.Id}", user),
                { UnknownOrganisation: true } => new ValidationErrors().Add("organisationId", "No organisation has this id.").ToResult(),
                { MismatchedKind: { } kind } => new ValidationErrors().Add("role",
                    $"A {request.Role} account cannot belong to an organisation of kind {kind}: university accounts belong to "
                    + "universities, enterprise accounts to enterprises, staff and admin accounts to the centre.").ToResult(),
                _ => Results.Problem(title: "A user with this e-mail exists.", statusCode: StatusCodes.Status409Conflict),
            };
        });
    }

    public static ValidationErrors Validate(CreateRequest request)
    {
        var errors = new ValidationErrors()
            .Required("email", request.Email, 320)
            .Required("displayName", request.DisplayName, 200)
            .OneOf("role", request.Role, Roles.All)
            .Required("password", request.Password, 1024);
        if (request.Email is not null && !request.Email.Contains('@', StringComparison.Ordinal))
        {
            errors.Add("email", "'email' must be an e-mail address.");
        }

        if (request.Role is null)
        {
            errors.Add("role", "'role' is required.");
        }

        if (request.OrganisationId is null)
        {
            errors.Add("organisationId", "'organisationId' is required.");
        }

        if (request.Password is { Length: < MinimumPasswordLength })
        {
            errors.Add("password", $"'password' must be at least {MinimumPasswordLength} characters.");
        }

        return errors;
    }

    /// <param name="MismatchedKind">The organisation's kind when the role does not fit it (see <see cref="KindFor"/>).</param>
    public sealed record CreateResult(User? User, bool UnknownOrganisation, string? MismatchedKind = null);

    /// <summary>The kind of organisation an account of the role belongs to: what the role may do follows from it.</summary>
    public static string KindFor(string role) => role switch
    {
        Roles.University => "university",
        Roles.Enterprise => "enterprise",
        _ => "centre",
    };

    public static Task<CreateResult> CreateAsync(CreateRequest request, PortalDatabase database, IPasswordHasher<PortalUser> hasher,
        CancellationToken ct, Guid? id = null) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var kind = await connection.ExecuteScalarAsync<string?>(
                "SELECT kind FROM organisations WHERE id = @Id", new { Id = request.OrganisationId!.Value }, transaction);
            if (kind is null)
            {
                return new CreateResult(null, UnknownOrganisation: true);
            }

            if (kind != KindFor(request.Role!))
            {
                return new CreateResult(null, UnknownOrganisation: false, MismatchedKind: kind);
            }

            var user = new User
            {
                Id = id ?? Guid.NewGuid(),
                Email = request.Email!.Trim(),
                DisplayName = request.DisplayName!.Trim(),
                Role = request.Role!,
                OrganisationId = request.OrganisationId.Value,
            };
            var hash = hasher.HashPassword(new PortalUser { Id = user.Id, Email = user.Email }, request.Password!);
            var inserted = await connection.ExecuteAsync(
                """
                INSERT INTO users (id, email, display_name, role, organisation_id, password_hash, failed_sign_ins, locked_until, created_at)
                VALUES (@Id, @Email, @DisplayName, @Role, @OrganisationId, @Hash, 0, NULL, @CreatedAt)
                ON CONFLICT DO NOTHING
                """,
                new { user.Id, user.Email, user.DisplayName, user.Role, user.OrganisationId, Hash = hash, CreatedAt = DateTimeOffset.UtcNow },
                transaction);
            return new CreateResult(inserted == 1 ? user : null, UnknownOrganisation: false);
        }, ct);
}
