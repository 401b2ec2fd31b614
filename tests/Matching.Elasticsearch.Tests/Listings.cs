using Matchmaking.Matching.Engine;

namespace Matchmaking.Matching.Elasticsearch.Tests;

internal static class Listings
{
    public static readonly Guid University = Guid.Parse("11111111-1111-1111-1111-111111111111");
    public static readonly Guid Manufacturer = Guid.Parse("22222222-2222-2222-2222-222222222222");
    public static readonly Guid OtherManufacturer = Guid.Parse("33333333-3333-3333-3333-333333333333");

    private static int s_clock;

    public static Listing Technology(
        string title, string body, string[]? keywords = null, string? sector = "advanced-manufacturing", int? trl = 5,
        bool open = true, Guid? organisation = null, string language = "en") => new(
        Guid.NewGuid(), ListingKind.Technology, organisation ?? University, title, body, keywords ?? [], sector, trl, language,
        ListingVisibility.Public, open, NextTime());

    public static Listing Need(
        string title, string body, string[]? keywords = null, string? sector = "advanced-manufacturing", int? minTrl = 4,
        string visibility = ListingVisibility.Public, bool open = true, Guid? organisation = null, string language = "en") => new(
        Guid.NewGuid(), ListingKind.Need, organisation ?? Manufacturer, title, body, keywords ?? [], sector, minTrl, language,
        visibility, open, NextTime());

    // Strictly increasing timestamps (in +08:00, to check offsets survive), so "newest first" has one right answer.
    private static DateTimeOffset NextTime() =>
        new DateTimeOffset(2025, 1, 1, 8, 0, 0, TimeSpan.FromHours(8)).AddMinutes(Interlocked.Increment(ref s_clock));
}
