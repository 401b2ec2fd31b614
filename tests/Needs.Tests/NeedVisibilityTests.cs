using System.Net;
using System.Text.Json;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using static Matchmaking.Needs.Tests.NeedsApi;

namespace Matchmaking.Needs.Tests;

public sealed class NeedVisibilityOnPostgresAndRabbitMq(PostgresAndRabbitMq service) : NeedVisibilityTests<PostgresAndRabbitMq>(service);

public sealed class NeedVisibilityOnSqliteAndInMemoryBus(SqliteAndInMemoryBus service) : NeedVisibilityTests<SqliteAndInMemoryBus>(service);

/// <summary>Who sees a need, one at a time and in lists: public, anonymous, staff-only, closed.</summary>
public abstract class NeedVisibilityTests<TService> : IClassFixture<TService>
    where TService : NeedsService
{
    private readonly TService _service;
    private readonly TestUser _owner = TestUsers.New(Roles.Enterprise);
    private readonly TestUser _colleague;
    private readonly TestUser _otherEnterprise = TestUsers.New(Roles.Enterprise);
    private readonly TestUser _university = TestUsers.New(Roles.University);
    private readonly TestUser _staff = TestUsers.New(Roles.Staff);
    private readonly TestUser _admin = TestUsers.New(Roles.Admin);

    protected NeedVisibilityTests(TService service)
    {
        _service = service;
        _colleague = TestUsers.InOrganisation(Roles.Enterprise, _owner.OrganisationId);
    }

    private IEnumerable<TestUser> Outsiders => [_otherEnterprise, _university];

    private IEnumerable<TestUser> Insiders => [_owner, _colleague, _staff, _admin];

    [Fact]
    public async Task A_staff_only_need_does_not_exist_for_outsiders_but_is_seen_by_its_owner_and_staff()
    {
        var word = UniqueWord("secret");
        var id = await PostAsync(_owner, word, "staff-only");

        foreach (var outsider in Outsiders)
        {
            using var client = _service.ClientFor(outsider);
            using var get = await client.GetNeedAsync(id);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.DoesNotContain(word, await get.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

            foreach (var query in new[] { "", "?pageSize=100", $"?q={word}", $"?q={word}&sector=plastics", "?mine=false" })
            {
                using var list = await client.ListNeedsAsync(query);
                Assert.Equal(HttpStatusCode.OK, list.StatusCode);
                var body = await list.Content.ReadAsStringAsync(Ct);
                Assert.DoesNotContain(word, body, StringComparison.Ordinal);
                Assert.DoesNotContain(id.ToString(), body, StringComparison.OrdinalIgnoreCase);
            }

            using var search = await client.ListNeedsAsync($"?q={word}");
            Assert.Equal(0, (await search.ReadJsonAsync()).GetProperty("total").GetInt32());
        }

        foreach (var insider in Insiders)
        {
            using var client = _service.ClientFor(insider);
            using var get = await client.GetNeedAsync(id);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var need = await get.ReadJsonAsync();
            Assert.Equal(_owner.OrganisationId, need.GetProperty("organisationId").GetGuid());
            Assert.Equal("staff-only", need.GetProperty("visibility").GetString());

            using var search = await client.ListNeedsAsync($"?q={word}");
            var item = Assert.Single(await search.ReadItemsAsync());
            Assert.Equal(id, item.GetProperty("id").GetGuid());
            Assert.Equal(_owner.OrganisationId, item.GetProperty("organisationId").GetGuid());
        }
    }

    [Fact]
    public async Task An_anonymous_need_hides_its_organisation_from_outsiders_but_not_from_its_owner_or_staff()
    {
        var word = UniqueWord("anon");
        var id = await PostAsync(_owner, word, "anonymous");

        foreach (var outsider in Outsiders)
        {
            using var client = _service.ClientFor(outsider);
            using var get = await client.GetNeedAsync(id);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var body = await get.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain(_owner.OrganisationId.ToString(), body, StringComparison.OrdinalIgnoreCase);
            var need = await get.ReadJsonAsync();
            Assert.Equal(JsonValueKind.Null, need.GetProperty("organisationId").ValueKind);
            Assert.Contains(word, need.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.Equal("anonymous", need.GetProperty("visibility").GetString());

            using var list = await client.ListNeedsAsync($"?q={word}");
            var listBody = await list.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain(_owner.OrganisationId.ToString(), listBody, StringComparison.OrdinalIgnoreCase);
            var item = Assert.Single(await list.ReadItemsAsync());
            Assert.Equal(id, item.GetProperty("id").GetGuid());
            Assert.Equal(JsonValueKind.Null, item.GetProperty("organisationId").ValueKind);
        }

        foreach (var insider in Insiders)
        {
            using var client = _service.ClientFor(insider);
            using var get = await client.GetNeedAsync(id);
            Assert.Equal(_owner.OrganisationId, (await get.ReadJsonAsync()).GetProperty("organisationId").GetGuid());

            using var list = await client.ListNeedsAsync($"?q={word}");
            var item = Assert.Single(await list.ReadItemsAsync());
            Assert.Equal(_owner.OrganisationId, item.GetProperty("organisationId").GetGuid());
        }
    }

    [Fact]
    public async Task A_public_need_is_shown_in_full_to_everyone_signed_in()
    {
        var word = UniqueWord("open");
        var id = await PostAsync(_owner, word, "public");

        foreach (var user in Outsiders.Concat(Insiders))
        {
            using var client = _service.ClientFor(user);
            using var get = await client.GetNeedAsync(id);
            var need = await get.ReadJsonAsync();
            Assert.Equal(_owner.OrganisationId, need.GetProperty("organisationId").GetGuid());
            Assert.Equal(6, need.GetProperty("minTrl").GetInt32());

            using var list = await client.ListNeedsAsync($"?q={word}");
            Assert.Equal(_owner.OrganisationId, Assert.Single(await list.ReadItemsAsync()).GetProperty("organisationId").GetGuid());
        }
    }

    [Fact]
    public async Task A_closed_need_is_seen_only_by_its_owner_and_staff()
    {
        var word = UniqueWord("closing");
        var id = await PostAsync(_owner, word, "public");
        using (var owner = _service.ClientFor(_owner))
        {
            using var close = await owner.CloseNeedAsync(id);
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
            Assert.Equal("closed", (await close.ReadJsonAsync()).GetProperty("status").GetString());
        }

        foreach (var outsider in Outsiders)
        {
            using var client = _service.ClientFor(outsider);
            using var get = await client.GetNeedAsync(id);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            using var list = await client.ListNeedsAsync($"?q={word}");
            Assert.Empty(await list.ReadItemsAsync());
            using var closedList = await client.ListNeedsAsync($"?q={word}&status=closed");
            Assert.Empty(await closedList.ReadItemsAsync());
        }

        foreach (var insider in Insiders)
        {
            using var client = _service.ClientFor(insider);
            using var get = await client.GetNeedAsync(id);
            Assert.Equal("closed", (await get.ReadJsonAsync()).GetProperty("status").GetString());
            using var list = await client.ListNeedsAsync($"?q={word}&status=closed");
            Assert.Equal(id, Assert.Single(await list.ReadItemsAsync()).GetProperty("id").GetGuid());
            using var open = await client.ListNeedsAsync($"?q={word}&status=open");
            Assert.Empty(await open.ReadItemsAsync());
        }
    }

    [Fact]
    public async Task Mine_lists_the_callers_organisation_needs_of_every_visibility_and_status_and_nothing_else()
    {
        var word = UniqueWord("mine");
        var publicId = await PostAsync(_owner, word, "public");
        var anonymousId = await PostAsync(_owner, word, "anonymous");
        var staffOnlyId = await PostAsync(_owner, word, "staff-only");
        var closedId = await PostAsync(_owner, word, "public");
        var othersId = await PostAsync(_otherEnterprise, word, "public");
        using var owner = _service.ClientFor(_owner);
        using (var close = await owner.CloseNeedAsync(closedId))
        {
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        }

        using var colleague = _service.ClientFor(_colleague);
        using var mine = await colleague.ListNeedsAsync($"?mine=true&q={word}");
        var ids = (await mine.ReadItemsAsync()).Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(new[] { publicId, anonymousId, staffOnlyId, closedId }.Order(), ids.Order());

        using var everything = await colleague.ListNeedsAsync($"?q={word}");
        var all = (await everything.ReadItemsAsync()).Select(i => i.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Contains(othersId, all);
    }

    [Fact]
    public async Task The_list_filters_by_sector_and_words_pages_newest_first_and_counts_every_match()
    {
        var word = UniqueWord("page");
        var first = await PostAsync(_owner, word, "public");
        var second = await PostAsync(_owner, word, "public", sector: "metals");
        var third = await PostAsync(_owner, word, "anonymous");
        using var client = _service.ClientFor(_university);

        using var page1 = await client.ListNeedsAsync($"?q={word.ToUpperInvariant()}&pageSize=2");
        var body1 = await page1.ReadJsonAsync();
        Assert.Equal(3, body1.GetProperty("total").GetInt32());
        Assert.Equal(1, body1.GetProperty("page").GetInt32());
        Assert.Equal(2, body1.GetProperty("pageSize").GetInt32());
        Assert.Equal([third, second], body1.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        using var page2 = await client.ListNeedsAsync($"?q={word}&pageSize=2&page=2");
        var body2 = await page2.ReadJsonAsync();
        Assert.Equal(3, body2.GetProperty("total").GetInt32());
        Assert.Equal([first], body2.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        using var beyond = await client.ListNeedsAsync($"?q={word}&pageSize=2&page=9");
        Assert.Empty(await beyond.ReadItemsAsync());

        using var metals = await client.ListNeedsAsync($"?q={word}&sector=metals");
        Assert.Equal([second], (await metals.ReadItemsAsync()).Select(i => i.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task The_list_finds_words_in_problem_and_keywords_including_chinese_and_treats_wildcards_literally()
    {
        var chinese = "披鋒" + Guid.NewGuid().ToString("N")[..6];
        using var owner = _service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(new
        {
            title = "換料後啤件唔穩定",
            problem = "每次換膠粒都要重新調機。",
            keywords = new[] { chinese, "100%_recycled" },
        });
        using var client = _service.ClientFor(_otherEnterprise);

        using var byKeyword = await client.ListNeedsAsync($"?q={Uri.EscapeDataString(chinese)}");
        Assert.Equal(id, Assert.Single(await byKeyword.ReadItemsAsync()).GetProperty("id").GetGuid());

        using var wildcard = await client.ListNeedsAsync($"?q={Uri.EscapeDataString("%")}&mine=false&pageSize=100");
        var items = await wildcard.ReadItemsAsync();
        Assert.Contains(items, item => item.GetProperty("id").GetGuid() == id);
        Assert.All(items, item => Assert.Contains("%", item.GetRawText(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_list_answers_its_documented_shape_with_a_default_page_size_of_20()
    {
        using var client = _service.ClientFor(_university);

        using var response = await client.ListNeedsAsync();

        var body = await response.ReadJsonAsync();
        Assert.Equal(["total", "page", "pageSize", "items"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, body.GetProperty("page").GetInt32());
        Assert.Equal(20, body.GetProperty("pageSize").GetInt32());
    }

    [Theory]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?pageSize=x", "pageSize")]
    [InlineData("?page=0", "page")]
    [InlineData("?page=-3", "page")]
    [InlineData("?page=99999999999", "page")]
    [InlineData("?mine=perhaps", "mine")]
    [InlineData("?status=deleted", "status")]
    [InlineData("?sector=no-such-sector", "sector")]
    public async Task A_wrong_list_parameter_is_a_400_that_names_it(string query, string field)
    {
        using var client = _service.ClientFor(_university);

        using var response = await client.ListNeedsAsync(query);

        Assert.Equal([field], await response.ReadValidationFieldsAsync());
    }

    private async Task<Guid> PostAsync(TestUser owner, string word, string visibility, string sector = "plastics")
    {
        using var client = _service.ClientFor(owner);
        var need = FullNeed($"{word} need", visibility);
        need["sector"] = sector;
        need["problem"] = $"The {word} problem, in detail.";
        need["keywords"] = new[] { word, "keyword" };
        return await client.PostNeedExpectingCreatedAsync(need);
    }
}
