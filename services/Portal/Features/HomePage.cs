using System.Net;
using System.Text;
using Dapper;

namespace Matchmaking.Portal.Features;

/// <summary>
/// GET /: a plain page saying what is here. The web application for the three roles replaces it in a later issue;
/// until then the API (OpenAPI at /openapi/v1.json) is the way in.
/// </summary>
public static class HomePage
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/", async (PortalDatabase database, CancellationToken ct) =>
        {
            await using var connection = await database.OpenAsync(ct);
            var organisations = (await connection.QueryAsync<(string Name, string Kind)>(
                "SELECT name, kind FROM organisations ORDER BY kind, name")).ToList();
            var users = await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM users");

            var html = new StringBuilder();
            html.Append("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Matchmaking</title>
                <style>body{font-family:system-ui,"Noto Sans CJK TC",sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style>
                </head><body>
                <h1>Matchmaking</h1>
                <p>Research-to-industry matchmaking for the Greater Bay Area: universities post technologies, manufacturers post needs,
                the engine suggests who should meet, centre staff broker the deals.</p>
                <p>API: <a href="/api-docs">browsable documentation</a> of <a href="/openapi/v1.json">/openapi/v1.json</a>; sign in with <code>POST /api/auth/token</code>.
                Health: <a href="/health/ready">/health/ready</a>.</p>
                """);
            html.Append("<h2>Organisations</h2><ul>");
            foreach (var (name, kind) in organisations)
            {
                html.Append("<li>").Append(WebUtility.HtmlEncode(name)).Append(" <small>(").Append(WebUtility.HtmlEncode(kind)).Append(")</small></li>");
            }

            html.Append("</ul><p>").Append(users).Append(" user accounts.</p></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        }).AllowAnonymous();
}
