namespace Matchmaking.Matching.Engine;

/// <summary>
/// The profiles of the listings indexed last, by reference: the Matching service indexes a batch of listings and then
/// matches each of them, and asks of each whether it awaits a sentence vector, which would otherwise analyse every
/// listing three times. Bounded: the oldest entry goes when a new one comes. A listing is an immutable record, so a
/// profile found for the very same object is that listing's. Thread-safe.
/// </summary>
internal sealed class RecentProfiles(int capacity)
{
    private readonly Dictionary<Listing, ListingProfile> _profiles = new(capacity, ReferenceEqualityComparer.Instance);
    private readonly Queue<Listing> _order = new(capacity);
    private readonly Lock _lock = new();

    public void Add(Listing listing, ListingProfile profile)
    {
        lock (_lock)
        {
            if (_profiles.TryAdd(listing, profile))
            {
                _order.Enqueue(listing);
                if (_order.Count > capacity)
                {
                    _profiles.Remove(_order.Dequeue());
                }
            }
        }
    }

    public ListingProfile? Get(Listing listing)
    {
        lock (_lock)
        {
            return _profiles.GetValueOrDefault(listing);
        }
    }
}
