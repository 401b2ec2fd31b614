using System.Globalization;
using System.Text.RegularExpressions;
using Matchmaking.Matching.Engine;

namespace Matchmaking.Benchmarks;

/// <summary>
/// Makes any number of realistic listings from the seeds, the same ones for the same seed: each starts from a seed
/// listing (its language, sector and TRL, roughly) and mixes its sentences, keywords and title with those of other
/// seed listings of the same kind and language, so a generated index has the vocabulary, scripts and term statistics
/// of the real thing rather than random words. Not thread-safe: one generator per thread.
/// </summary>
public sealed partial class ListingGenerator
{
    // Connectors a title is cut at, so the head of one title can take the tail of another.
    private static readonly string[] s_titleConnectors = [" for ", " with ", " by ", " after ", " to ", " in ", "：", "，"];

    private static readonly DateTimeOffset s_epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random;
    private readonly SeedCorpus _corpus;
    private readonly Dictionary<ListingKind, IReadOnlyList<SeedListing>> _bases;
    private readonly Dictionary<(ListingKind, string), Pool> _pools;
    private readonly Dictionary<ListingKind, Guid[]> _organisations;

    /// <param name="organisations">How many distinct organisations post each kind (universities, enterprises).</param>
    public ListingGenerator(SeedCorpus corpus, int seed, int organisations = 200)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(organisations, 1);
        _corpus = corpus;
        _random = new Random(seed);
        _bases = Enum.GetValues<ListingKind>().ToDictionary(kind => kind, kind => (IReadOnlyList<SeedListing>)[.. corpus.Listings.Where(l => l.Kind == kind)]);
        _pools = corpus.Listings
            .GroupBy(l => (l.Kind, l.Language))
            .ToDictionary(group => group.Key, group => new Pool([.. group]));
        _organisations = Enum.GetValues<ListingKind>().ToDictionary(kind => kind, _ => Enumerable.Range(0, organisations).Select(_ => NextGuid()).ToArray());
    }

    /// <summary>The next listing of <paramref name="kind"/>: open, with a fresh id.</summary>
    public Listing Next(ListingKind kind)
    {
        var bases = _bases[kind];
        var seed = bases[_random.Next(bases.Count)];
        var pool = _pools[(kind, seed.Language)];

        return new Listing(
            NextGuid(),
            kind,
            Pick(_organisations[kind]),
            Title(seed, pool),
            Body(seed, pool),
            Keywords(seed, pool),
            _random.NextDouble() < 0.8 || _corpus.Sectors.Count == 0 ? seed.Sector : Pick(_corpus.Sectors),
            Trl(kind, seed.Trl),
            seed.Language,
            kind == ListingKind.Technology ? ListingVisibility.Public : Visibility(),
            Open: true,
            s_epoch.AddSeconds(-_random.Next(0, 2 * 365 * 24 * 3600)));
    }

    public IEnumerable<Listing> Generate(ListingKind kind, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count; i++)
        {
            yield return Next(kind);
        }
    }

    /// <summary>
    /// What someone types into the search box: one or two keywords, or the first words of a title, in any of the
    /// seeds' languages.
    /// </summary>
    public string NextSearchQuery()
    {
        var seed = Pick(_corpus.Listings);
        var pool = _pools[(seed.Kind, seed.Language)];
        var roll = _random.NextDouble();
        if (roll < 0.4 && pool.Keywords.Count > 0)
        {
            return Pick(pool.Keywords);
        }

        if (roll < 0.7 && pool.Keywords.Count > 0)
        {
            return $"{Pick(pool.Keywords)} {Pick(pool.Keywords)}";
        }

        return Head(seed.Title);
    }

    private string Title(SeedListing seed, Pool pool)
    {
        if (_random.NextDouble() < 0.5 || pool.Tails.Count == 0)
        {
            return seed.Title;
        }

        return Head(seed.Title) + Pick(pool.Tails);
    }

    private string Body(SeedListing seed, Pool pool)
    {
        // About as long as the seed, mostly its own sentences (a listing stays about one thing), some borrowed.
        var count = Math.Max(1, seed.Sentences.Count + _random.Next(-1, 3));
        var sentences = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var source = _random.NextDouble() < 0.6 && seed.Sentences.Count > 0 ? seed.Sentences : pool.Sentences;
            sentences.Add(VaryNumbers(Pick(source)));
        }

        return string.Join(seed.Language == "en" ? " " : "", sentences);
    }

    private List<string> Keywords(SeedListing seed, Pool pool)
    {
        var count = _random.Next(3, 8);
        var keywords = new List<string>(count);
        for (var i = 0; i < count * 3 && keywords.Count < count; i++)
        {
            var source = _random.NextDouble() < 0.6 && seed.Keywords.Count > 0 ? seed.Keywords : pool.Keywords;
            if (source.Count == 0)
            {
                break;
            }

            var keyword = Pick(source);
            if (!keywords.Contains(keyword, StringComparer.Ordinal))
            {
                keywords.Add(keyword);
            }
        }

        return keywords;
    }

    private int? Trl(ListingKind kind, int? seedTrl)
    {
        // Some needs state no minimum TRL.
        if (kind == ListingKind.Need && _random.NextDouble() < 0.1)
        {
            return null;
        }

        return Math.Clamp((seedTrl ?? 5) + _random.Next(-1, 2), 1, 9);
    }

    private string Visibility() => _random.NextDouble() switch
    {
        < 0.7 => ListingVisibility.Public,
        < 0.9 => ListingVisibility.Anonymous,
        _ => ListingVisibility.StaffOnly,
    };

    /// <summary>Figures differ from one listing to the next ("8%" becomes "11%"), as they do in real listings.</summary>
    private string VaryNumbers(string sentence) =>
        _random.NextDouble() < 0.3
            ? Number().Replace(sentence, match =>
            {
                var value = int.Parse(match.ValueSpan, CultureInfo.InvariantCulture);
                return Math.Max(1, value + _random.Next(-value / 2, value / 2 + 2)).ToString(CultureInfo.InvariantCulture);
            })
            : sentence;

    private static string Head(string title)
    {
        var cut = Cut(title);
        return cut < 0 ? title : title[..cut];
    }

    private static int Cut(string title)
    {
        var best = -1;
        foreach (var connector in s_titleConnectors)
        {
            var at = title.IndexOf(connector, StringComparison.Ordinal);
            if (at > 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }

        return best;
    }

    private Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        // Version 4, RFC 4122 variant: random ids, as the services' Guid.NewGuid() makes.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    [GeneratedRegex(@"(?<![\p{L}\d.,])\d{1,6}(?![\d.,])")]
    private static partial Regex Number();

    /// <summary>The parts shared by the seed listings of one kind and language.</summary>
    private sealed class Pool
    {
        public Pool(IReadOnlyList<SeedListing> listings)
        {
            Sentences = [.. listings.SelectMany(l => l.Sentences)];
            Keywords = [.. listings.SelectMany(l => l.Keywords).Distinct(StringComparer.Ordinal)];
            Tails = [.. listings.Select(l => (l.Title, Cut: Cut(l.Title))).Where(t => t.Cut > 0).Select(t => t.Title[t.Cut..])];
        }

        public IReadOnlyList<string> Sentences { get; }

        public IReadOnlyList<string> Keywords { get; }

        public IReadOnlyList<string> Tails { get; }
    }
}
