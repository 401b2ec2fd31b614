using Matchmaking.Matching.Api.Features;
using Matchmaking.Matching.Engine;

namespace Matchmaking.Matching.Tests;

public sealed class RankingWeightsTests
{
    // text, glossary, dictionary, symptoms, sector, trl, freshness
    private static readonly double[] s_strongTextOtherSector = [1.0, 0, 0, 0, 0, 1, 0.5];
    private static readonly double[] s_weakerTextSameSector = [0.7, 0, 0, 0, 1, 1, 0.5];

    [Fact]
    public void Too_little_feedback_keeps_the_default_weights()
    {
        var examples = Enumerable.Range(0, LearnRankingWeights.MinimumExamples - 1)
            .Select(i => (i % 2 == 0 ? s_weakerTextSameSector : s_strongTextOtherSector, i % 2 == 0))
            .ToList();

        var result = LearnRankingWeights.Train(examples, RankingWeights.Default);

        Assert.False(result.Learned);
        Assert.Equal(RankingWeights.Default, result.Weights);
    }

    [Fact]
    public void Feedback_of_one_kind_only_keeps_the_default_weights()
    {
        var examples = Enumerable.Range(0, 20).Select(_ => (s_weakerTextSameSector, true)).ToList();

        Assert.False(LearnRankingWeights.Train(examples, RankingWeights.Default).Learned);
    }

    [Fact]
    public void Consistent_verdicts_shift_the_weights_towards_what_staff_prefer()
    {
        var examples = Enumerable.Range(0, 20)
            .Select(i => i % 2 == 0 ? (s_weakerTextSameSector, true) : (s_strongTextOtherSector, false))
            .ToList();

        var result = LearnRankingWeights.Train(examples, RankingWeights.Default);

        Assert.True(result.Learned);
        Assert.Equal(20, result.Examples);
        Assert.True(result.Weights.Sector > RankingWeights.Default.Sector);
        Assert.True(result.Weights.Text > 0);
        var preferred = result.Weights.Score(RankingFeatures.FromArray(s_weakerTextSameSector));
        var rejected = result.Weights.Score(RankingFeatures.FromArray(s_strongTextOtherSector));
        Assert.True(preferred > rejected, $"{preferred} <= {rejected}");
    }
}
