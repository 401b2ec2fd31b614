using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Matchmaking.ServiceDefaults.Auth;

public static class Roles
{
    public const string University = "university";
    public const string Enterprise = "enterprise";
    public const string Staff = "staff";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [University, Enterprise, Staff, Admin];
}

/// <summary>Authorisation policy names used by the services' endpoints.</summary>
public static class Policies
{
    public const string University = "university";
    public const string Enterprise = "enterprise";
    /// <summary>Centre staff; admins may do what staff do.</summary>
    public const string Staff = "staff";
    public const string Admin = "admin";
    public const string UniversityOrStaff = "university-or-staff";
    public const string EnterpriseOrStaff = "enterprise-or-staff";
}

public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string Organisation = "org";
}

/// <summary>Who is calling, from the bearer token.</summary>
public sealed record Caller(Guid UserId, string Email, string Role, Guid OrganisationId)
{
    public bool IsStaff => Role is Roles.Staff or Roles.Admin;

    public static Caller From(ClaimsPrincipal principal) => new(
        Guid.Parse(principal.FindFirstValue(ClaimNames.Subject) ?? throw new InvalidOperationException("token without subject")),
        principal.FindFirstValue(ClaimNames.Email) ?? "",
        principal.FindFirstValue(ClaimNames.Role) ?? "",
        Guid.Parse(principal.FindFirstValue(ClaimNames.Organisation) ?? throw new InvalidOperationException("token without organisation")));
}

public sealed class AuthSettings
{
    /// <summary>Development key for the embedded default; set <c>Matchmaking:Auth:SigningKey</c> in any shared deployment.</summary>
    public const string DevelopmentSigningKey = "matchmaking-development-signing-key-change-me-0123456789";

    public string SigningKey { get; set; } = DevelopmentSigningKey;
    public string Issuer { get; set; } = "matchmaking";
    public string Audience { get; set; } = "matchmaking";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public SymmetricSecurityKey Key() => new(Encoding.UTF8.GetBytes(SigningKey));

    public static AuthSettings From(IConfiguration configuration) =>
        configuration.GetSection("Matchmaking:Auth").Get<AuthSettings>() ?? new AuthSettings();
}

/// <summary>Issues the bearer tokens every service accepts (HMAC-SHA256, shared key).</summary>
public sealed class TokenIssuer(AuthSettings settings)
{
    public (string Token, DateTimeOffset ExpiresAt) Issue(Guid userId, string email, string role, Guid organisationId)
    {
        var expiresAt = DateTimeOffset.UtcNow.Add(settings.TokenLifetime);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(settings.Key(), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [ClaimNames.Subject] = userId.ToString(),
                [ClaimNames.Email] = email,
                [ClaimNames.Role] = role,
                [ClaimNames.Organisation] = organisationId.ToString(),
            },
        });
        return (token, expiresAt);
    }
}

public static class AuthRegistration
{
    public static IServiceCollection AddMatchmakingAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = AuthSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton(new Messaging.ConfidentialText(settings));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    IssuerSigningKey = settings.Key(),
                    NameClaimType = ClaimNames.Email,
                    RoleClaimType = ClaimNames.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.University, p => p.RequireRole(Roles.University))
            .AddPolicy(Policies.Enterprise, p => p.RequireRole(Roles.Enterprise))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.UniversityOrStaff, p => p.RequireRole(Roles.University, Roles.Staff, Roles.Admin))
            .AddPolicy(Policies.EnterpriseOrStaff, p => p.RequireRole(Roles.Enterprise, Roles.Staff, Roles.Admin));
        return services;
    }
}
