using System.Text.Json.Serialization;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Matchmaking.ServiceDefaults.Web;

public static class ServiceDefaultsExtensions
{
    /// <summary>Largest request body any endpoint accepts; larger ones get 413.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Problem details, strict JSON, bearer authentication, health checks and OpenAPI: what every service shares.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // No stack trace or exception text reaches a client, whatever the environment.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.Remove("exception");
            if (context.Exception is not null)
            {
                context.ProblemDetails.Detail = null;
            }
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        // Let binding failures reach the exception handler so they become problem details that name the field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            // Unknown fields are refused: no mass assignment of owner, organisation or visibility.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddHealthChecks();
        services.AddMatchmakingAuth(builder.Configuration);
        services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseSecurityHeaders(app.Configuration);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        // Degraded is not ready: MassTransit reports its bus Degraded (not Unhealthy) while the broker is away, and a
        // replica that cannot consume must leave the load balancer until it has reconnected.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapOpenApi();
        // Browsable API documentation; swagger-ui's files ship inside the package, so it works offline too.
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/openapi/v1.json", "Matchmaking API");
            options.RoutePrefix = "api-docs";
            options.DocumentTitle = "Matchmaking API";
        });
        return app;
    }
}
