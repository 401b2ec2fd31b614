using System.Threading.RateLimiting;
using Matchmaking.Portal.Features;
using Matchmaking.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;

namespace Matchmaking.Portal;

public sealed class PortalOptions
{
    public const string Section = "Matchmaking:Portal";

    /// <summary>Sign-in attempts one client address may make per minute before it gets 429.</summary>
    public int SignInPermitsPerMinute { get; set; } = 30;

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int LockoutThreshold { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);
}

public static class PortalModule
{
    public const string SignInRateLimit = "sign-in";

    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddServiceDatabase<PortalDatabase>(builder.Configuration, "Portal");
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section)
            .Validate(o => o.SignInPermitsPerMinute > 0 && o.LockoutThreshold > 0, "Portal limits must be positive")
            .ValidateOnStart();
        services.AddSingleton<IPasswordHasher<PortalUser>, PasswordHasher<PortalUser>>();
        var permits = builder.Configuration.GetValue($"{PortalOptions.Section}:SignInPermitsPerMinute", new PortalOptions().SignInPermitsPerMinute);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                // The form gets a page that says so; API clients keep the bare 429.
                if (context.HttpContext.Request.Path.StartsWithSegments("/signin"))
                {
                    context.HttpContext.Response.Redirect($"/signin?error={Pages.SignInModel.TooManyCode}");
                }

                return ValueTask.CompletedTask;
            };
            // Per client address; the sign-in page shares the policy, counting only its form posts (not page loads).
            limiter.AddPolicy(SignInRateLimit, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("page-load"));
        });
        Gateway.AddGateway(builder);
        Ui.UiModule.AddPortalUi(builder);
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseRateLimiter();
        IssueToken.Map(app);
        Organisations.Map(app);
        Users.Map(app);
        Ui.UiModule.MapPortalUi(app);
        Gateway.MapGateway(app);
        return app;
    }
}
