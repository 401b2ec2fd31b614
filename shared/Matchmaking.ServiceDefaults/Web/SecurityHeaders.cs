using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Matchmaking.ServiceDefaults.Web;

/// <summary>
/// Security headers on every response, errors included (set as the response starts, after any handler cleared
/// headers): a content security policy for server-rendered pages that load scripts and styles from files only (no
/// inline script, no inline style), no framing, no MIME sniffing, and no full referrer leaving the site.
/// <c>Matchmaking:Security:ContentSecurityPolicy</c> replaces the policy.
/// </summary>
public static class SecurityHeaders
{
    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>swagger-ui (at /api-docs) sets styles inline; its scripts still come from files.</summary>
    public const string ApiDocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, IConfiguration configuration)
    {
        var policy = configuration["Matchmaking:Security:ContentSecurityPolicy"] is { Length: > 0 } configured
            ? configured
            : DefaultContentSecurityPolicy;
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api-docs") ? ApiDocsContentSecurityPolicy : policy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
