using System.Globalization;
using System.Text.Json;
using Dapper;
using Matchmaking.Matching.Engine;
using Microsoft.Extensions.Options;

namespace Matchmaking.Matching.Api.Features;

/// <summary>
/// Learns the ranking weights from staff feedback: every verdict on a suggestion is a labelled example of the
/// features that suggestion was scored on. A logistic regression fits the weights as corrections to the defaults,
/// penalised towards zero, so a few verdicts nudge the ranking and many can reshape it; with too little feedback (or
/// only one kind of verdict) the defaults stand. The result is kept in the Matching database and handed to the index.
/// </summary>
public static class LearnRankingWeights
{
    /// <summary>Fewer verdicts than this teach nothing reliable; the defaults stay.</summary>
    public const int MinimumExamples = 8;

    // How sharply a score difference turns into a probability of relevance: a full text-score unit is a strong
    // signal (logit 4), so a weight of 0.1 moves the odds noticeably without dominating.
    private const double Sharpness = 4.0;

    // The pull towards the defaults (L2 on the corrections, per example): strong enough that a handful of
    // verdicts cannot invert the ranking, weak enough that a consistent pattern shows.
    private const double Prior = 0.02;

    private const int Iterations = 400;
    private const double LearningRate = 0.5;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>The learned weights and how many verdicts they came from; the defaults with zero examples when none were learned.</summary>
    public sealed record Result(RankingWeights Weights, int Examples, bool Learned);

    /// <summary>Retrains from every verdict, stores the weights and applies them to the index.</summary>
    public static async Task<Result> HandleAsync(MatchingDatabase database, IListingIndex index, RankingWeights defaults, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(defaults);

        List<(double[] Features, bool Relevant)> examples;
        await using (var connection = await database.OpenAsync(ct))
        {
            var rows = await connection.QueryAsync<FeedbackRow>(new CommandDefinition(
                """
                SELECT f.verdict AS Verdict, m.features AS Features
                FROM feedback f
                JOIN matches m ON m.match_id = f.match_id
                WHERE m.features IS NOT NULL
                ORDER BY f.created_at, f.id
                """,
                cancellationToken: ct));
            examples = rows
                .Select(row => (Features: ParseFeatures(row.Features), Relevant: row.Verdict == GiveFeedback.Relevant))
                .Where(example => example.Features is not null)
                .Select(example => (example.Features!, example.Relevant))
                .ToList();
        }

        var result = Train(examples, defaults);
        await database.WriteAsync(async (connection, transaction) =>
        {
            if (!result.Learned)
            {
                await connection.ExecuteAsync("DELETE FROM ranking_weights WHERE id = 1", transaction: transaction);
                return 0;
            }

            return await connection.ExecuteAsync(
                """
                INSERT INTO ranking_weights (id, weights, examples, trained_at)
                VALUES (1, @Weights, @Examples, @TrainedAt)
                ON CONFLICT (id) DO UPDATE SET
                    weights = excluded.weights,
                    examples = excluded.examples,
                    trained_at = excluded.trained_at
                """,
                new
                {
                    Weights = JsonSerializer.Serialize(result.Weights.ToArray(), s_json),
                    result.Examples,
                    TrainedAt = DateTimeOffset.UtcNow,
                },
                transaction);
        }, ct);

        index.Weights = result.Weights;
        return result;
    }

    /// <summary>The stored weights, or null when none were learned yet.</summary>
    public static async Task<RankingWeights?> LoadAsync(MatchingDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var stored = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT weights AS Weights FROM ranking_weights WHERE id = 1", cancellationToken: ct));
        return stored is not null && ParseFeatures(stored) is { } weights ? RankingWeights.FromArray(weights) : null;
    }

    /// <summary>
    /// Fits weights = defaults + corrections by logistic regression on (features, verdict), the corrections
    /// penalised towards zero. The shared-word weight stays positive: the ranking must rest on what the listings say.
    /// </summary>
    public static Result Train(IReadOnlyList<(double[] Features, bool Relevant)> examples, RankingWeights defaults)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(defaults);
        var positives = examples.Count(e => e.Relevant);
        if (examples.Count < MinimumExamples || positives == 0 || positives == examples.Count)
        {
            return new Result(defaults, examples.Count, Learned: false);
        }

        var baseline = defaults.ToArray();
        var dimensions = baseline.Length;
        var corrections = new double[dimensions];
        var bias = 0.0;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var gradient = new double[dimensions];
            var biasGradient = 0.0;
            foreach (var (features, relevant) in examples)
            {
                var score = bias;
                for (var i = 0; i < dimensions; i++)
                {
                    score += Sharpness * (baseline[i] + corrections[i]) * features[i];
                }

                var error = Sigmoid(score) - (relevant ? 1 : 0);
                biasGradient += error;
                for (var i = 0; i < dimensions; i++)
                {
                    gradient[i] += error * Sharpness * features[i];
                }
            }

            bias -= LearningRate * biasGradient / examples.Count;
            for (var i = 0; i < dimensions; i++)
            {
                corrections[i] -= LearningRate * ((gradient[i] / examples.Count) + (Prior * corrections[i]));
            }
        }

        var learned = new double[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            learned[i] = Math.Round(baseline[i] + corrections[i], 6);
        }

        learned[0] = Math.Max(learned[0], 0.05);
        return new Result(RankingWeights.FromArray(learned), examples.Count, Learned: true);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double[]? ParseFeatures(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var values = JsonSerializer.Deserialize<double[]>(json, s_json);
            return values is not null && values.Length == RankingFeatures.Names.Count && values.All(double.IsFinite) ? values : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class FeedbackRow
    {
        public string Verdict { get; init; } = "";

        public string? Features { get; init; }
    }
}

/// <summary>
/// Keeps the index's ranking weights in step with the database: loads the learned ones at start, and retrains now and
/// then, so verdicts recorded by another instance or by the seeder are learned too. Feedback through the API retrains
/// at once (<see cref="GiveFeedback"/>).
/// </summary>
public sealed class RankingWeightsRefresher(
    MatchingDatabase database, IListingIndex index, IOptions<MatchingOptions> options, ILogger<RankingWeightsRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RankingRefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await LearnRankingWeights.HandleAsync(database, index, RankingWeights.Default, stoppingToken);
                if (result.Learned)
                {
                    logger.LogInformation(
                        "Ranking weights learned from {Examples} verdicts: {Weights}",
                        result.Examples,
                        string.Join(", ", RankingFeatures.Names.Zip(result.Weights.ToArray(), (name, weight) => string.Create(CultureInfo.InvariantCulture, $"{name} {weight:F3}"))));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The weights in use stay; the next round tries again.
                logger.LogWarning(exception, "Could not refresh the ranking weights");
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
