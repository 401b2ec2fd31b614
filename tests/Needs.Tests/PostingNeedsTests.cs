using System.Globalization;
using System.Net;
using System.Text.Json;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.Testing;
using static Matchmaking.Needs.Tests.NeedsApi;

namespace Matchmaking.Needs.Tests;

public sealed class PostingNeedsOnPostgresAndRabbitMq(PostgresAndRabbitMq service) : PostingNeedsTests<PostgresAndRabbitMq>(service);

public sealed class PostingNeedsOnSqliteAndInMemoryBus(SqliteAndInMemoryBus service) : PostingNeedsTests<SqliteAndInMemoryBus>(service);

public abstract class PostingNeedsTests<TService>(TService service) : IClassFixture<TService>
    where TService : NeedsService
{
    private readonly TestUser _enterprise = TestUsers.New(Roles.Enterprise);

    [Fact]
    public async Task Posting_a_need_answers_201_with_its_location_and_the_need_reads_back_the_same()
    {
        using var client = service.ClientFor(_enterprise);
        var need = FullNeed("Warping phone housings");

        using var response = await client.PostNeedAsync(need);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadJsonAsync();
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal($"/api/needs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(_enterprise.OrganisationId, created.GetProperty("organisationId").GetGuid());
        Assert.Equal("Warping phone housings", created.GetProperty("title").GetString());
        Assert.Equal(need["problem"], created.GetProperty("problem").GetString());
        Assert.Equal("plastics", created.GetProperty("sector").GetString());
        Assert.Equal(["warping", "cycle time"], created.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(6, created.GetProperty("minTrl").GetInt32());
        var budget = created.GetProperty("budget");
        Assert.Equal(300000m, budget.GetProperty("min").GetDecimal());
        Assert.Equal(800000.5m, budget.GetProperty("max").GetDecimal());
        Assert.Equal("HKD", budget.GetProperty("currency").GetString());
        Assert.Equal(FutureDate, created.GetProperty("deadline").GetString());
        Assert.Equal("public", created.GetProperty("visibility").GetString());
        Assert.Equal("en", created.GetProperty("language").GetString());
        Assert.Equal("open", created.GetProperty("status").GetString());
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), created.GetProperty("updatedAt").GetDateTimeOffset());

        using var read = await client.GetAsync(response.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var stored = await read.ReadJsonAsync();
        Assert.Equal(
            created.EnumerateObject().Select(p => p.Name),
            stored.EnumerateObject().Select(p => p.Name));
        foreach (var property in created.EnumerateObject().Where(p => p.Name is not ("budget" or "createdAt" or "updatedAt")))
        {
            Assert.Equal(property.Value.GetRawText(), stored.GetProperty(property.Name).GetRawText());
        }

        Assert.Equal(800000.5m, stored.GetProperty("budget").GetProperty("max").GetDecimal());
        Assert.Equal(300000m, stored.GetProperty("budget").GetProperty("min").GetDecimal());
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), stored.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_need_with_only_title_and_problem_is_public_with_its_language_detected_and_empty_fields()
    {
        using var client = service.ClientFor(_enterprise);

        using var response = await client.PostNeedAsync(new
        {
            title = "啤機後外殼變形",
            problem = "我哋啲手機外殼啤出嚟之後會變形，客戶驗平面度成日唔合格，想搵方法改善。",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var need = await response.ReadJsonAsync();
        Assert.Equal("public", need.GetProperty("visibility").GetString());
        Assert.Equal("zh-Hant", need.GetProperty("language").GetString());
        Assert.Equal(JsonValueKind.Null, need.GetProperty("sector").ValueKind);
        Assert.Empty(need.GetProperty("keywords").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, need.GetProperty("minTrl").ValueKind);
        Assert.Equal(JsonValueKind.Null, need.GetProperty("budget").ValueKind);
        Assert.Equal(JsonValueKind.Null, need.GetProperty("deadline").ValueKind);
    }

    [Fact]
    public async Task A_need_in_simplified_chinese_is_detected_as_such()
    {
        using var client = service.ClientFor(_enterprise);

        using var response = await client.PostNeedAsync(new
        {
            title = "注塑件冷却后变形",
            problem = "我们的手机外壳注塑后会变形，客户检测平面度经常不合格，希望找到改善的方法。",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("zh-Hans", (await response.ReadJsonAsync()).GetProperty("language").GetString());
    }

    public static TheoryData<string, string> InvalidFields()
    {
        var yesterday = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var keywords = string.Join(",", Enumerable.Range(0, 31).Select(i => $"\"k{i}\""));
        return new TheoryData<string, string>
        {
            { """{"problem":"p"}""", "title" },
            { """{"title":"   ","problem":"p"}""", "title" },
            { $$"""{"title":"{{new string('t', 201)}}","problem":"p"}""", "title" },
            { """{"title":"t"}""", "problem" },
            { $$"""{"title":"t","problem":"{{new string('p', 8001)}}"}""", "problem" },
            { """{"title":"t","problem":"p","sector":"no-such-sector"}""", "sector" },
            { $$"""{"title":"t","problem":"p","keywords":[{{keywords}}]}""", "keywords" },
            { """{"title":"t","problem":"p","keywords":["ok",""]}""", "keywords" },
            { """{"title":"t","problem":"p","minTrl":0}""", "minTrl" },
            { """{"title":"t","problem":"p","minTrl":10}""", "minTrl" },
            { """{"title":"t","problem":"p","minTrl":"x"}""", "minTrl" },
            { """{"title":"t","problem":"p","minTrl":"5"}""", "minTrl" },
            { """{"title":"t","problem":"p","budget":{"min":-1,"max":10,"currency":"HKD"}}""", "budget.min" },
            { """{"title":"t","problem":"p","budget":{"min":100,"max":99,"currency":"HKD"}}""", "budget.max" },
            { """{"title":"t","problem":"p","budget":{"min":1,"max":2,"currency":"hkd"}}""", "budget.currency" },
            { """{"title":"t","problem":"p","budget":{"min":1,"max":2,"currency":"HKDX"}}""", "budget.currency" },
            { """{"title":"t","problem":"p","budget":{"min":1,"max":2}}""", "budget.currency" },
            { """{"title":"t","problem":"p","budget":{"min":1,"max":1e30,"currency":"USD"}}""", "budget.max" },
            { """{"title":"t","problem":"p","budget":{"min":"cheap","max":2,"currency":"USD"}}""", "budget.min" },
            { """{"title":"t","problem":"p","budget":{"min":"100","max":200,"currency":"USD"}}""", "budget.min" },
            { $$"""{"title":"t","problem":"p","deadline":"{{yesterday}}"}""", "deadline" },
            { """{"title":"t","problem":"p","deadline":"next spring"}""", "deadline" },
            { """{"title":"t","problem":"p","deadline":"2031-02-30"}""", "deadline" },
            { """{"title":"t","problem":"p","visibility":"secret"}""", "visibility" },
            { """{"title":"t","problem":"p","language":"fr"}""", "language" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task An_invalid_field_is_a_400_that_names_it(string json, string field)
    {
        using var client = service.ClientFor(_enterprise);

        using var response = await client.PostRawAsync(json);

        Assert.Contains(field, await response.ReadValidationFieldsAsync());
    }

    [Fact]
    public async Task Several_invalid_fields_are_named_together()
    {
        using var client = service.ClientFor(_enterprise);

        using var response = await client.PostRawAsync("""{"title":"","problem":"","minTrl":12,"visibility":"everyone"}""");

        var fields = await response.ReadValidationFieldsAsync();
        Assert.Equal(["minTrl", "problem", "title", "visibility"], fields.Order());
    }

    [Theory]
    [InlineData("""{"title":"t","problem":""")]
    [InlineData("""not json at all""")]
    [InlineData("""[1,2,3]""")]
    public async Task Malformed_json_is_a_400_not_a_500(string json)
    {
        using var client = service.ClientFor(_enterprise);

        using var response = await client.PostRawAsync(json);

        Assert.NotEmpty(await response.ReadValidationFieldsAsync());
    }

    [Fact]
    public async Task An_empty_body_is_a_400_not_a_500()
    {
        using var client = service.ClientFor(_enterprise);

        using var response = await client.PostRawAsync("");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("organisationId")]
    [InlineData("status")]
    [InlineData("createdBy")]
    public async Task An_unknown_field_is_refused_with_a_400_naming_it(string field)
    {
        using var client = service.ClientFor(_enterprise);

        using var response = await client.PostRawAsync($$"""{"title":"t","problem":"p","{{field}}":"{{Guid.NewGuid()}}"}""");

        var fields = await response.ReadValidationFieldsAsync();
        Assert.Contains(fields, f => f.Contains(field, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deadline_today_is_accepted()
    {
        using var client = service.ClientFor(_enterprise);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using var response = await client.PostNeedAsync(new { title = "t", problem = "p", deadline = today });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData(Roles.University)]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.Admin)]
    public async Task Only_an_enterprise_may_post_a_need(string role)
    {
        using var client = service.ClientFor(TestUsers.New(role));

        using var response = await client.PostNeedAsync(FullNeed("Not an enterprise"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Every_endpoint_answers_401_without_a_token()
    {
        using var owner = service.ClientFor(_enterprise);
        var id = await owner.PostNeedExpectingCreatedAsync(FullNeed("Needs a token"));
        using var anonymous = service.AnonymousClient();

        using var post = await anonymous.PostNeedAsync(FullNeed("No token"));
        using var get = await anonymous.GetNeedAsync(id);
        using var list = await anonymous.ListNeedsAsync();
        using var put = await anonymous.PutNeedAsync(id, FullNeed("No token"));
        using var close = await anonymous.CloseNeedAsync(id);

        Assert.All([post, get, list, put, close], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        using var after = await owner.GetNeedAsync(id);
        Assert.Equal("open", (await after.ReadJsonAsync()).GetProperty("status").GetString());
    }
}
