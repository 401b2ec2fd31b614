using Matchmaking.Matching.Engine.Semantic;

namespace Matchmaking.Matching.Engine.Tests;

public sealed class SemanticFusionTests
{
    private static readonly float[] s_query = [1, 0, 0];

    [Fact]
    public void Without_a_vector_for_the_listing_nothing_is_fused()
    {
        Assert.Null(SemanticFusion.Fuse(null, [[1, 0, 0]], [1.0], weight: 1));
    }

    [Fact]
    public void Without_a_vector_for_any_candidate_nothing_is_fused()
    {
        Assert.Null(SemanticFusion.Fuse(s_query, [null, null], [1.0, 0.5], weight: 1));
    }

    [Fact]
    public void A_weight_of_zero_turns_fusion_off()
    {
        Assert.Null(SemanticFusion.Fuse(s_query, [[1, 0, 0]], [1.0], weight: 0));
    }

    [Fact]
    public void Similarity_counts_as_a_share_of_the_closest_candidates_times_the_weight()
    {
        // Cosines 0.8 and 0.4 (the vectors need not be unit length); shares 1 and 0.5.
        var fits = SemanticFusion.Fuse(s_query, [[0.8f, 0.6f, 0], [2, 0, 4.5825757f]], [1.0, 0.9], weight: 2)!;

        Assert.Equal(0.8, fits[0].Cosine!.Value, precision: 5);
        Assert.Equal(0.4, fits[1].Cosine!.Value, precision: 5);
        Assert.Equal(1.0, fits[0].Value, precision: 9);
        Assert.Equal(0.5, fits[1].Value, precision: 5);
        Assert.Equal(2.0, fits[0].Contribution, precision: 9);
        Assert.Equal(1.0, fits[1].Contribution, precision: 5);
        Assert.All(fits, fit => Assert.True(fit.Embedded));
    }

    [Fact]
    public void A_candidate_opposite_in_meaning_gains_nothing_rather_than_losing()
    {
        var fits = SemanticFusion.Fuse(s_query, [[1, 0, 0], [-1, 0, 0]], [1.0, 1.0], weight: 1)!;

        Assert.Equal(-1, fits[1].Cosine!.Value, precision: 9);
        Assert.Equal(0, fits[1].Contribution);
    }

    [Fact]
    public void A_candidate_without_a_vector_gains_its_score_share_so_it_keeps_its_place()
    {
        // Two candidates with equal scores: one closest in meaning, one without a vector (e.g. written in Chinese).
        // Neither may overtake the other for having or lacking a vector; a weaker one stays behind both.
        var scores = new[] { 1.0, 1.0, 0.5 };
        var fits = SemanticFusion.Fuse(s_query, [[1, 0, 0], null, null], scores, weight: 1)!;

        Assert.False(fits[1].Embedded);
        Assert.Null(fits[1].Cosine);
        Assert.Equal(1.0, fits[1].Value, precision: 9);
        Assert.Equal(0.5, fits[2].Value, precision: 9);
        var fused = scores.Select((score, i) => score + fits[i].Contribution).ToArray();
        Assert.Equal(fused[0], fused[1], precision: 9);
        Assert.True(fused[2] < fused[1]);
    }

    [Fact]
    public void Meaning_can_overtake_a_slightly_better_text_match()
    {
        var scores = new[] { 1.0, 0.9 };
        var fits = SemanticFusion.Fuse(s_query, [[0.3f, 0.954f, 0], [1, 0, 0]], scores, weight: 1)!;

        Assert.True(scores[1] + fits[1].Contribution > scores[0] + fits[0].Contribution);
    }

    [Fact]
    public void The_explanation_lists_the_semantic_contribution_and_still_adds_up()
    {
        var explanation = new MatchExplanation("Matched on 'warpage' in title.", ["warpage"],
            new Dictionary<string, double> { ["title"] = 0.6, ["body"] = 0.4, ["sector"] = 0.1 });
        var fit = new SemanticFit(0.72, 0.9, 0.9);

        var explained = SemanticFusion.Explain(explanation, fit);

        Assert.Equal(0.9, explained.Features[SemanticFusion.FeatureName], precision: 9);
        Assert.Equal(1.1 + 0.9, explained.Features.Values.Sum(), precision: 9);
        Assert.Equal(0.6, explained.Features["title"], precision: 9);
        Assert.Contains("Close in meaning (sentence similarity 0.72)", explained.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_vector_the_explanation_claims_no_semantic_signal_and_still_adds_up()
    {
        var explanation = new MatchExplanation("Matched through 翹曲 → warpage (glossary, plastics).", [],
            new Dictionary<string, double> { ["glossary"] = 0.75, ["sector"] = 0.25 });
        var fit = new SemanticFit(null, 1.0, 1.0);

        var explained = SemanticFusion.Explain(explanation, fit);

        Assert.DoesNotContain(SemanticFusion.FeatureName, explained.Features.Keys);
        Assert.Equal(2.0, explained.Features.Values.Sum(), precision: 9);
        Assert.Equal(1.5, explained.Features["glossary"], precision: 9);
        Assert.Equal(explanation.Summary, explained.Summary);
    }

    [Fact]
    public void Cosine_is_scale_free()
    {
        Assert.Equal(1.0, SemanticFusion.Cosine([1, 2, 3], [2, 4, 6]), precision: 6);
        Assert.Equal(0.0, SemanticFusion.Cosine([1, 0], [0, 5]), precision: 9);
        Assert.Equal(0.0, SemanticFusion.Cosine([0, 0], [1, 1]));
    }
}
