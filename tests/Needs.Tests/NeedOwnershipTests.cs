using System.Net;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using static Matchmaking.Needs.Tests.NeedsApi;

namespace Matchmaking.Needs.Tests;

public sealed class NeedOwnershipOnPostgresAndRabbitMq(PostgresAndRabbitMq service) : NeedOwnershipTests<PostgresAndRabbitMq>(service);

public sealed class NeedOwnershipOnSqliteAndInMemoryBus(SqliteAndInMemoryBus service) : NeedOwnershipTests<SqliteAndInMemoryBus>(service);

/// <summary>Who may change and close a need.</summary>
public abstract class NeedOwnershipTests<TService>(TService service) : IClassFixture<TService>
    where TService : NeedsService
{
    private readonly TestUser _owner = TestUsers.New(Roles.Enterprise);
    private readonly TestUser _otherEnterprise = TestUsers.New(Roles.Enterprise);
    private readonly TestUser _university = TestUsers.New(Roles.University);
    private readonly TestUser _staff = TestUsers.New(Roles.Staff);

    [Fact]
    public async Task The_owner_replaces_its_need_and_reads_the_change_back()
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Before"));
        var changed = FullNeed("After");
        changed["problem"] = "新的問題描述：啤件表面有銀紋，想搵方法改善。";
        changed["language"] = null;
        changed["keywords"] = new[] { "銀紋" };
        changed["minTrl"] = 4;
        changed["budget"] = new { min = 10, max = 20, currency = "CNY" };
        changed["sector"] = "metals";

        using var put = await owner.PutNeedAsync(id, changed);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await owner.GetNeedAsync(id);
        var need = await get.ReadJsonAsync();
        Assert.Equal("After", need.GetProperty("title").GetString());
        Assert.Equal("metals", need.GetProperty("sector").GetString());
        Assert.Equal(["銀紋"], need.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(4, need.GetProperty("minTrl").GetInt32());
        Assert.Equal("CNY", need.GetProperty("budget").GetProperty("currency").GetString());
        Assert.Equal(20m, need.GetProperty("budget").GetProperty("max").GetDecimal());
        Assert.Equal("zh-Hant", need.GetProperty("language").GetString());
        Assert.True(need.GetProperty("updatedAt").GetDateTimeOffset() > need.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_colleague_in_the_same_organisation_may_change_the_need()
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Shared"));
        using var colleague = service.ClientFor(TestUsers.InOrganisation(Roles.Enterprise, _owner.OrganisationId));

        using var put = await colleague.PutNeedAsync(id, FullNeed("Changed by a colleague"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Changed by a colleague", (await put.ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_update_without_visibility_keeps_the_current_one()
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Quiet", "staff-only"));
        var changed = FullNeed("Still quiet");
        changed.Remove("visibility");

        using var put = await owner.PutNeedAsync(id, changed);

        Assert.Equal("staff-only", (await put.ReadJsonAsync()).GetProperty("visibility").GetString());
        using var outsider = service.ClientFor(_otherEnterprise);
        using var get = await outsider.GetNeedAsync(id);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Theory]
    [InlineData("public", HttpStatusCode.Forbidden)]
    [InlineData("anonymous", HttpStatusCode.Forbidden)]
    [InlineData("staff-only", HttpStatusCode.NotFound)]
    public async Task Outsiders_get_403_for_a_need_they_can_see_and_404_for_one_they_cannot_when_they_change_or_close_it(
        string visibility, HttpStatusCode expected)
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Mine", visibility));

        foreach (var outsider in new[] { _otherEnterprise, _university })
        {
            using var client = service.ClientFor(outsider);
            using var put = await client.PutNeedAsync(id, FullNeed("Hijacked"));
            Assert.Equal(expected, put.StatusCode);
            using var close = await client.CloseNeedAsync(id);
            Assert.Equal(expected, close.StatusCode);
        }

        using var get = await owner.GetNeedAsync(id);
        var need = await get.ReadJsonAsync();
        Assert.Equal("Mine", need.GetProperty("title").GetString());
        Assert.Equal(visibility, need.GetProperty("visibility").GetString());
        Assert.Equal("open", need.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_need_is_404_for_every_verb()
    {
        using var client = service.ClientFor(_owner);
        var id = Guid.NewGuid();

        using var get = await client.GetNeedAsync(id);
        using var put = await client.PutNeedAsync(id, FullNeed("Nothing"));
        using var close = await client.CloseNeedAsync(id);

        Assert.All([get, put, close], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
    }

    [Fact]
    public async Task Staff_may_close_any_need_but_not_change_it()
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Staff closes", "staff-only"));
        using var staff = service.ClientFor(_staff);

        using var put = await staff.PutNeedAsync(id, FullNeed("Staff edits"));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);

        using var close = await staff.CloseNeedAsync(id);
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        using var get = await owner.GetNeedAsync(id);
        Assert.Equal("closed", (await get.ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_closed_need_cannot_be_changed_and_closing_it_again_changes_nothing()
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Done"));
        using (var close = await owner.CloseNeedAsync(id))
        {
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        }

        using var put = await owner.PutNeedAsync(id, FullNeed("Reopened by editing"));
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);

        using var again = await owner.CloseNeedAsync(id);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var need = await again.ReadJsonAsync();
        Assert.Equal("closed", need.GetProperty("status").GetString());
        Assert.Equal("Done", need.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_invalid_update_is_a_400_naming_the_field_and_changes_nothing()
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Valid"));
        var invalid = FullNeed("");
        invalid["budget"] = new { min = 5, max = 1, currency = "HKD" };

        using var put = await owner.PutNeedAsync(id, invalid);

        Assert.Equal(["budget.max", "title"], (await put.ReadValidationFieldsAsync()).Order());
        using var get = await owner.GetNeedAsync(id);
        Assert.Equal("Valid", (await get.ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_update_may_keep_a_deadline_that_has_passed_but_not_set_a_new_past_one()
    {
        using var owner = service.ClientFor(_owner);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Deadline"));
        var past = FullNeed("Deadline");
        past["deadline"] = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var put = await owner.PutNeedAsync(id, past);

        Assert.Equal(["deadline"], await put.ReadValidationFieldsAsync());
    }
}
