using System.Net;
using System.Text.Json.Nodes;
using Matchmaking.Research.Api;
using Matchmaking.Research.Api.Features;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;

namespace Matchmaking.Research.Tests;

/// <summary>Every test tags its technologies with a fresh marker and searches for it, so tests never see each other's rows.</summary>
public abstract class TechnologyListTests(ResearchService research) : ResearchTests(research)
{
    [Fact]
    public async Task The_list_pages_through_published_technologies_newest_first()
    {
        var marker = NewMarker();
        var owner = NewUniversity();
        var published = new List<TechnologyResponse>();
        for (var i = 0; i < 5; i++)
        {
            published.Add(await PublishAsync(owner, ValidTechnology($"{marker} {i}")));
        }

        var newestFirst = published.AsEnumerable().Reverse().Select(t => t.Id).ToList();
        var reader = NewEnterprise();
        var first = await ListAsync(reader, $"q={marker}&pageSize=2");
        var second = await ListAsync(reader, $"q={marker}&pageSize=2&page=2");
        var third = await ListAsync(reader, $"q={marker}&pageSize=2&page=3");
        var beyond = await ListAsync(reader, $"q={marker}&pageSize=2&page=4");

        Assert.Equal((5, 1, 2), (first.Total, first.Page, first.PageSize));
        Assert.Equal(newestFirst[..2], first.Items.Select(t => t.Id));
        Assert.Equal(newestFirst[2..4], second.Items.Select(t => t.Id));
        Assert.Equal(newestFirst[4..], third.Items.Select(t => t.Id));
        Assert.Empty(beyond.Items);
        Assert.Equal(5, beyond.Total);
        Assert.All(first.Items, t => Assert.Null(t.Details));
    }

    [Fact]
    public async Task The_page_is_1_and_the_page_size_20_unless_asked_otherwise()
    {
        var marker = NewMarker();
        var owner = NewUniversity();
        for (var i = 0; i < 21; i++)
        {
            await PublishAsync(owner, ValidTechnology($"{marker} {i}"));
        }

        var page = await ListAsync(NewEnterprise(), $"q={marker}");

        Assert.Equal((21, 1, 20, 20), (page.Total, page.Page, page.PageSize, page.Items.Count));
    }

    [Fact]
    public async Task The_answer_is_total_page_page_size_and_items()
    {
        using var response = await Research.ClientFor(NewEnterprise()).GetAsync($"/api/technologies?q={NewMarker()}", Ct);

        await AssertStatusAsync(HttpStatusCode.OK, response);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        Assert.Equal(["items", "page", "pageSize", "total"], json.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_list_filters_by_sector()
    {
        var marker = NewMarker();
        var owner = NewUniversity();
        var metals = ValidTechnology(marker);
        metals["sector"] = "metals";
        var inMetals = await PublishAsync(owner, metals);
        await PublishAsync(owner, ValidTechnology(marker));

        var page = await ListAsync(NewEnterprise(), $"q={marker}&sector=metals");

        Assert.Equal([inMetals.Id], page.Items.Select(t => t.Id));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task The_query_matches_title_summary_and_keywords_ignoring_case()
    {
        var marker = NewMarker();
        var owner = NewUniversity();
        var inTitle = ValidTechnology(marker.ToUpperInvariant());
        var inSummary = ValidTechnology();
        inSummary["summary"] = $"A summary that mentions {marker} in passing.";
        var inKeywords = ValidTechnology();
        inKeywords["keywords"] = new JsonArray($"Keyword-{marker.ToUpperInvariant()}");
        var published = new[]
        {
            await PublishAsync(owner, inTitle), await PublishAsync(owner, inSummary), await PublishAsync(owner, inKeywords),
        };
        await PublishAsync(owner, ValidTechnology());

        var page = await ListAsync(NewEnterprise(), $"q={marker}");

        Assert.Equal(published.Select(t => t.Id).Order(), page.Items.Select(t => t.Id).Order());
    }

    [Fact]
    public async Task The_query_finds_chinese_keywords()
    {
        var marker = NewMarker();
        var owner = NewUniversity();
        var body = ValidTechnology(marker);
        body["keywords"] = new JsonArray("注塑模具", "隨形冷卻");
        var technology = await PublishAsync(owner, body);

        var page = await ListAsync(NewEnterprise(), $"q={Uri.EscapeDataString("隨形冷卻")}");

        Assert.Contains(technology.Id, page.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task Wildcards_in_the_query_are_taken_literally()
    {
        var marker = NewMarker();
        await PublishAsync(NewUniversity(), ValidTechnology($"{marker} 50% faster"));

        var literal = await ListAsync(NewEnterprise(), $"q={Uri.EscapeDataString($"{marker} 50%")}");
        var wildcard = await ListAsync(NewEnterprise(), $"q={Uri.EscapeDataString($"{marker}%faster")}");
        var underscore = await ListAsync(NewEnterprise(), $"q={Uri.EscapeDataString($"{marker}_50")}");

        Assert.Equal(1, literal.Total);
        Assert.Equal(0, wildcard.Total);
        Assert.Equal(0, underscore.Total);
    }

    [Fact]
    public async Task Withdrawn_technologies_are_listed_only_to_their_owner_and_staff()
    {
        var marker = NewMarker();
        var owner = NewUniversity();
        var kept = await PublishAsync(owner, ValidTechnology(marker));
        var withdrawn = await PublishAsync(owner, ValidTechnology(marker));
        await AssertStatusAsync(HttpStatusCode.OK, await WithdrawAsync(owner, withdrawn.Id));
        var stranger = NewUniversity();

        Assert.Equal([kept.Id], (await ListAsync(stranger, $"q={marker}")).Items.Select(t => t.Id));
        Assert.Equal([kept.Id], (await ListAsync(owner, $"q={marker}")).Items.Select(t => t.Id));
        Assert.Equal([withdrawn.Id, kept.Id], (await ListAsync(owner, $"q={marker}&mine=true")).Items.Select(t => t.Id));
        Assert.Equal([withdrawn.Id], (await ListAsync(owner, $"q={marker}&status=withdrawn")).Items.Select(t => t.Id));
        Assert.Equal([withdrawn.Id], (await ListAsync(NewStaff(), $"q={marker}&status=withdrawn")).Items.Select(t => t.Id));
        Assert.Empty((await ListAsync(stranger, $"q={marker}&status=withdrawn")).Items);
        Assert.Empty((await ListAsync(NewEnterprise(), $"q={marker}&status=withdrawn")).Items);
    }

    [Fact]
    public async Task Mine_lists_only_the_callers_organisation_with_its_details()
    {
        var marker = NewMarker();
        var owner = NewUniversity();
        var own = await PublishAsync(owner, ValidTechnology(marker));
        await PublishAsync(NewUniversity(), ValidTechnology(marker));

        var page = await ListAsync(TestUsers.InOrganisation(Roles.University, owner.OrganisationId), $"q={marker}&mine=true");

        Assert.Equal([own.Id], page.Items.Select(t => t.Id));
        Assert.NotNull(page.Items[0].Details);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=x", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    [InlineData("status=draft", "status")]
    [InlineData("mine=maybe", "mine")]
    [InlineData("sector=no-such-sector", "sector")]
    public async Task A_bad_query_value_is_a_400_naming_it(string query, string field)
    {
        using var response = await Research.ClientFor(NewEnterprise()).GetAsync($"/api/technologies?{query}", Ct);

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task A_query_longer_than_200_characters_is_a_400_naming_it()
    {
        using var response = await Research.ClientFor(NewEnterprise()).GetAsync($"/api/technologies?q={new string('q', 201)}", Ct);

        await AssertValidationProblemAsync(response, "q");
    }

    [Fact]
    public async Task A_far_page_is_empty_not_an_error()
    {
        var page = await ListAsync(NewEnterprise(), $"q={NewMarker()}&page={int.MaxValue}&pageSize=100");

        Assert.Empty(page.Items);
        Assert.Equal(int.MaxValue, page.Page);
    }

    private static string NewMarker() => $"m{Guid.NewGuid():N}"[..13];

    private async Task<ListTechnologies.TechnologyPage> ListAsync(TestUser caller, string query)
    {
        using var response = await Research.ClientFor(caller).GetAsync($"/api/technologies?{query}", Ct);
        await AssertStatusAsync(HttpStatusCode.OK, response);
        return await ReadAsync<ListTechnologies.TechnologyPage>(response);
    }
}

public sealed class TechnologyListOnPostgresAndRabbitMq(PostgresAndRabbitMqResearchService research)
    : TechnologyListTests(research), IClassFixture<PostgresAndRabbitMqResearchService>;

public sealed class TechnologyListOnSqliteAndInMemoryBus(SqliteAndInMemoryResearchService research)
    : TechnologyListTests(research), IClassFixture<SqliteAndInMemoryResearchService>;
