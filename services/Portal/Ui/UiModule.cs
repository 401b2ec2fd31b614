using System.Globalization;
using System.Security.Claims;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.FileProviders;

namespace Matchmaking.Portal.Ui;

public sealed class PortalUiOptions
{
    public const string Section = "Matchmaking:Portal:Ui";

    /// <summary>
    /// Where the pages send their API calls. Empty (the default) means the Portal's own address as the request reached
    /// it: in the Host every API answers in-process there; apart, the Portal's gateway routes /api/* to the services.
    /// </summary>
    public string? ApiBaseAddress { get; set; }
}

/// <summary>
/// The server-rendered web application (Razor Pages). Pages sign in with a cookie that carries the bearer token from
/// /api/auth/token and call the services' APIs over HTTP with it, so every rule of the API holds in the pages.
/// </summary>
public static class UiModule
{
    public const string CookieScheme = "PortalCookie";
    public const string SignedIn = "ui-signed-in";
    public const string StaffOnly = "ui-staff";
    public const string AdminOnly = "ui-admin";
    public const string UniversityOnly = "ui-university";
    public const string EnterpriseOnly = "ui-enterprise";
    public const string TokenClaim = "access_token";
    public const string HttpClientName = "portal-ui";

    public static void AddPortalUi(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalUiOptions>().BindConfiguration(PortalUiOptions.Section);
        services.AddAuthentication()
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "mm-session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/signin";
                options.LogoutPath = "/signout";
                options.AccessDeniedPath = "/status/403";
                options.SlidingExpiration = false;
                // Sign-in is asked for before the page (and its language switch) runs: a language the address chose
                // goes on to the sign-in page, which then remembers it as any page does.
                options.Events.OnRedirectToLogin = context =>
                {
                    var lang = context.Request.Query["lang"].ToString();
                    context.Response.Redirect(UiText.Languages.Contains(lang)
                        ? $"{context.RedirectUri}&lang={Uri.EscapeDataString(lang)}"
                        : context.RedirectUri);
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(SignedIn, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser())
            .AddPolicy(StaffOnly, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(AdminOnly, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.Admin))
            .AddPolicy(UniversityOnly, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.University))
            .AddPolicy(EnterpriseOnly, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.Enterprise));
        services.Configure<RouteOptions>(options => options.SetParameterPolicy<PageAddress>(PageAddress.Name));
        services.AddRazorPages(options =>
            {
                options.Conventions.AuthorizeFolder("/", SignedIn);
                options.Conventions.AllowAnonymousToPage("/Index");
                options.Conventions.AllowAnonymousToPage("/SignIn");
                options.Conventions.AllowAnonymousToPage("/SignOut");
                options.Conventions.AllowAnonymousToPage("/Status");
                options.Conventions.AuthorizeFolder("/Admin", AdminOnly);
                options.Conventions.AuthorizePage("/Review", StaffOnly);
                options.Conventions.AuthorizePage("/Reports", StaffOnly);
                options.Conventions.AuthorizePage("/Technologies/New", UniversityOnly);
                options.Conventions.AuthorizePage("/Needs/New", EnterpriseOnly);
            })
            .AddApplicationPart(typeof(UiModule).Assembly)
            .AddMvcOptions(options => options.Filters.Add<SecurityHeadersFilter>());
        services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpContextAccessor();
        services.AddScoped<PortalApi>();
        services.AddSingleton(UiText.Load());
        services.AddScoped<Tr>();
    }

    public static void MapPortalUi(WebApplication app)
    {
        // Files under wwwroot travel inside the assembly, so the Host serves them wherever it runs from.
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(UiModule).Assembly, "Matchmaking.Portal.wwwroot"),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                Language.Apply(context);
                if (context.User.Identity?.IsAuthenticated != true)
                {
                    var cookie = await context.AuthenticateAsync(CookieScheme);
                    if (cookie.Succeeded)
                    {
                        context.User = cookie.Principal;
                    }
                }
            }

            await next();
        });
        // A page's error (a record that does not exist, a refused form) is a page in the reader's language, not the
        // problem details the API answers with.
        // Not in a UseWhen branch: a branch has no routing of its own, so the re-executed request would find no page.
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.Use((context, next) =>
        {
            // Only for the pages, and only where routing found an endpoint: the authorization middleware has then run,
            // which the re-executed request (routed again straight to its page) needs. An address no page answers
            // reaches the fallback below; the API keeps its problem details.
            if (!IsPage(context.Request.Path) || context.GetEndpoint() is null)
            {
                context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            }

            return next(context);
        });
        app.MapRazorPages();
        app.MapFallbackToPage($"{{*path:nonfile:{PageAddress.Name}}}", "/Status");
    }

    private static bool IsPage(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/openapi")
        && !path.StartsWithSegments("/api-docs");

    /// <summary>A route constraint: the address is the web application's, not the API's (whose 404 stays problem details).</summary>
    public sealed class PageAddress : IRouteConstraint
    {
        public const string Name = "pageaddress";

        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            httpContext is not null && IsPage(httpContext.Request.Path);
    }

    public static ClaimsPrincipal Principal(string accessToken, DateTimeOffset expiresAt, string role, Guid organisationId, string email)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimNames.Email, email),
                new Claim(ClaimNames.Role, role),
                new Claim(ClaimNames.Organisation, organisationId.ToString()),
                new Claim(TokenClaim, accessToken),
                new Claim("expires_at", expiresAt.ToString("O", CultureInfo.InvariantCulture)),
            ],
            CookieScheme, ClaimNames.Email, ClaimNames.Role);
        return new ClaimsPrincipal(identity);
    }
}
