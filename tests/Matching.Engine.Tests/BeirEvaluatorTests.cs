namespace Matchmaking.Matching.Engine.Tests;

public sealed class BeirEvaluatorTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"matching-beir-tests-{Guid.NewGuid():N}");

    public BeirEvaluatorTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllLines(Path.Combine(_folder, "corpus.jsonl"),
        [
            """{"_id": "d1", "title": "Conformal cooling", "text": "Cooling channels reduce warpage in injection moulds.", "metadata": {}}""",
            """{"_id": "d2", "title": "Battery management", "text": "State of charge estimation for lithium cells.", "metadata": {}}""",
            """{"_id": "d3", "title": "注塑模具冷却", "text": "随形冷却水路减少翘曲。", "metadata": {}}""",
            """{"_id": "1", "title": "Solder inspection", "text": "Optical inspection of solder joints.", "metadata": {}}""",
        ]);
        File.WriteAllLines(Path.Combine(_folder, "queries.jsonl"),
        [
            """{"_id": "q1", "text": "warpage of moulded parts"}""",
            """{"_id": "q2", "text": "lithium battery charge"}""",
            """{"_id": "q3", "text": "模具冷却"}""",
            """{"_id": "1", "text": "solder joint inspection"}""",
            """{"_id": "q5", "text": "a query with only irrelevant judgements"}""",
            """{"_id": "q6", "text": "a query with no judgements at all"}""",
        ]);
        File.WriteAllLines(Path.Combine(_folder, "qrels.tsv"),
        [
            "query-id\tcorpus-id\tscore",
            "q1\td1\t2",
            "q2\td2\t1",
            "q3\td3\t1",
            "1\t1\t1",
            "q5\td2\t0",
        ]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_evaluator_scores_a_tiny_BEIR_set_end_to_end_and_leaves_nothing_behind()
    {
        var before = TempIndexFolders();
        var lines = new List<string>();

        var result = BeirEvaluator.Evaluate(
            Path.Combine(_folder, "corpus.jsonl"),
            Path.Combine(_folder, "queries.jsonl"),
            Path.Combine(_folder, "qrels.tsv"),
            progress: lines.Add,
            cancellationToken: TestContext.Current.CancellationToken);

        // A query and a document may share an id ("1") without the query excluding its own answer.
        Assert.Equal(4, result.Queries);
        Assert.Equal(1.0, result.NdcgAt10, precision: 9);
        Assert.Equal(1.0, result.RecallAt100, precision: 9);
        Assert.Equal(1.0, result.MrrAt10, precision: 9);
        Assert.True(result.QueriesPerSecond > 0);
        Assert.True(result.IndexedPerSecond > 0);
        Assert.NotEmpty(lines);
        Assert.Equal(before, TempIndexFolders());
    }

    [Fact]
    public void Beir_ids_map_to_the_same_guid_every_time()
    {
        Assert.Equal(BeirEvaluator.ToGuid("4983"), BeirEvaluator.ToGuid("4983"));
        Assert.NotEqual(BeirEvaluator.ToGuid("4983"), BeirEvaluator.ToGuid("4984"));
    }

    private static string[] TempIndexFolders() =>
        Directory.GetDirectories(Path.GetTempPath(), "matchmaking-beir-*").Order().ToArray();
}
