using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;

namespace Matchmaking.ServiceDefaults.Storage;

/// <summary>
/// Many rows or values in one statement, on either dialect. On PostgreSQL each column travels as one array parameter
/// (<c>unnest</c>, <c>= ANY</c>), so a statement has one text whatever the number of rows: the server parses and plans
/// it once per connection (Npgsql prepares a statement it sees repeated, see <see cref="ServiceDatabase"/>) and the
/// client binds a few parameters instead of hundreds. On SQLite, which has no arrays, the rows are a multi-row
/// <c>VALUES</c> list and the values an <c>IN</c> list, with a parameter each. One statement instead of one per row
/// saves a round trip and a statement execution per row on the hot paths.
/// </summary>
public static class SqlRows
{
    /// <summary>
    /// Parameters one SQLite statement should carry at most. Microsoft.Data.Sqlite binds each parameter by a search over
    /// the statement's parameters, so binding grows with the square of their number (11,000 took tens of seconds).
    /// </summary>
    public const int ParametersPerStatement = 1000;

    /// <summary>How many rows of <paramref name="columns"/> values to put in one statement.</summary>
    public static int RowsPerStatement(int columns) => Math.Max(1, ParametersPerStatement / columns);

    /// <summary>
    /// The rows of a batch upsert: one per key, the newest (PostgreSQL's <c>ON CONFLICT DO UPDATE</c> may not update a
    /// row twice in one statement), in key order, so concurrent batches lock the rows they share in the same order.
    /// </summary>
    public static List<T> NewestPerKey<T, TKey, TOrder>(IEnumerable<T> items, Func<T, TKey> key, Func<T, TOrder> newness)
        where TKey : notnull =>
        items.GroupBy(key).Select(group => group.MaxBy(newness)!).OrderBy(key).ToList();

    /// <summary>
    /// The source of an <c>INSERT INTO table (columns) …</c>: <paramref name="rows"/>, each row's values from
    /// <paramref name="columns"/> (a tuple, in the order of the statement's column list), added to
    /// <paramref name="parameters"/>. On PostgreSQL <c>SELECT * FROM unnest(@r0, @r1, …)</c> with an array per column,
    /// typed by the tuple's element types (so a column that is null in every row still has its type); on SQLite
    /// <c>VALUES (@r0c0, @r0c1, …), (@r1c0, …)</c>.
    /// </summary>
    public static string Rows<T, TRow>(
        DbConnection connection, IReadOnlyList<T> rows, DynamicParameters parameters, Func<T, TRow> columns, string prefix = "r")
        where TRow : struct, ITuple
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        if (connection is NpgsqlConnection)
        {
            var types = TupleTypes(typeof(TRow));
            var arrays = types.Select(type => Array.CreateInstance(ArrayElement(type), rows.Count)).ToArray();
            for (var i = 0; i < rows.Count; i++)
            {
                var row = columns(rows[i]);
                for (var j = 0; j < arrays.Length; j++)
                {
                    arrays[j].SetValue(Portable(row[j]), i);
                }
            }

            for (var j = 0; j < arrays.Length; j++)
            {
                parameters.Add($"{prefix}{j}", arrays[j]);
            }

            return $"SELECT * FROM unnest({string.Join(", ", arrays.Select((_, j) => $"@{prefix}{j}"))})";
        }

        var sql = new System.Text.StringBuilder("VALUES ");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = columns(rows[i]);
            sql.Append(i == 0 ? "(" : ",\n(");
            for (var j = 0; j < row.Length; j++)
            {
                var name = $"{prefix}{i}c{j}";
                parameters.Add(name, row[j]);
                sql.Append(j == 0 ? "@" : ", @").Append(name);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }

    /// <summary>
    /// A membership test of <paramref name="values"/> for <c>WHERE column …</c>, added to <paramref name="parameters"/>:
    /// <c>= ANY(@v)</c> with one array on PostgreSQL, <c>IN (@v0, @v1, …)</c> on SQLite.
    /// </summary>
    public static string In<T>(DbConnection connection, IReadOnlyList<T> values, DynamicParameters parameters, string prefix = "v")
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        if (connection is NpgsqlConnection)
        {
            var array = Array.CreateInstance(ArrayElement(typeof(T)), values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                array.SetValue(Portable(values[i]), i);
            }

            parameters.Add(prefix, array);
            return $"= ANY(@{prefix})";
        }

        for (var i = 0; i < values.Count; i++)
        {
            parameters.Add($"{prefix}{i}", values[i]);
        }

        return $"IN ({string.Join(", ", values.Select((_, i) => $"@{prefix}{i}"))})";
    }

    // The element types of a value tuple, the eighth and later ones from its nested rest tuple.
    private static Type[] TupleTypes(Type tuple)
    {
        var arguments = tuple.GetGenericArguments();
        return arguments.Length == 8 ? [.. arguments[..7], .. TupleTypes(arguments[7])] : arguments;
    }

    // What a column of the given CLR type travels as in a PostgreSQL array: ids, instants and dates as the text
    // DapperTypeHandlers store them as; numbers as nullable numbers, so a null fits in any column.
    private static Type ArrayElement(Type type)
    {
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        if (bare == typeof(string) || bare == typeof(Guid) || bare == typeof(DateTimeOffset) || bare == typeof(DateOnly))
        {
            return typeof(string);
        }

        if (bare == typeof(int) || bare == typeof(long) || bare == typeof(double) || bare == typeof(bool))
        {
            return typeof(Nullable<>).MakeGenericType(bare);
        }

        throw new NotSupportedException($"A column of {type} cannot be sent as a PostgreSQL array; add it to SqlRows.");
    }

    private static object? Portable(object? value) => value switch
    {
        Guid id => id.ToString("D"),
        DateTimeOffset instant => DapperTypeHandlers.Format(instant),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => value,
    };
}
