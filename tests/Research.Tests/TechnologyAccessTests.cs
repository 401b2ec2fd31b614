using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;

namespace Matchmaking.Research.Tests;

public abstract class TechnologyAccessTests(ResearchService research) : ResearchTests(research)
{
    [Fact]
    public async Task Publishing_answers_201_with_its_location_and_the_technology_reads_back_from_there()
    {
        var owner = NewUniversity();

        using var response = await PostAsync(owner, ValidTechnology());

        await AssertStatusAsync(HttpStatusCode.Created, response);
        var published = await ReadAsync<TechnologyResponse>(response);
        Assert.Equal($"/api/technologies/{published.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(owner.OrganisationId, published.OrganisationId);
        Assert.Equal("Conformal cooling for injection moulds", published.Title);
        Assert.Equal("moulds-dies", published.Sector);
        Assert.Equal(["conformal cooling", "injection moulding"], published.Keywords);
        Assert.Equal(6, published.Trl);
        Assert.Equal("granted", published.IpStatus);
        Assert.Equal(["HK30012345"], published.PatentNumbers);
        Assert.Equal(["non-exclusive", "collaboration"], published.LicenceModels);
        Assert.Equal("en", published.Language);
        Assert.Equal(TechnologyStatus.Published, published.Status);
        Assert.Equal(published.CreatedAt, published.UpdatedAt);

        using var read = await Research.ClientFor(owner).GetAsync(response.Headers.Location, Ct);
        await AssertStatusAsync(HttpStatusCode.OK, read);
        Assert.Equivalent(published, await ReadAsync<TechnologyResponse>(read), strict: true);
    }

    [Fact]
    public async Task The_technology_is_camel_case_json_with_every_field()
    {
        using var response = await PostAsync(NewUniversity(), ValidTechnology());

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        Assert.Equal(
            ["createdAt", "details", "detailsLocked", "id", "ipStatus", "keywords", "language", "licenceModels", "organisationId",
             "patentNumbers", "sector", "status", "summary", "title", "trl", "updatedAt"],
            json.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("香港塑膠廠的注塑機熱能回收", "為注塑機設計的熱能回收系統,減少電費及廢熱。", "zh-Hant")]
    [InlineData("塑胶厂注塑机热能回收", "为注塑机设计的热能回收系统,减少电费及废热。", "zh-Hans")]
    [InlineData("Heat recovery for injection moulding machines", "Recovers barrel heat to cut electricity bills.", "en")]
    public async Task The_language_is_detected_when_left_out(string title, string summary, string expected)
    {
        var body = ValidTechnology();
        body.Remove("language");
        body["title"] = title;
        body["summary"] = summary;

        var technology = await PublishAsync(NewUniversity(), body);

        Assert.Equal(expected, technology.Language);
    }

    [Theory]
    [InlineData(Roles.Enterprise)]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.Admin)]
    public async Task Only_a_university_may_publish(string role)
    {
        using var response = await PostAsync(TestUsers.New(role), ValidTechnology());

        await AssertStatusAsync(HttpStatusCode.Forbidden, response);
    }

    [Theory]
    [InlineData("GET", "/api/technologies")]
    [InlineData("GET", "/api/technologies/{id}")]
    [InlineData("POST", "/api/technologies")]
    [InlineData("PUT", "/api/technologies/{id}")]
    [InlineData("POST", "/api/technologies/{id}/withdraw")]
    public async Task Every_endpoint_answers_401_without_a_token(string method, string path)
    {
        var technology = await PublishAsync(NewUniversity());
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", technology.Id.ToString(), StringComparison.Ordinal));
        if (method != "GET")
        {
            request.Content = JsonContent.Create(ValidTechnology());
        }

        using var response = await Research.AnonymousClient().SendAsync(request, Ct);

        await AssertStatusAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var user = NewUniversity();
        var forged = new TokenIssuer(new AuthSettings { SigningKey = "another-signing-key-of-sufficient-length-0123456789" })
            .Issue(user.UserId, user.Email, user.Role, user.OrganisationId).Token;

        using var response = await Research.Service.CreateClient(forged).PostAsJsonAsync("/api/technologies", ValidTechnology(), Ct);

        await AssertStatusAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task Details_are_shown_to_the_owner_and_staff_and_hidden_from_everyone_else()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        var colleague = TestUsers.InOrganisation(Roles.University, owner.OrganisationId);

        foreach (var reader in new[] { owner, colleague, NewStaff(), TestUsers.New(Roles.Admin) })
        {
            var seen = await ReadAsync<TechnologyResponse>(await GetAsync(reader, technology.Id));
            Assert.Equal("Channel diameter 3-6 mm; cycle time from 42 s to 29 s in trials.", seen.Details);
        }

        foreach (var reader in new[] { NewEnterprise(), NewUniversity() })
        {
            using var response = await GetAsync(reader, technology.Id);
            await AssertStatusAsync(HttpStatusCode.OK, response);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
            Assert.True(json.ContainsKey("details"));
            Assert.Null(json["details"]);
            Assert.Equal(technology.Summary, (string?)json["summary"]);
        }
    }

    [Fact]
    public async Task An_unknown_technology_is_404()
    {
        using var response = await GetAsync(NewEnterprise(), Guid.NewGuid());

        await AssertStatusAsync(HttpStatusCode.NotFound, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_owner_updates_a_technology_and_the_change_reads_back()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        var change = ValidTechnology();
        change["title"] = "Conformal cooling, second generation";
        change["trl"] = 7;
        change["keywords"] = new JsonArray("conformal cooling");
        change.Remove("language");

        using var response = await PutAsync(TestUsers.InOrganisation(Roles.University, owner.OrganisationId), technology.Id, change);

        await AssertStatusAsync(HttpStatusCode.OK, response);
        var updated = await ReadAsync<TechnologyResponse>(response);
        Assert.Equal("Conformal cooling, second generation", updated.Title);
        Assert.Equal(7, updated.Trl);
        Assert.Equal(["conformal cooling"], updated.Keywords);
        Assert.Equal("en", updated.Language);
        Assert.Equal(technology.CreatedAt, updated.CreatedAt);
        Assert.True(updated.UpdatedAt > technology.UpdatedAt);
        Assert.Equivalent(updated, await ReadAsync<TechnologyResponse>(await GetAsync(owner, technology.Id)), strict: true);
    }

    [Fact]
    public async Task Another_university_cannot_update_or_withdraw_a_published_technology()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        var stranger = NewUniversity();
        var change = ValidTechnology();
        change["title"] = "Taken over";

        using var update = await PutAsync(stranger, technology.Id, change);
        using var withdraw = await WithdrawAsync(stranger, technology.Id);

        await AssertStatusAsync(HttpStatusCode.Forbidden, update);
        await AssertStatusAsync(HttpStatusCode.Forbidden, withdraw);
        Assert.Equivalent(technology, await ReadAsync<TechnologyResponse>(await GetAsync(owner, technology.Id)), strict: true);
    }

    [Theory]
    [InlineData(Roles.Enterprise)]
    [InlineData(Roles.Staff)]
    public async Task Only_a_university_may_update(string role)
    {
        var technology = await PublishAsync(NewUniversity());

        using var response = await PutAsync(TestUsers.New(role), technology.Id, ValidTechnology());

        await AssertStatusAsync(HttpStatusCode.Forbidden, response);
    }

    [Fact]
    public async Task An_enterprise_cannot_withdraw()
    {
        var technology = await PublishAsync(NewUniversity());

        using var response = await WithdrawAsync(NewEnterprise(), technology.Id);

        await AssertStatusAsync(HttpStatusCode.Forbidden, response);
    }

    [Fact]
    public async Task The_owner_withdraws_and_the_technology_then_exists_only_for_the_owner_and_staff()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);

        using var response = await WithdrawAsync(owner, technology.Id);

        await AssertStatusAsync(HttpStatusCode.OK, response);
        var withdrawn = await ReadAsync<TechnologyResponse>(response);
        Assert.Equal(TechnologyStatus.Withdrawn, withdrawn.Status);
        Assert.True(withdrawn.UpdatedAt > technology.UpdatedAt);
        foreach (var reader in new[] { owner, NewStaff() })
        {
            var seen = await ReadAsync<TechnologyResponse>(await GetAsync(reader, technology.Id));
            Assert.Equal(TechnologyStatus.Withdrawn, seen.Status);
        }

        var stranger = NewUniversity();
        await AssertStatusAsync(HttpStatusCode.NotFound, await GetAsync(NewEnterprise(), technology.Id));
        await AssertStatusAsync(HttpStatusCode.NotFound, await GetAsync(stranger, technology.Id));
        await AssertStatusAsync(HttpStatusCode.NotFound, await PutAsync(stranger, technology.Id, ValidTechnology()));
        await AssertStatusAsync(HttpStatusCode.NotFound, await WithdrawAsync(stranger, technology.Id));
    }

    [Fact]
    public async Task Staff_may_withdraw_any_technology()
    {
        var technology = await PublishAsync(NewUniversity());

        using var response = await WithdrawAsync(NewStaff(), technology.Id);

        await AssertStatusAsync(HttpStatusCode.OK, response);
        Assert.Equal(TechnologyStatus.Withdrawn, (await ReadAsync<TechnologyResponse>(response)).Status);
    }

    [Fact]
    public async Task Withdrawing_twice_is_200_and_leaves_the_technology_as_it_was()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        var first = await ReadAsync<TechnologyResponse>(await WithdrawAsync(owner, technology.Id));

        using var again = await WithdrawAsync(owner, technology.Id);

        await AssertStatusAsync(HttpStatusCode.OK, again);
        Assert.Equivalent(first, await ReadAsync<TechnologyResponse>(again), strict: true);
    }

    [Fact]
    public async Task Updating_a_withdrawn_technology_is_409()
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);
        await AssertStatusAsync(HttpStatusCode.OK, await WithdrawAsync(owner, technology.Id));

        using var response = await PutAsync(owner, technology.Id, ValidTechnology());

        await AssertStatusAsync(HttpStatusCode.Conflict, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class TechnologyAccessOnPostgresAndRabbitMq(PostgresAndRabbitMqResearchService research)
    : TechnologyAccessTests(research), IClassFixture<PostgresAndRabbitMqResearchService>;

public sealed class TechnologyAccessOnSqliteAndInMemoryBus(SqliteAndInMemoryResearchService research)
    : TechnologyAccessTests(research), IClassFixture<SqliteAndInMemoryResearchService>;
