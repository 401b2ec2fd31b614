using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.Testing;

/// <summary>Bearer tokens for test callers, signed with the same development key the services validate by default.</summary>
public static class TestUsers
{
    private static readonly TokenIssuer Issuer = new(new AuthSettings());

    public static TestUser New(string role) => new(Guid.NewGuid(), $"{role}-{Guid.NewGuid():N}@test.demo", role, Guid.NewGuid());

    public static TestUser InOrganisation(string role, Guid organisationId) =>
        new(Guid.NewGuid(), $"{role}-{Guid.NewGuid():N}@test.demo", role, organisationId);

    public static string Token(TestUser user) => Issuer.Issue(user.UserId, user.Email, user.Role, user.OrganisationId).Token;
}

public sealed record TestUser(Guid UserId, string Email, string Role, Guid OrganisationId)
{
    public string Token => TestUsers.Token(this);
}
