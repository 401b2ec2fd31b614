using Dapper;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Matchmaking.Portal.Features;

/// <summary>POST /api/auth/token: e-mail and password for a bearer token; rate-limited, locks after repeated failures.</summary>
public static class IssueToken
{
    public sealed record Request(string? Email, string? Password);

    public sealed record Response(string AccessToken, DateTimeOffset ExpiresAt, string Role, Guid OrganisationId);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/auth/token", async (Request request, PortalDatabase database, IPasswordHasher<PortalUser> hasher,
                TokenIssuer issuer, IOptions<PortalOptions> options, CancellationToken ct) =>
            {
                var errors = new ValidationErrors()
                    .Required("email", request.Email, 320)
                    .Required("password", request.Password, 1024);
                if (errors.Any)
                {
                    return errors.ToResult();
                }

                var response = await HandleAsync(request.Email!, request.Password!, database, hasher, issuer, options.Value, ct);
                return response is null
                    ? Results.Problem(title: "The e-mail or password is wrong, or the account is locked.", statusCode: StatusCodes.Status401Unauthorized)
                    : Results.Ok(response);
            })
            .AllowAnonymous()
            .RequireRateLimiting(PortalModule.SignInRateLimit)
            .WithName("IssueToken");

    /// <returns>The token, or null for a wrong password, an unknown e-mail or a locked account (one answer for all three).</returns>
    public static async Task<Response?> HandleAsync(string email, string password, PortalDatabase database,
        IPasswordHasher<PortalUser> hasher, TokenIssuer issuer, PortalOptions options, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<PortalUser>(
            """
            SELECT id AS Id, email AS Email, display_name AS DisplayName, role AS Role, organisation_id AS OrganisationId,
                   password_hash AS PasswordHash, failed_sign_ins AS FailedSignIns, locked_until AS LockedUntil
            FROM users
            WHERE lower(email) = lower(@Email)
            """,
            new { Email = email.Trim() });
        if (user is null)
        {
            // Hash anyway so an unknown e-mail costs as long as a wrong password.
            hasher.HashPassword(new PortalUser(), password);
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        if (user.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            return null;
        }

        if (hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            var failures = user.FailedSignIns + 1;
            DateTimeOffset? lockUntil = failures >= options.LockoutThreshold ? now.Add(options.LockoutDuration) : null;
            await connection.ExecuteAsync(
                "UPDATE users SET failed_sign_ins = @Failures, locked_until = @LockUntil WHERE id = @Id",
                new { Failures = lockUntil is null ? failures : 0, LockUntil = lockUntil, user.Id });
            return null;
        }

        if (user.FailedSignIns > 0 || user.LockedUntil is not null)
        {
            await connection.ExecuteAsync(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = @Id", new { user.Id });
        }

        var (token, expiresAt) = issuer.Issue(user.Id, user.Email, user.Role, user.OrganisationId);
        return new Response(token, expiresAt, user.Role, user.OrganisationId);
    }
}
