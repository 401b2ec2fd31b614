namespace Matchmaking.Portal;

/// <summary>A user row as the sign-in and admin slices read it (a class with setters, which Dapper fills through its type handlers).</summary>
public sealed class PortalUser
{
    public Guid Id { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = "";
    public Guid OrganisationId { get; init; }
    public string PasswordHash { get; init; } = "";
    public int FailedSignIns { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
}
