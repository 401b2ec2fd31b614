using System.Text.Json.Serialization;
using Matchmaking.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace Matchmaking.ServiceDefaults.Web;

/// <summary>
/// Tags of the health checks: <see cref="Ready"/> checks answer <c>/health/ready</c> (everything the service needs,
/// the broker included: MassTransit tags its bus check so), <see cref="Serving"/> checks answer <c>/health/serving</c>
/// (what answering HTTP needs: the database, Matching's index).
/// </summary>
public static class HealthTags
{
    public const string Ready = "ready";
    public const string Serving = "serving";
}

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
            // A number in quotes is a string, refused like any wrong type (the web defaults would read "5" as 5).
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddHealthChecks();
        services.AddMatchmakingAuth(builder.Configuration);
        services.AddOpenApi(options => options.AddOperationTransformer(DescribeAuthorization));
        return builder;
    }

    // An endpoint that needs a signed-in caller answers 401 without a valid token, and one that needs a role (a policy)
    // 403 to a caller without it: the API description says so, as problem details.
    private static Task DescribeAuthorization(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Not signed in: no valid bearer token." });
        if (authorize.Any(a => a.Policy is not null || a.Roles is not null))
        {
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Signed in, without the role this needs." });
        }

        return Task.CompletedTask;
    }

    // A probe gets the bare status, as ASP.NET writes it; centre staff (a bearer token) get each check's status and
    // what it says, e.g. which endpoint has no broker connection or since when the index's commits fail. The details
    // stay off the anonymous answer: they name internals.
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        if (!context.User.IsInRole(Roles.Staff) && !context.User.IsInRole(Roles.Admin))
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(report.Status.ToString());
        }

        return context.Response.WriteAsJsonAsync(new
        {
            Status = report.Status.ToString(),
            Checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { Status = entry.Value.Status.ToString(), entry.Value.Description, Milliseconds = Math.Round(entry.Value.Duration.TotalMilliseconds, 1) }),
        });
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseSecurityHeaders(app.Configuration);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        // Degraded is not ready: MassTransit reports its bus Degraded (not Unhealthy) while the broker is away, and
        // readiness says whether the replica does all of its work, consuming included (balancers follow /health/serving).
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteHealthAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        // What a load balancer (the Portal's gateway among them) should follow: whether this replica answers HTTP. The
        // broker is left out: while it is away, every replica still answers reads and takes posts into its outbox, and
        // a balancer following readiness would refuse them all, since every replica shares the one broker. A degraded
        // index (failing background commits) still answers, from memory.
        app.MapHealthChecks("/health/serving", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Serving),
            ResponseWriter = WriteHealthAsync,
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
