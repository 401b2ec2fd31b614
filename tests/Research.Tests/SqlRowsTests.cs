using Dapper;
using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Storage;
using Matchmaking.Testing;
using Xunit;

namespace Matchmaking.Research.Tests;

/// <summary>
/// The shared many-rows helper (<see cref="SqlRows"/>) on both dialects: rows and membership lists written and read
/// back the same on SQLite and PostgreSQL, and on PostgreSQL one statement text for any number of rows, prepared by
/// Npgsql once it repeats.
/// </summary>
public sealed class SqlRowsTests : IDisposable
{
    // The SQLite database's folder, removed after the test.
    private readonly string _folder = Directory.CreateTempSubdirectory("sqlrows-").FullName;

    private const string Table = """
        CREATE TABLE items (
            id text PRIMARY KEY,
            name text NULL,
            rank integer NULL,
            score double precision NOT NULL,
            at text NOT NULL
        )
        """;

    private sealed record Item(Guid Id, string? Name, int? Rank, double Score, DateTimeOffset At);

    private sealed class Row
    {
        public string Id { get; init; } = "";

        public string? Name { get; init; }

        public long? Rank { get; init; }

        public double Score { get; init; }

        public string At { get; init; } = "";
    }

    public static TheoryData<string> Dialects => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Rows_and_membership_lists_round_trip_with_ids_instants_and_columns_null_in_every_row(string dialect)
    {
        var database = await DatabaseAsync(dialect);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(Table);
        var at = new DateTimeOffset(2026, 11, 27, 8, 30, 0, TimeSpan.FromHours(8));
        // Name and Rank are null in every row: their column types still come from the row tuple.
        var items = Enumerable.Range(0, 250).Select(i => new Item(Guid.NewGuid(), null, null, i / 4.0, at.AddSeconds(i))).ToList();

        foreach (var chunk in items.Chunk(SqlRows.RowsPerStatement(5)))
        {
            var parameters = new DynamicParameters();
            var rows = SqlRows.Rows(connection, chunk, parameters, item => (item.Id, item.Name, item.Rank, item.Score, item.At));
            await connection.ExecuteAsync($"INSERT INTO items (id, name, rank, score, at) {rows}", parameters);
        }

        var wanted = items.Where((_, i) => i % 3 == 0).Select(item => item.Id).ToList();
        var query = new DynamicParameters();
        var read = (await connection.QueryAsync<Row>(
            $"SELECT id AS Id, name AS Name, rank AS Rank, score AS Score, at AS At FROM items WHERE id {SqlRows.In(connection, wanted, query)}",
            query)).ToDictionary(row => row.Id);

        Assert.Equal(wanted.Count, read.Count);
        foreach (var item in items.Where(item => wanted.Contains(item.Id)))
        {
            var row = read[item.Id.ToString("D")];
            Assert.Null(row.Name);
            Assert.Null(row.Rank);
            Assert.Equal(item.Score, row.Score);
            Assert.Equal(DapperTypeHandlers.Format(item.At), row.At);
        }
    }

    [Fact]
    public async Task On_postgres_a_statement_has_one_text_for_any_number_of_rows_and_is_prepared_once_it_repeats()
    {
        var database = await DatabaseAsync("postgres");
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(Table);
        var texts = new HashSet<string>();
        for (var batch = 1; batch <= 8; batch++)
        {
            var items = Enumerable.Range(0, batch * 7).Select(i => new Item(Guid.NewGuid(), $"n{i}", i, i, DateTimeOffset.UtcNow)).ToList();
            var parameters = new DynamicParameters();
            var sql = $"INSERT INTO items (id, name, rank, score, at) {SqlRows.Rows(connection, items, parameters, item => (item.Id, item.Name, item.Rank, item.Score, item.At))}";
            texts.Add(sql);
            Assert.Equal(items.Count, await connection.ExecuteAsync(sql, parameters));
        }

        Assert.Single(texts);
        var prepared = await connection.QueryAsync<string>("SELECT statement FROM pg_prepared_statements");
        Assert.Contains(prepared, statement => statement.StartsWith("INSERT INTO items", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<ServiceDatabase> DatabaseAsync(string dialect)
    {
        DapperTypeHandlers.Register();
        return dialect == "postgres"
            ? new ResearchDatabase(new DatabaseSettings(DatabaseProvider.Postgres, await PostgresServer.CreateDatabaseAsync("sqlrows")))
            : new ResearchDatabase(new DatabaseSettings(DatabaseProvider.Sqlite,
                $"Data Source={Path.Combine(_folder, "items.db")}"));
    }
}
