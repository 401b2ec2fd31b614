using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matchmaking.Portal.Features;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Matchmaking.Portal.Tests;

/// <summary>Sign-in, organisations and users, against the database configuration each subclass supplies.</summary>
public abstract class PortalTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Password = "a-long-test-password";
    private RunningService _portal = null!;

    protected abstract Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        var configuration = (await ConfigurationAsync())
            .Append(new("Matchmaking:Portal:SignInPermitsPerMinute", "12"))
            .Append(new("Matchmaking:Portal:LockoutThreshold", "3"));
        _portal = await RunningService.StartAsync(configuration, b => b.AddPortal(), a => a.MapPortal());
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await CleanUpAsync();
    }

    private async Task<(Guid OrganisationId, string Email)> AccountAsync(string role, string kind)
    {
        var database = _portal.Services.GetRequiredService<PortalDatabase>();
        var hasher = _portal.Services.GetRequiredService<IPasswordHasher<PortalUser>>();
        var organisation = await Organisations.CreateAsync(new($"{kind} {Guid.NewGuid():N}", "測試機構", kind, null), database, Ct);
        var email = $"{role}-{Guid.NewGuid():N}@portal.test";
        var result = await Users.CreateAsync(new(email, "Test user", role, organisation!.Id, Password), database, hasher, Ct);
        Assert.NotNull(result.User);
        return (organisation.Id, email);
    }

    private async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        using var client = _portal.CreateClient();
        return await client.PostAsJsonAsync("/api/auth/token", new { email, password }, Ct);
    }

    [Fact]
    public async Task A_right_password_gets_a_token_that_names_the_role_and_organisation()
    {
        var (organisationId, email) = await AccountAsync(Roles.University, "university");
        var response = await SignInAsync(email.ToUpperInvariant(), Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("university", body.GetProperty("role").GetString());
        Assert.Equal(organisationId, body.GetProperty("organisationId").GetGuid());
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        using var client = _portal.CreateClient(body.GetProperty("accessToken").GetString());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me", Ct);
        Assert.Equal(email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        var (_, email) = await AccountAsync(Roles.Enterprise, "enterprise");
        var wrong = await SignInAsync(email, "not-the-password");
        var unknown = await SignInAsync($"nobody-{Guid.NewGuid():N}@portal.test", "not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var wrongTitle = (await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString();
        var unknownTitle = (await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString();
        Assert.Equal(wrongTitle, unknownTitle);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_even_against_the_right_password()
    {
        var (_, email) = await AccountAsync(Roles.Enterprise, "enterprise");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(email, "wrong-password")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(email, Password)).StatusCode);
    }

    [Fact]
    public async Task Hammering_the_sign_in_gets_429()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            statuses.Add((await SignInAsync($"nobody-{i}@portal.test", "whatever-password")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
    }

    // The sign-in form: a right password signs in; hammering it from one address is refused with a page that says so.
    [Fact]
    public async Task The_sign_in_form_signs_in_and_is_rate_limited_per_address()
    {
        var (_, email) = await AccountAsync(Roles.Enterprise, "enterprise");
        using var client = _portal.CreateClient();

        async Task<HttpResponseMessage> PostFormAsync(string password)
        {
            var page = await client.GetStringAsync("/signin", Ct);
            var token = System.Text.RegularExpressions.Regex.Match(
                page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            Assert.NotEmpty(token);
            return await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email,
                ["Password"] = password,
                ["__RequestVerificationToken"] = token,
            }), Ct);
        }

        var signedIn = await PostFormAsync(Password);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("/", signedIn.RequestMessage!.RequestUri!.AbsolutePath);

        // 12 permits a minute in this configuration, one used above; page loads do not count.
        var finalUris = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var response = await PostFormAsync("a-wrong-password");
            finalUris.Add(response.RequestMessage!.RequestUri!.PathAndQuery);
        }

        Assert.Equal("/signin", finalUris[0]);
        Assert.Equal("/signin?error=too-many", finalUris[^1]);
    }

    [Fact]
    public async Task Sign_in_without_fields_is_a_400_naming_them()
    {
        using var client = _portal.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = "" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));

        var malformed = await client.PostAsync("/api/auth/token", new StringContent("{\"email\":", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_creates_organisations_and_users()
    {
        var admin = TestUsers.New(Roles.Admin);
        var staff = TestUsers.New(Roles.Staff);
        using var adminClient = _portal.CreateClient(admin.Token);
        using var staffClient = _portal.CreateClient(staff.Token);

        var name = $"Kowloon Metalworks {Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Forbidden,
            (await staffClient.PostAsJsonAsync("/api/organisations", new { name, kind = "enterprise" }, Ct)).StatusCode);
        var created = await adminClient.PostAsJsonAsync("/api/organisations", new { name, kind = "enterprise", sector = "metals" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var organisationId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict,
            (await adminClient.PostAsJsonAsync("/api/organisations", new { name, kind = "enterprise" }, Ct)).StatusCode);

        var badKind = await adminClient.PostAsJsonAsync("/api/organisations", new { name = "x", kind = "bank", sector = "no-such-sector" }, Ct);
        var errors = (await badKind.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("kind", out _));
        Assert.True(errors.TryGetProperty("sector", out _));

        var email = $"ops-{Guid.NewGuid():N}@metal.test";
        var user = await adminClient.PostAsJsonAsync("/api/users",
            new { email, displayName = "Ops", role = "enterprise", organisationId, password = Password }, Ct);
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(email, Password)).StatusCode);

        var shortPassword = await adminClient.PostAsJsonAsync("/api/users",
            new { email = "b@metal.test", displayName = "B", role = "enterprise", organisationId, password = "short" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, shortPassword.StatusCode);
        var unknownOrganisation = await adminClient.PostAsJsonAsync("/api/users",
            new { email = "c@metal.test", displayName = "C", role = "enterprise", organisationId = Guid.NewGuid(), password = Password }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknownOrganisation.StatusCode);
        // A university account in an enterprise could publish technologies in that company's name.
        var wrongKind = await adminClient.PostAsJsonAsync("/api/users",
            new { email = "d@metal.test", displayName = "D", role = "university", organisationId, password = Password }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        Assert.True((await wrongKind.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("role", out _));

        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.GetAsync("/api/users", Ct)).StatusCode);
        var users = await adminClient.GetFromJsonAsync<JsonElement>("/api/users", Ct);
        Assert.Contains(users.GetProperty("items").EnumerateArray(), u => u.GetProperty("email").GetString() == email);
        Assert.DoesNotContain("password", (await adminClient.GetStringAsync("/api/users", Ct)).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_home_page_lists_the_organisations()
    {
        var (_, _) = await AccountAsync(Roles.University, "university");
        using var client = _portal.CreateClient();
        var page = await client.GetStringAsync("/", Ct);
        Assert.Contains("Matchmaking", page, StringComparison.Ordinal);
        Assert.Contains("university", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/organisations", Ct)).StatusCode);
    }
}

public sealed class PortalOnPostgresTests : PortalTests
{
    protected override async Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync() =>
    [
        new("Matchmaking:Storage:Provider", "Postgres"),
        new("ConnectionStrings:Portal", await PostgresServer.CreateDatabaseAsync("portal")),
    ];
}

public sealed class PortalOnSqliteTests : PortalTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"portal-{Guid.NewGuid():N}");

    protected override Task<IEnumerable<KeyValuePair<string, string?>>> ConfigurationAsync() =>
        Task.FromResult<IEnumerable<KeyValuePair<string, string?>>>([new("Matchmaking:DataDirectory", _directory)]);

    protected override Task CleanUpAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
