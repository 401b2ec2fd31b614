using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine;

/// <summary>Mean metrics over the queries that have at least one relevant document, and the measured speeds.</summary>
/// <param name="QueriesPerSecond">Matching only, single-threaded, after an untimed warm-up: no loading, indexing or scoring of the metrics.</param>
/// <param name="IndexedPerSecond">Corpus documents indexed per second, commit included.</param>
public sealed record EvalResult(double NdcgAt10, double RecallAt100, double MrrAt10, int Queries, double QueriesPerSecond, double IndexedPerSecond);

/// <summary>
/// Runs a BEIR data set through the engine the way the service uses it: the corpus becomes open, public
/// technologies, each query a need, and <see cref="IListingIndex.Match"/> ranks the technologies for it.
/// </summary>
public static class BeirEvaluator
{
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(3);

    private static readonly Guid s_corpusOrganisation = new("6d3c2a3e-6f1b-4a53-9e1c-0f5b8f8e2b10");

    /// <param name="top">How many candidates to ask for per query; Recall@100 needs at least 100.</param>
    /// <param name="progress">Receives a line roughly every tenth of each phase.</param>
    /// <param name="openIndex">Opens an empty index in the given folder; the embedded Lucene index when absent.</param>
    public static EvalResult Evaluate(
        string corpusPath,
        string queriesPath,
        string qrelsPath,
        int top = 100,
        Action<string>? progress = null,
        Func<string, IListingIndex>? openIndex = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        progress ??= _ => { };
        openIndex ??= path => new LuceneListingIndex(path, new MatchingEngineOptions { EmbeddingStorePath = EmbeddingCache });

        var judgements = ReadQrels(qrelsPath);
        var queries = ReadJsonLines(queriesPath)
            .Where(q => judgements.TryGetValue(q.Id, out var graded) && graded.Values.Any(grade => grade > 0))
            .ToList();
        var corpus = ReadJsonLines(corpusPath).ToList();
        progress($"Loaded {corpus.Count} documents, {queries.Count} queries with relevance judgements.");

        var corpusIds = new Dictionary<Guid, string>(corpus.Count);
        foreach (var document in corpus)
        {
            corpusIds[ToGuid(document.Id)] = document.Id;
        }

        var folder = Path.Combine(Path.GetTempPath(), $"matchmaking-beir-{Guid.NewGuid():N}");
        try
        {
            using var index = openIndex(folder);

            var indexing = Stopwatch.StartNew();
            index.UpsertMany(Reporting(corpus.Select(AsTechnology), corpus.Count, "Indexed", "documents", progress, cancellationToken));
            indexing.Stop();
            var indexedPerSecond = corpus.Count / Math.Max(indexing.Elapsed.TotalSeconds, 1e-9);
            progress(string.Create(CultureInfo.InvariantCulture, $"Indexed {corpus.Count} documents in {indexing.Elapsed.TotalSeconds:F1} s ({indexedPerSecond:F0}/s)."));

            // Sentence vectors are computed in the background after indexing, as in the service; the evaluation
            // measures the ranking once they all exist (the queries' too), so it waits for them here.
            if (index is LuceneListingIndex lucene && lucene.SemanticStatus is not null)
            {
                lucene.EmbedAhead(queries.Select(AsNeed));
                var embedding = Stopwatch.StartNew();
                var reported = TimeSpan.FromSeconds(-15);
                lucene.WaitUntilEmbedded(
                    status =>
                    {
                        if (embedding.Elapsed - reported >= TimeSpan.FromSeconds(15))
                        {
                            reported = embedding.Elapsed;
                            progress($"Embedding: {status.Pending} texts to go, {status.Stored} stored.");
                        }
                    },
                    cancellationToken);
                var done = lucene.SemanticStatus;
                progress(string.Create(CultureInfo.InvariantCulture,
                    $"Embedded in {embedding.Elapsed.TotalSeconds:F0} s: {done!.Stored} vectors stored, {done.Failed} failed{(done.LastError is null ? "" : " (" + done.LastError + ")")}."));
            }

            // Untimed: loads the analysers' dictionaries and gives tiered JIT time to optimise the hot paths, so the
            // timing reflects a running service rather than a cold start (a cold pass measured 5x slower).
            index.Match(AsNeed(new BeirText("warm-up", "", "warm-up 预热")), top);
            var warmUp = Stopwatch.StartNew();
            foreach (var query in queries)
            {
                if (warmUp.Elapsed > s_warmUp)
                {
                    break;
                }

                index.Match(AsNeed(query), top);
            }

            var rankings = new List<IReadOnlyList<string>>(queries.Count);
            var searching = Stopwatch.StartNew();
            foreach (var query in Reporting(queries, queries.Count, "Searched", "queries", progress, cancellationToken))
            {
                rankings.Add(index.Match(AsNeed(query), top).Select(c => corpusIds.GetValueOrDefault(c.Id, "")).ToList());
            }

            searching.Stop();
            var queriesPerSecond = queries.Count / Math.Max(searching.Elapsed.TotalSeconds, 1e-9);

            double ndcg = 0, recall = 0, mrr = 0;
            for (var i = 0; i < queries.Count; i++)
            {
                var graded = judgements[queries[i].Id];
                ndcg += RankingMetrics.NdcgAt(10, rankings[i], graded);
                recall += RankingMetrics.RecallAt(100, rankings[i], graded);
                mrr += RankingMetrics.ReciprocalRankAt(10, rankings[i], graded);
            }

            var count = Math.Max(1, queries.Count);
            return new EvalResult(ndcg / count, recall / count, mrr / count, queries.Count, queriesPerSecond, indexedPerSecond);
        }
        finally
        {
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>
    /// Where the evaluation keeps sentence vectors between runs (keyed by model and text, so never stale): embedding
    /// SciFact's 5,183 abstracts takes some 20 minutes on this machine.
    /// </summary>
    public static string EmbeddingCache { get; } = Path.Combine(Path.GetTempPath(), "matchmaking-embeddings");

    /// <summary>The listing id a BEIR corpus id becomes: the MD5 of its UTF-8 bytes, so runs are repeatable.</summary>
    public static Guid ToGuid(string beirId) => new(MD5.HashData(Encoding.UTF8.GetBytes(beirId)));

    // The optional metadata a listing would carry in the service (sector, TRL, language) is passed through, so the
    // structured part of the ranking is measured too; without it those features are neutral for every document.
    private static Listing AsTechnology(BeirText document) => new(
        ToGuid(document.Id),
        ListingKind.Technology,
        s_corpusOrganisation,
        document.Title,
        document.Text,
        [],
        document.Sector,
        document.Trl,
        document.Language ?? LanguageDetector.Detect($"{document.Title} {document.Text}"),
        ListingVisibility.Public,
        Open: true,
        DateTimeOffset.UnixEpoch);

    // Queries live in their own id space, so a query never shares a Guid with (and excludes) a corpus document.
    private static Listing AsNeed(BeirText query) => new(
        ToGuid("query\0" + query.Id),
        ListingKind.Need,
        Guid.Empty,
        query.Title,
        query.Text,
        [],
        query.Sector,
        query.MinTrl ?? query.Trl,
        query.Language ?? LanguageDetector.Detect(query.Text),
        ListingVisibility.Public,
        Open: true,
        DateTimeOffset.UnixEpoch);

    private static IEnumerable<T> Reporting<T>(
        IEnumerable<T> items, int total, string verb, string noun, Action<string> progress, CancellationToken cancellationToken)
    {
        var step = Math.Max(1, (int)Math.Ceiling(total / 10.0));
        var done = 0;
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
            done++;
            if (done % step == 0 && done < total)
            {
                progress($"{verb} {done}/{total} {noun} ({done * 100 / total}%).");
            }
        }
    }

    private sealed record BeirText(string Id, string Title, string Text)
    {
        public string? Sector { get; init; }

        public int? Trl { get; init; }

        public int? MinTrl { get; init; }

        public string? Language { get; init; }
    }

    private static IEnumerable<BeirText> ReadJsonLines(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var metadata = root.TryGetProperty("metadata", out var value) && value.ValueKind == JsonValueKind.Object ? value : default;
            yield return new BeirText(Text(root, "_id"), Text(root, "title"), Text(root, "text"))
            {
                Sector = MetadataText(metadata, "sector"),
                Trl = MetadataNumber(metadata, "trl"),
                MinTrl = MetadataNumber(metadata, "minTrl"),
                Language = MetadataText(metadata, "language") is { } language && LanguageDetector.Supported.Contains(language) ? language : null,
            };
        }
    }

    private static string? MetadataText(JsonElement metadata, string property) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? MetadataNumber(JsonElement metadata, string property) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(property, out var value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Null => "",
                _ => value.GetRawText(),
            }
            : "";

    private static Dictionary<string, Dictionary<string, int>> ReadQrels(string path)
    {
        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var columns = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (columns.Length < 3 || !int.TryParse(columns[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var grade))
            {
                continue; // the header, or a blank line
            }

            if (!qrels.TryGetValue(columns[0], out var graded))
            {
                qrels[columns[0]] = graded = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            graded[columns[1]] = grade;
        }

        return qrels;
    }
}
