using System.Text.Json;
using Matchmaking.Needs.Api;
using Matchmaking.Needs.Api.Features;
using Matchmaking.Portal;
using Matchmaking.Portal.Features;
using Matchmaking.Research.Api;
using Matchmaking.Research.Api.Features;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Identity;

namespace Matchmaking.Host;

/// <summary>
/// Loads <c>seeds/</c> through the services' own slices (the same validation and outbox as an HTTP post), so the demo
/// technologies and needs reach Matching and Brokerage as events. Fixed ids make a second run a no-op.
/// </summary>
public sealed class DemoSeeder(
    IConfiguration configuration,
    PortalDatabase portal,
    IPasswordHasher<PortalUser> hasher,
    ResearchDatabase research,
    NeedsDatabase needs,
    ConfidentialText confidential)
{
    public const string DefaultDemoPassword = "demo-pass-123";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The seeder acts for each organisation; this id marks its rows' created_by.
    private static readonly Guid SeederUserId = new("00000000-0000-0000-0000-000000005eed");

    public string SeedDirectory =>
        configuration["Matchmaking:SeedDirectory"] is { Length: > 0 } directory
            ? Path.GetFullPath(directory)
            : Path.Combine(AppContext.BaseDirectory, "seeds");

    public async Task<string> SeedAsync(Action<string> progress, CancellationToken ct)
    {
        var password = configuration["MATCHMAKING_DEMO_PASSWORD"] is { Length: > 0 } configured ? configured : DefaultDemoPassword;

        // What this run added, against what the seed files hold: a replayed seed finds everything in place.
        var added = new int[4];
        var organisations = Read<SeedOrganisation>("organisations.json");
        foreach (var organisation in organisations)
        {
            var created = await Organisations.CreateAsync(
                new Organisations.CreateRequest(organisation.Name, organisation.NameZh, organisation.Kind, organisation.Sector),
                portal, ct, organisation.Id);
            added[0] += created is null ? 0 : 1;
        }

        progress($"Organisations: {organisations.Count}");

        var users = Read<SeedUser>("users.json");
        foreach (var user in users)
        {
            var created = await Users.CreateAsync(
                new Users.CreateRequest(user.Email, user.DisplayName, user.Role, user.OrganisationId, password),
                portal, hasher, ct, DeterministicId(user.Email));
            if (created.UnknownOrganisation || created.MismatchedKind is not null)
            {
                throw new InvalidOperationException($"Seed account {user.Email} does not fit its organisation {user.OrganisationId}.");
            }

            added[1] += created.User is null ? 0 : 1;
        }

        progress($"Demo accounts: {users.Count}");

        var technologies = ReadWithIds<TechnologyBody>("technologies.json");
        foreach (var (id, organisationId, body) in technologies)
        {
            var result = await PublishTechnology.HandleAsync(body, Acting(Roles.University, organisationId), research, ct, id);
            if (result.Outcome is not (TechnologyOutcome.Created or TechnologyOutcome.Ok))
            {
                throw new InvalidOperationException($"Seed technology {id} was refused: {result.Outcome} {result.Errors}");
            }

            added[2] += result.Outcome == TechnologyOutcome.Created ? 1 : 0;
        }

        progress($"Technologies: {technologies.Count}");

        var needList = ReadWithIds<NeedBody>("needs.json");
        var earliestDeadline = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        foreach (var (id, organisationId, body) in needList)
        {
            // The demo's deadlines were written for 2027; a demo started later still needs open needs to show.
            var current = body.Deadline is { } deadline && deadline < earliestDeadline ? body with { Deadline = earliestDeadline } : body;
            var result = await PostNeed.HandleAsync(current, Acting(Roles.Enterprise, organisationId), needs, confidential, ct, id);
            if (result.Outcome is not (NeedOutcome.Created or NeedOutcome.Ok))
            {
                throw new InvalidOperationException($"Seed need {id} was refused: {result.Outcome} {result.Errors}");
            }

            added[3] += result.Outcome == NeedOutcome.Created ? 1 : 0;
        }

        progress($"Needs: {needList.Count}");
        int[] total = [organisations.Count, users.Count, technologies.Count, needList.Count];
        string Part(int i, string noun) => added[i] == total[i] ? $"{total[i]} {noun}" : $"{added[i]} of {total[i]} {noun}";
        var summary = $"{Part(0, "organisations")}, {Part(1, "accounts")}, {Part(2, "technologies")} and {Part(3, "needs")}";
        return added.SequenceEqual(total) ? summary : summary + " (the rest were there already)";
    }

    private static Caller Acting(string role, Guid organisationId) => new(SeederUserId, "seeder@centre.demo", role, organisationId);

    /// <summary>A stable id per e-mail, so a replayed seed finds the same account.</summary>
    private static Guid DeterministicId(string text) =>
        new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToLowerInvariant())));

    private List<T> Read<T>(string file)
    {
        var path = Path.Combine(SeedDirectory, file);
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<List<T>>(stream, Json) ?? throw new InvalidOperationException($"{path} is empty");
    }

    /// <summary>Each element is the slice's own request body plus the seed's fixed id and owning organisation.</summary>
    private List<(Guid Id, Guid OrganisationId, T Body)> ReadWithIds<T>(string file) =>
        Read<JsonElement>(file)
            .Select(element => (
                element.GetProperty("id").GetGuid(),
                element.GetProperty("organisationId").GetGuid(),
                element.Deserialize<T>(Json)!))
            .ToList();

    private sealed record SeedOrganisation(Guid Id, string Name, string? NameZh, string Kind, string? Sector);

    private sealed record SeedUser(string Email, string DisplayName, string Role, Guid OrganisationId);
}

/// <summary>Loads the demo data when the Host starts on an empty Portal database.</summary>
public sealed class SeedOnFirstStart(DemoSeeder seeder, PortalDatabase portal, ILogger<SeedOnFirstStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await portal.OpenAsync(cancellationToken))
        {
            var organisations = await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM organisations");
            if (organisations > 0)
            {
                return;
            }
        }

        logger.LogInformation("First start: loading the demo data from {Directory}", seeder.SeedDirectory);
        var summary = await seeder.SeedAsync(line => logger.LogInformation("Seed: {Line}", line), cancellationToken);
        logger.LogInformation("Seeded {Summary}", summary);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
