using Dapper;

namespace Matchmaking.ServiceDefaults.Storage;

/// <summary>
/// Many rows or values in one statement, with a parameter each, in SQL both dialects read: a multi-row <c>VALUES</c>
/// list, or the list of an <c>IN</c>. (Dapper would pass a list to Npgsql as one array parameter but expand it for
/// SQLite, so a list parameter cannot be written once for both.) One statement instead of one per row saves a round
/// trip and a statement execution per row on the hot paths.
/// </summary>
public static class SqlRows
{
    /// <summary>
    /// Parameters one statement should carry at most. Microsoft.Data.Sqlite binds each parameter by a search over the
    /// statement's parameters, so binding grows with the square of their number (11,000 took tens of seconds).
    /// </summary>
    public const int ParametersPerStatement = 1000;

    /// <summary>How many rows of <paramref name="columns"/> values to put in one statement.</summary>
    public static int RowsPerStatement(int columns) => Math.Max(1, ParametersPerStatement / columns);

    /// <summary>
    /// <c>(@r0c0, @r0c1, …), (@r1c0, …)</c> for <paramref name="rows"/>, each row's values from <paramref name="columns"/>
    /// in the order of the statement's column list, added to <paramref name="parameters"/>.
    /// </summary>
    public static string Values<T>(IReadOnlyList<T> rows, DynamicParameters parameters, Func<T, object?[]> columns, string prefix = "r")
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        var sql = new System.Text.StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var values = columns(rows[i]);
            sql.Append(i == 0 ? "(" : ",\n(");
            for (var j = 0; j < values.Length; j++)
            {
                var name = $"{prefix}{i}c{j}";
                parameters.Add(name, values[j]);
                sql.Append(j == 0 ? "@" : ", @").Append(name);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }

    /// <summary><c>@v0, @v1, …</c> for <paramref name="values"/>, added to <paramref name="parameters"/>: the inside of an <c>IN (…)</c>.</summary>
    public static string List<T>(IReadOnlyList<T> values, DynamicParameters parameters, string prefix = "v")
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            parameters.Add($"{prefix}{i}", values[i]);
        }

        return string.Join(", ", values.Select((_, i) => $"@{prefix}{i}"));
    }
}
