using System.Text;
using Matchmaking.Matching.Engine.Analysis;

namespace Matchmaking.Matching.Engine;

// A listing's indexed terms with their frequencies, field by field, written into one doc value: the forward view of
// the postings. A match scores every clause of its query for a couple of hundred candidates (MatchExplainer); reading
// each candidate's own terms is a few thousand look-ups, where walking each clause's postings to every candidate
// decoded a million postings or more at 100,000 listings. The frequencies are the postings' own (one per token the
// field's stream yields), so a clause scores exactly what its term query would.
//
// Layout: a format byte, then per field with terms its number (its place in Fields), the count of distinct terms and,
// per term in order of first appearance, its UTF-8 length, its bytes and its frequency, all counts as variable-length
// integers (7 bits a byte, low bits first).
internal static class DocumentTerms
{
    // 2: the title's and the keywords' terms kept too.
    public const byte Format = 2;

    // The fields the match query's term clauses search, then the title's and the keywords' terms, which no query
    // searches (they are not indexed): with All's they tell which field a shared word sits in, for explanations
    // (the body's share is the rest of All's, see MatchExplainer.FieldShares).
    public static readonly string[] Fields =
    [
        ListingDocument.All, ListingDocument.Translated, ListingDocument.Concepts, ListingDocument.Symptoms, ListingDocument.Methods,
        ListingDocument.Title, ListingDocument.Keywords,
    ];

    public static int FieldNumber(string field) => Array.IndexOf(Fields, field);

    public static byte[] Encode(IReadOnlyList<(string Field, IReadOnlyList<Token> Tokens)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var output = new Output(1024);
        output.Add(Format);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (field, tokens) in fields)
        {
            var number = FieldNumber(field);
            if (number < 0)
            {
                throw new ArgumentException($"'{field}' is not one of the fields kept per document.", nameof(fields));
            }

            counts.Clear();
            order.Clear();
            foreach (var token in tokens)
            {
                if (counts.TryGetValue(token.Term, out var count))
                {
                    counts[token.Term] = count + 1;
                }
                else
                {
                    counts[token.Term] = 1;
                    order.Add(token.Term);
                }
            }

            if (order.Count == 0)
            {
                continue;
            }

            output.Add((byte)number);
            output.AddVarInt(order.Count);
            foreach (var term in order)
            {
                output.AddVarInt(Encoding.UTF8.GetByteCount(term));
                output.AddUtf8(term);
                output.AddVarInt(counts[term]);
            }
        }

        return output.ToArray();
    }

    // Whether the bytes are a document's terms in this format (a document indexed before they were kept has none).
    public static bool Readable(ReadOnlySpan<byte> data) => data.Length > 0 && data[0] == Format;

    public static Reader Read(ReadOnlySpan<byte> data) => new(data);

    // A kept term's text (UTF-8 bytes, Reader.Term), decoded into the buffer when it fits, else into a new array.
    public static ReadOnlySpan<char> Text(ReadOnlySpan<byte> term, Span<char> buffer)
    {
        var chars = term.Length <= buffer.Length ? buffer : new char[term.Length];
        return chars[..Encoding.UTF8.GetChars(term, chars)];
    }

    // Walks the encoded terms: each MoveNext moves to the next term, with its field number, UTF-8 bytes and frequency.
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;
        private int _left;

        public Reader(ReadOnlySpan<byte> data)
        {
            if (!Readable(data))
            {
                throw new FormatException("Not a document's terms.");
            }

            _data = data;
            _position = 1;
        }

        public int Field { get; private set; }

        public ReadOnlySpan<byte> Term { get; private set; }

        public int Frequency { get; private set; }

        public bool MoveNext()
        {
            while (_left == 0)
            {
                if (_position >= _data.Length)
                {
                    return false;
                }

                Field = _data[_position++];
                _left = ReadVarInt();
            }

            var length = ReadVarInt();
            if (length > _data.Length - _position)
            {
                throw new FormatException("A document's terms end early.");
            }

            Term = _data.Slice(_position, length);
            _position += length;
            Frequency = ReadVarInt();
            _left--;
            return true;
        }

        private int ReadVarInt()
        {
            var value = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (shift > 28 || _position >= _data.Length)
                {
                    throw new FormatException("A document's terms end early.");
                }

                var b = _data[_position++];
                value |= (b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }

    // A growing byte buffer.
    private sealed class Output(int capacity)
    {
        private byte[] _bytes = new byte[capacity];
        private int _length;

        public void Add(byte value)
        {
            Reserve(1);
            _bytes[_length++] = value;
        }

        public void AddVarInt(int value)
        {
            var rest = (uint)value;
            while (rest >= 0x80)
            {
                Add((byte)(rest | 0x80));
                rest >>= 7;
            }

            Add((byte)rest);
        }

        public void AddUtf8(string text)
        {
            Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
            _length += Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_length));
        }

        public byte[] ToArray() => _bytes.AsSpan(0, _length).ToArray();

        private void Reserve(int more)
        {
            if (_length + more > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + more));
            }
        }
    }
}
