using Dapper;
using Matchmaking.Brokerage.Api.Deals;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Web;
using Microsoft.AspNetCore.Mvc;

namespace Matchmaking.Brokerage.Api.Features;

/// <summary>POST /api/deals/{id}/notes (staff): a note on a deal without a stage change; 201 with the note.</summary>
public static class AddDealNote
{
    public const int MaxTextLength = 4000;

    public sealed record Request(string? Text);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/deals/{id:guid}/notes", async (Guid id, [FromBody] Request? request, HttpContext http, BrokerageDatabase database, CancellationToken ct) =>
            {
                var errors = new ValidationErrors().Required("text", request?.Text, MaxTextLength);
                if (errors.Any)
                {
                    return errors.ToResult();
                }

                var note = await HandleAsync(id, request!.Text!.Trim(), Caller.From(http.User), database, ct);
                return note is null
                    ? Results.Problem(title: "Deal not found.", statusCode: StatusCodes.Status404NotFound)
                    : Results.Created($"/api/deals/{id}", note);
            })
            .RequireAuthorization(Policies.Staff)
            .WithName(nameof(AddDealNote))
            .WithTags("Deals")
            .Produces<DealNote>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <returns>The note, or null when the deal does not exist.</returns>
    public static Task<DealNote?> HandleAsync(Guid dealId, string text, Caller caller, BrokerageDatabase database, CancellationToken ct) =>
        database.WriteAsync<DealNote?>(async (connection, transaction) =>
        {
            var exists = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) AS Deals FROM deals d WHERE d.id = @Id", new { Id = dealId }, transaction);
            if (exists == 0)
            {
                return null;
            }

            var note = new DealNote(Guid.NewGuid(), text, caller.UserId, DateTimeOffset.UtcNow);
            await connection.ExecuteAsync(
                """
                INSERT INTO deal_notes (id, deal_id, text, author_user_id, created_at)
                VALUES (@Id, @DealId, @Text, @AuthorUserId, @CreatedAt)
                """,
                new { note.Id, DealId = dealId, note.Text, note.AuthorUserId, note.CreatedAt },
                transaction);
            return note;
        }, ct);
}
