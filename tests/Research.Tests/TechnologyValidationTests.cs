using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;

namespace Matchmaking.Research.Tests;

public abstract class TechnologyValidationTests(ResearchService research) : ResearchTests(research)
{
    /// <summary>
    /// One broken field each: the value is JSON, <c>missing</c> removes the field, <c>text:N</c> is a string of N
    /// characters, <c>list:N</c> a list of N short strings.
    /// </summary>
    public static TheoryData<string, string> InvalidFields => new()
    {
        { "title", "missing" },
        { "title", "\"  \"" },
        { "title", "text:201" },
        { "summary", "missing" },
        { "summary", "text:4001" },
        { "details", "text:20001" },
        { "sector", "missing" },
        { "sector", "\"no-such-sector\"" },
        { "keywords", "list:31" },
        { "keywords", "[\"\"]" },
        { "trl", "0" },
        { "trl", "10" },
        { "ipStatus", "\"pending\"" },
        { "licenceModels", "[\"lease\"]" },
        { "language", "\"fr\"" },
        // A wrong type is a binding failure; it must still come back as a 400 naming the field.
        { "trl", "\"x\"" },
        { "trl", "6.5" },
        // A number in quotes is a string: strict, as the API description's types say.
        { "trl", "\"6\"" },
        { "keywords", "\"one keyword\"" },
        { "title", "42" },
        // Unknown fields are refused, so a client cannot choose its organisation or status.
        { "organisationId", "\"5c1b0a4e-0000-4000-8000-000000000001\"" },
        { "status", "\"withdrawn\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Publishing_with_an_invalid_field_is_a_400_naming_it(string field, string value)
    {
        using var response = await PostAsync(NewUniversity(), With(ValidTechnology(), field, value));

        await AssertValidationProblemAsync(response, field);
    }

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Updating_with_an_invalid_field_is_a_400_naming_it(string field, string value)
    {
        var owner = NewUniversity();
        var technology = await PublishAsync(owner);

        using var response = await PutAsync(owner, technology.Id, With(ValidTechnology(), field, value));

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Patent_numbers_without_a_filed_or_granted_patent_are_refused()
    {
        var body = ValidTechnology();
        body["ipStatus"] = "none";

        using var response = await PostAsync(NewUniversity(), body);

        await AssertValidationProblemAsync(response, "patentNumbers");
    }

    [Fact]
    public async Task Every_invalid_field_is_named_in_one_answer()
    {
        var body = ValidTechnology();
        body["title"] = "";
        body["trl"] = 12;
        body["language"] = "de";

        using var response = await PostAsync(NewUniversity(), body);

        await AssertValidationProblemAsync(response, "title");
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject();
        Assert.Equal(["language", "title", "trl"], errors.Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("{\"title\": \"Conformal cooling\",")]
    [InlineData("{\"title\": }")]
    [InlineData("not json")]
    [InlineData("[]")]
    public async Task A_malformed_body_is_a_400_problem_not_a_500(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await Research.ClientFor(NewUniversity()).PostAsync("/api/technologies", content, Ct);

        await AssertStatusAsync(System.Net.HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject();
        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task An_empty_body_is_a_400_problem_not_a_500()
    {
        using var content = new StringContent("", Encoding.UTF8, "application/json");

        using var response = await Research.ClientFor(NewUniversity()).PostAsync("/api/technologies", content, Ct);

        await AssertStatusAsync(System.Net.HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_rejected_publish_stores_nothing_and_announces_nothing()
    {
        var (technologiesBefore, outboxBefore) = await CountRowsAsync();
        var body = ValidTechnology();
        body["trl"] = 0;

        using var response = await PostAsync(NewUniversity(), body);

        await AssertValidationProblemAsync(response, "trl");
        Assert.Equal((technologiesBefore, outboxBefore), await CountRowsAsync());
    }

    [Fact]
    public async Task Fields_at_their_limits_are_accepted()
    {
        var body = ValidTechnology();
        body["title"] = new string('t', 200);
        body["summary"] = new string('s', 4000);
        body["details"] = new string('d', 20000);
        body["keywords"] = new JsonArray([.. Enumerable.Range(1, 30).Select(i => JsonValue.Create($"keyword {i}"))]);
        body["trl"] = 9;
        body["licenceModels"] = new JsonArray("exclusive", "non-exclusive", "field-of-use", "assignment", "collaboration");

        var technology = await PublishAsync(NewUniversity(), body);

        Assert.Equal(200, technology.Title.Length);
        Assert.Equal(20000, technology.Details!.Length);
        Assert.Equal(30, technology.Keywords.Count);
        Assert.Equal(5, technology.LicenceModels.Count);
    }

    [Fact]
    public async Task Optional_fields_may_be_left_out()
    {
        var body = new JsonObject
        {
            ["title"] = "Bio-based coating for food packaging",
            ["summary"] = "A chitosan coating that keeps oxygen out of paper packaging.",
            ["sector"] = "printing-packaging",
        };

        var technology = await PublishAsync(NewUniversity(), body);

        Assert.Null(technology.Details);
        Assert.Null(technology.Trl);
        Assert.Null(technology.IpStatus);
        Assert.Empty(technology.Keywords);
        Assert.Empty(technology.PatentNumbers);
        Assert.Empty(technology.LicenceModels);
        Assert.Equal("en", technology.Language);
    }

    private async Task<(long Technologies, long Outbox)> CountRowsAsync()
    {
        await using var connection = await Research.Database.OpenAsync(Ct);
        return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM technologies"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages"));
    }

    private static JsonObject With(JsonObject body, string field, string value)
    {
        if (value == "missing")
        {
            body.Remove(field);
        }
        else if (value.StartsWith("text:", StringComparison.Ordinal))
        {
            body[field] = new string('x', int.Parse(value[5..], System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (value.StartsWith("list:", StringComparison.Ordinal))
        {
            var count = int.Parse(value[5..], System.Globalization.CultureInfo.InvariantCulture);
            body[field] = new JsonArray([.. Enumerable.Range(1, count).Select(i => JsonValue.Create($"item {i}"))]);
        }
        else
        {
            body[field] = JsonNode.Parse(value);
        }

        return body;
    }
}

public sealed class TechnologyValidationOnPostgresAndRabbitMq(PostgresAndRabbitMqResearchService research)
    : TechnologyValidationTests(research), IClassFixture<PostgresAndRabbitMqResearchService>;

public sealed class TechnologyValidationOnSqliteAndInMemoryBus(SqliteAndInMemoryResearchService research)
    : TechnologyValidationTests(research), IClassFixture<SqliteAndInMemoryResearchService>;
