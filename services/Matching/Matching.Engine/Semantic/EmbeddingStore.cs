using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Matchmaking.Matching.Engine.Semantic;

/// <summary>
/// Sentence vectors by content: the key is the SHA-256 of the model id and the text, so a text is embedded once
/// however often it is indexed (a rebuild, a restart, another index on the same store). Kept in memory and appended
/// to one file (key, then the vector's floats), which is read back whole when the store opens; a record cut short
/// by a crash is ignored and its text embedded again.
/// </summary>
public sealed class EmbeddingStore : IDisposable
{
    private const int KeyLength = 32;

    private readonly ConcurrentDictionary<UInt128, float[]> _vectors = new();
    private readonly int _dimensions;
    private readonly FileStream? _file;
    private readonly System.Threading.Lock _append = new();

    /// <param name="path">The store's file; null keeps the vectors in memory only.</param>
    public EmbeddingStore(string? path, string modelId, int dimensions)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ModelId = modelId;
        _dimensions = dimensions;
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var record = KeyLength + (dimensions * sizeof(float));
        var whole = _file.Length / record * record;
        var buffer = new byte[record];
        _file.Position = 0;
        while (_file.Position < whole)
        {
            _file.ReadExactly(buffer);
            var vector = new float[dimensions];
            Buffer.BlockCopy(buffer, KeyLength, vector, 0, dimensions * sizeof(float));
            _vectors[ShortKey(buffer.AsSpan(0, KeyLength))] = vector;
        }

        _file.SetLength(whole);
        _file.Position = whole;
    }

    public string ModelId { get; }

    public int Count => _vectors.Count;

    /// <summary>The key of a text under this store's model.</summary>
    public byte[] Key(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(ModelId + "\0" + text));

    public float[]? Get(ReadOnlySpan<byte> key) => key.Length == KeyLength && _vectors.TryGetValue(ShortKey(key), out var vector) ? vector : null;

    public bool Contains(ReadOnlySpan<byte> key) => Get(key) is not null;

    public void Add(byte[] key, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(vector);
        if (key.Length != KeyLength || vector.Length != _dimensions)
        {
            throw new ArgumentException($"Expected a {KeyLength}-byte key and {_dimensions} dimensions.");
        }

        if (!_vectors.TryAdd(ShortKey(key), vector) || _file is null)
        {
            return;
        }

        var record = new byte[KeyLength + (_dimensions * sizeof(float))];
        key.CopyTo(record, 0);
        Buffer.BlockCopy(vector, 0, record, KeyLength, _dimensions * sizeof(float));
        lock (_append)
        {
            _file.Write(record);
            _file.Flush();
        }
    }

    public void Dispose() => _file?.Dispose();

    private static UInt128 ShortKey(ReadOnlySpan<byte> key) =>
        new(BitConverter.ToUInt64(key[..8]), BitConverter.ToUInt64(key[8..16]));
}
