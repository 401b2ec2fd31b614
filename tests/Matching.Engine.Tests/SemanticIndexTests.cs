using Matchmaking.Matching.Engine.Semantic;

namespace Matchmaking.Matching.Engine.Tests;

// The real model (all-MiniLM-L6-v2 on ONNX Runtime) on a real on-disk index, with a handful of short texts.
public sealed class SemanticIndexTests : IDisposable
{
    private readonly TempIndex _temp = new(new MatchingEngineOptions { Semantic = true });

    private LuceneListingIndex Index => _temp.Index;

    public void Dispose() => _temp.Dispose();

    private static Listing Cooling() => Listings.Technology(
        "Conformal cooling channels for injection moulds",
        "Printed mould inserts whose cooling channels follow the part, so housings cool evenly and do not warp.");

    private static Listing Battery() => Listings.Technology(
        "Battery state of charge estimation",
        "A Kalman filter estimates the charge left in lithium cells of injection moulding robots.");

    private static Listing ChineseCooling() => Listings.Technology(
        "隨形冷卻水路注塑模具",
        "金屬打印模具鑲件，冷卻水路貼合產品，外殼冷卻均勻唔會翹曲。injection moulding",
        language: "zh-Hant");

    private static Listing WarpNeed() => Listings.Need(
        "Moulded housings bend after cooling",
        "Our injection moulding housings come out of the mould bent and uneven after they cool down.");

    [Fact]
    public void A_background_embedded_listing_gets_the_signal_and_a_Chinese_one_through_its_gloss()
    {
        var cancellation = Deadline();
        var (cooling, battery, chinese, need) = (Cooling(), Battery(), ChineseCooling(), WarpNeed());
        Index.UpsertMany([cooling, battery, chinese]);
        Index.EmbedAhead([need]);
        Index.WaitUntilEmbedded(cancellationToken: cancellation);

        var status = Index.SemanticStatus!;
        Assert.Equal(0, status.Failed);
        Assert.Equal(4, status.Stored); // the two English technologies, the need, and the Chinese technology's gloss

        var candidates = Index.Match(need, 10);

        var coolingCandidate = Assert.Single(candidates, c => c.Id == cooling.Id);
        var coolingFit = coolingCandidate.Features.Semantic;
        var batteryFit = Assert.Single(candidates, c => c.Id == battery.Id).Features.Semantic;
        var chineseCandidate = Assert.Single(candidates, c => c.Id == chinese.Id);
        Assert.NotNull(coolingFit);
        Assert.NotNull(batteryFit);
        Assert.True(coolingFit.Embedded);
        Assert.Equal(1.0, coolingFit.Value, precision: 9); // closest in meaning of the candidates
        Assert.True(batteryFit.Cosine < coolingFit.Cosine);
        Assert.True(chineseCandidate.Features.Semantic!.Embedded);
        Assert.True(chineseCandidate.Features.Semantic.Cosine > batteryFit.Cosine); // its gloss is about cooling moulds
        Assert.True(candidates.ToList().FindIndex(c => c.Id == cooling.Id) < candidates.ToList().FindIndex(c => c.Id == battery.Id));

        Assert.Equal(coolingFit.Contribution, coolingCandidate.Explanation.Features[SemanticFusion.FeatureName], precision: 9);
        Assert.Contains("Close in meaning (sentence similarity", coolingCandidate.Explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("dictionary gloss of the Chinese", chineseCandidate.Explanation.Summary, StringComparison.Ordinal);
        Assert.All(candidates, c => Assert.Equal(c.Score, c.Explanation.Features.Values.Sum(), precision: 9));
    }

    [Fact]
    public void A_Chinese_listing_being_matched_gets_the_signal_through_its_gloss()
    {
        var cancellation = Deadline();
        var (cooling, battery) = (Cooling(), Battery());
        Index.UpsertMany([cooling, battery]);
        var chineseNeed = Listings.Need("外殼冷卻後變形", "我哋啤嘅外殼冷卻之後變形 injection moulding", language: "zh-Hant");
        Index.EmbedAhead([chineseNeed]);
        Index.WaitUntilEmbedded(cancellationToken: cancellation);
        Assert.Equal(3, Index.SemanticStatus!.Stored);

        var candidates = Index.Match(chineseNeed, 10);

        var coolingFit = Assert.Single(candidates, c => c.Id == cooling.Id).Features.Semantic;
        var batteryFit = Assert.Single(candidates, c => c.Id == battery.Id).Features.Semantic;
        Assert.NotNull(coolingFit);
        Assert.NotNull(batteryFit);
        Assert.True(coolingFit.Cosine > batteryFit.Cosine);
        Assert.Contains("dictionary gloss of the Chinese", Assert.Single(candidates, c => c.Id == cooling.Id).Explanation.Summary, StringComparison.Ordinal);
        Assert.All(candidates, c => Assert.Equal(c.Score, c.Explanation.Features.Values.Sum(), precision: 9));
    }

    [Fact]
    public void A_Chinese_listing_written_before_its_vector_exists_ranks_by_text_and_is_embedded_in_the_background()
    {
        var cancellation = Deadline();
        Index.UpsertMany([Cooling(), Battery()]);
        Index.WaitUntilEmbedded(cancellationToken: cancellation);
        var chineseNeed = Listings.Need("外殼冷卻後變形", "我哋啤嘅外殼冷卻之後變形 injection moulding", language: "zh-Hant");

        // Not embedded ahead: the match does not wait for the model, and queues the gloss for the next match.
        var first = Index.Match(chineseNeed, 10);
        Assert.NotEmpty(first);
        Assert.All(first, c => Assert.Null(c.Features.Semantic));

        Index.WaitUntilEmbedded(cancellationToken: cancellation);
        Assert.Equal(3, Index.SemanticStatus!.Stored);
        Assert.All(Index.Match(chineseNeed, 10), c => Assert.NotNull(c.Features.Semantic));
    }

    [Fact]
    public void Vectors_outlive_the_index_instance_and_are_not_computed_again()
    {
        var cancellation = Deadline();
        Index.UpsertMany([Cooling()]);
        Index.WaitUntilEmbedded(cancellationToken: cancellation);
        Assert.Equal(1, Index.SemanticStatus!.Stored);

        _temp.Reopen();

        Assert.Equal(new SemanticStatus(0, 1, 0, null), Index.SemanticStatus);
    }

    private static CancellationToken Deadline()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromMinutes(2));
        return source.Token;
    }
}
