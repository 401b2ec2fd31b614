using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Matchmaking.Matching.Engine.Analysis;
using Matchmaking.Matching.Engine.Bridging;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine;

// How a listing is laid out in a Lucene document; every field is stored so a listing reads back whole.
internal static class ListingDocument
{
    public const string Id = "id";
    public const string Kind = "kind";
    public const string Organisation = "org";
    public const string Title = "title";
    public const string Body = "body";
    public const string Keywords = "keywords";
    public const string Sector = "sector";
    public const string Trl = "trl";
    public const string Language = "language";
    public const string Visibility = "visibility";
    public const string Open = "open";
    public const string UpdatedAt = "updated";

    // All text in one field, the title counted twice: BM25 over one field with a weighted title (BM25F in effect)
    // ranks better than adding up per-field BM25 scores, whose saturation and length norms work against each other
    // (SciFact nDCG@10 0.696 against 0.663). Title, body and keywords are stored, not indexed: which of them a shared
    // word sits in is read from the document's own terms (DocumentTerms), and snippets analyse the stored body afresh.
    public const string All = "all";

    // Glossary concepts found in the listing: bilingual terms, symptoms and methods, by glossary row.
    public const string Concepts = "concepts";
    public const string Symptoms = "symptoms";
    public const string Methods = "methods";

    // The listing's words translated through the dictionary into the other language, so a query in that language
    // meets them directly: the reverse of translating the query, and evidence of its own.
    public const string Translated = "translated";

    // The terms of the fields above with their frequencies, per document (DocumentTerms), for scoring candidates.
    public const string Terms = "terms";

    public const string Yes = "true";
    public const string No = "false";

    public static readonly string[] TextFields = [Title, Body, Keywords];

    // How many times the title's tokens stand in All.
    public const int TitleRepeats = 2;

    private static readonly ISet<string> s_idFields = new HashSet<string> { Id, Organisation };

    public static string KindValue(ListingKind kind) => kind == ListingKind.Technology ? "technology" : "need";

    public static Term IdTerm(Guid id) => new(Id, id.ToString("N"));

    // A glossary term is indexed with the language it was written in, so a query can ask for it across languages
    // (the bridge proper) and, with less weight, within its own (a synonym: 變形 for 翹曲). Symptoms and methods
    // are language-blind.
    public static string ConceptTerm(Concept concept, bool chinese) => concept.Kind == ConceptKind.Term
        ? (chinese ? "zh:t" : "en:t") + concept.Id.ToString(CultureInfo.InvariantCulture)
        : "s" + concept.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The listing as a Lucene document. Its fields are the given thread's <paramref name="fields"/>, set to this listing's
    /// values: the document is good until the next call with the same fields, which is what Lucene expects of reused
    /// fields (index it, then build the next). Reusing them spares some fifteen token streams a document, each set up
    /// with its attributes (which Lucene.NET's attribute factory creates under one process-wide lock).
    /// </summary>
    public static Document ToDocument(Listing listing, ListingProfile profile, IReadOnlyList<Token> translated, ReusableFields fields)
    {
        var language = listing.Language ?? LanguageDetector.English;
        var all = AllTokens(profile);
        var document = new Document
        {
            fields.Id.Set(listing.Id.ToString("N")),
            fields.Kind.Set(KindValue(listing.Kind)),
            fields.Organisation.Set(listing.OrganisationId.ToString("N")),
            fields.StoredTitle.Set(listing.Title ?? ""),
            fields.StoredBody.Set(listing.Body ?? ""),
            fields.All.Set(all),
            fields.Language.Set(language),
            fields.LanguageValue.Set(new BytesRef(language)),
            fields.Visibility.Set(listing.Visibility ?? ListingVisibility.Public),
            fields.Open.Set(listing.Open ? Yes : No),
            fields.StoredUpdatedAt.Set(listing.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)),
            fields.UpdatedAt.Set(listing.UpdatedAt.UtcTicks),

            // Match reads a candidate's ids from doc values: far cheaper than decompressing its stored text.
            fields.IdValue.Set(new BytesRef(listing.Id.ToByteArray())),
            fields.OrganisationValue.Set(new BytesRef(listing.OrganisationId.ToByteArray())),
        };

        var scored = new List<(string Field, IReadOnlyList<Token> Tokens)>(7)
        {
            (All, all), (Title, profile[Title].Tokens), (Keywords, profile[Keywords].Tokens),
        };
        foreach (var (field, kind) in s_conceptFields)
        {
            var terms = ConceptTokens(profile, kind);
            if (terms.Count > 0)
            {
                document.Add(fields.Concept(kind).Set(terms));
                scored.Add((field, terms));
            }
        }

        if (translated.Count > 0)
        {
            document.Add(fields.Translated.Set(translated));
            scored.Add((Translated, translated));
        }

        document.Add(fields.Terms.Set(new BytesRef(DocumentTerms.Encode(scored))));

        foreach (var keyword in listing.Keywords ?? [])
        {
            document.Add(new StoredField(Keywords, keyword));
        }

        if (!string.IsNullOrEmpty(listing.Sector))
        {
            document.Add(fields.Sector.Set(listing.Sector));
            document.Add(fields.SectorValue.Set(new BytesRef(listing.Sector)));
        }

        if (listing.Trl is { } trl)
        {
            document.Add(fields.Trl.Set(trl));
            document.Add(fields.TrlValue.Set((long)trl));
        }

        return document;
    }

    private static readonly (string Field, ConceptKind Kind)[] s_conceptFields =
        [(Concepts, ConceptKind.Term), (Symptoms, ConceptKind.Symptom), (Methods, ConceptKind.Method)];

    /// <summary>
    /// One thread's fields of a listing document, reused from one document to the next (see <see cref="ToDocument"/>).
    /// Not thread-safe: each indexing thread has its own (<see cref="ForThisThread"/>).
    /// </summary>
    internal sealed class ReusableFields
    {
        [ThreadStatic]
        private static ReusableFields? t_fields;

        public readonly StringField Id = new(ListingDocument.Id, "", Field.Store.YES);
        public readonly StringField Kind = new(ListingDocument.Kind, "", Field.Store.YES);
        public readonly StringField Organisation = new(ListingDocument.Organisation, "", Field.Store.YES);
        public readonly StoredField StoredTitle = new(ListingDocument.Title, "");
        public readonly StoredField StoredBody = new(ListingDocument.Body, "");
        public readonly TokenField All = new(ListingDocument.All);
        public readonly StringField Language = new(ListingDocument.Language, "", Field.Store.YES);
        public readonly SortedDocValuesField LanguageValue = new(ListingDocument.Language, new BytesRef());
        public readonly StringField Visibility = new(ListingDocument.Visibility, "", Field.Store.YES);
        public readonly StringField Open = new(ListingDocument.Open, "", Field.Store.YES);
        public readonly StoredField StoredUpdatedAt = new(ListingDocument.UpdatedAt, "");
        public readonly NumericDocValuesField UpdatedAt = new(ListingDocument.UpdatedAt, 0L);
        public readonly BinaryDocValuesField IdValue = new(ListingDocument.Id, new BytesRef());
        public readonly BinaryDocValuesField OrganisationValue = new(ListingDocument.Organisation, new BytesRef());
        public readonly TokenField Concepts = new(ListingDocument.Concepts);
        public readonly TokenField Symptoms = new(ListingDocument.Symptoms);
        public readonly TokenField Methods = new(ListingDocument.Methods);
        public readonly TokenField Translated = new(ListingDocument.Translated);
        public readonly BinaryDocValuesField Terms = new(ListingDocument.Terms, new BytesRef());
        public readonly StringField Sector = new(ListingDocument.Sector, "", Field.Store.YES);
        public readonly SortedDocValuesField SectorValue = new(ListingDocument.Sector, new BytesRef());
        public readonly Int32Field Trl = new(ListingDocument.Trl, 0, Field.Store.YES);
        public readonly NumericDocValuesField TrlValue = new(ListingDocument.Trl, 0L);

        /// <summary>The calling thread's fields.</summary>
        public static ReusableFields ForThisThread => t_fields ??= new ReusableFields();

        public TokenField Concept(ConceptKind kind) => kind switch
        {
            ConceptKind.Term => Concepts,
            ConceptKind.Symptom => Symptoms,
            _ => Methods,
        };
    }

    /// <summary>
    /// An indexed text field whose tokens, analysed already, are replayed by one reused stream. Indexed with document
    /// frequencies and term frequencies, without positions: BM25 reads frequencies and field lengths only, no query of
    /// the engine asks for positions (no phrases or spans), and snippets analyse the stored body afresh. Positions were
    /// a good part of the inverting, flushing and merging at indexing, and of the index on disk.
    /// </summary>
    internal sealed class TokenField : Field
    {
        private static readonly FieldType s_type = Frozen(new FieldType(TextField.TYPE_NOT_STORED) { IndexOptions = IndexOptions.DOCS_AND_FREQS });

        private readonly TokenListStream _stream;

        public TokenField(string name)
            : this(name, new TokenListStream([]))
        {
        }

        private TokenField(string name, TokenListStream stream)
            : base(name, stream, s_type) => _stream = stream;

        private static FieldType Frozen(FieldType type)
        {
            type.Freeze();
            return type;
        }

        public TokenField Set(IReadOnlyList<Token> tokens)
        {
            _stream.SetTokens(tokens);
            return this;
        }
    }

    // Title twice, then keywords and body, each field starting well clear of the last so phrases never span two.
    public static List<Token> AllTokens(ListingProfile profile)
    {
        var title = profile[Title].Tokens;
        var tokens = new List<Token>((title.Count * TitleRepeats) + profile[Keywords].Tokens.Count + profile[Body].Tokens.Count);
        for (var i = 0; i < TitleRepeats; i++)
        {
            Append(tokens, title);
        }

        Append(tokens, profile[Keywords].Tokens);
        Append(tokens, profile[Body].Tokens);
        return tokens;
    }

    private static void Append(List<Token> tokens, IReadOnlyList<Token> field)
    {
        for (var i = 0; i < field.Count; i++)
        {
            tokens.Add(i == 0 && tokens.Count > 0 ? field[i] with { PositionIncrement = field[i].PositionIncrement + 100 } : field[i]);
        }
    }

    // A concept found in the title counts twice, as the title's words do.
    public static List<Token> ConceptTokens(ListingProfile profile, ConceptKind kind)
    {
        var tokens = new List<Token>();
        foreach (var hit in profile.Concepts)
        {
            if (hit.Concept.Kind != kind)
            {
                continue;
            }

            var term = ConceptTerm(hit.Concept, hit.Chinese);
            var repeats = hit.Field == Title ? TitleRepeats : 1;
            for (var i = 0; i < repeats; i++)
            {
                tokens.Add(new Token(term, 0, 0, 1, Chinese: false));
            }
        }

        return tokens;
    }

    public static Listing FromDocument(Document document) => new(
        Guid.ParseExact(document.Get(Id), "N"),
        ParseKind(document.Get(Kind)),
        Guid.ParseExact(document.Get(Organisation), "N"),
        document.Get(Title) ?? "",
        document.Get(Body) ?? "",
        document.GetValues(Keywords),
        document.Get(Sector),
        document.GetField(Trl)?.GetInt32Value(),
        document.Get(Language) ?? LanguageDetector.English,
        document.Get(Visibility) ?? ListingVisibility.Public,
        document.Get(Open) == Yes,
        DateTimeOffset.ParseExact(document.Get(UpdatedAt), "O", CultureInfo.InvariantCulture, DateTimeStyles.None));

    // A hit's listing and organisation ids, read from doc values.
    public static (Guid Id, Guid Organisation) ReadIds(IndexReader reader, int doc)
    {
        var leaves = reader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var ids = leaf.AtomicReader.GetBinaryDocValues(Id);
        var organisations = leaf.AtomicReader.GetBinaryDocValues(Organisation);
        if (ids is null || organisations is null)
        {
            // A segment written before the ids had doc values: read the stored fields instead.
            var stored = reader.Document(doc, s_idFields);
            return (Guid.ParseExact(stored.Get(Id), "N"), Guid.ParseExact(stored.Get(Organisation), "N"));
        }

        var scratch = new BytesRef();
        return (ReadGuid(ids, doc - leaf.DocBase, scratch), ReadGuid(organisations, doc - leaf.DocBase, scratch));
    }

    private static Guid ReadGuid(BinaryDocValues values, int doc, BytesRef scratch)
    {
        values.Get(doc, scratch);
        return new Guid(scratch.Bytes.AsSpan(scratch.Offset, scratch.Length));
    }

    public static ListingKind ParseKind(string value) => value == "technology" ? ListingKind.Technology : ListingKind.Need;
}

// Sets a reused field's value and hands the field back, for building a document from reused fields.
internal static class FieldValues
{
    public static T Set<T>(this T field, string value)
        where T : Field
    {
        field.SetStringValue(value);
        return field;
    }

    public static T Set<T>(this T field, BytesRef value)
        where T : Field
    {
        field.SetBytesValue(value);
        return field;
    }

    public static T Set<T>(this T field, long value)
        where T : Field
    {
        field.SetInt64Value(value);
        return field;
    }

    public static T Set<T>(this T field, int value)
        where T : Field
    {
        field.SetInt32Value(value);
        return field;
    }
}
