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
    // (SciFact nDCG@10 0.696 against 0.663). The per-field copies serve search filters, snippets and explanations.
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

    private const int TitleRepeats = 2;

    private static readonly ISet<string> s_idFields = new HashSet<string> { Id, Organisation };

    public static string KindValue(ListingKind kind) => kind == ListingKind.Technology ? "technology" : "need";

    public static Term IdTerm(Guid id) => new(Id, id.ToString("N"));

    // A glossary term is indexed with the language it was written in, so a query can ask for it across languages
    // (the bridge proper) and, with less weight, within its own (a synonym: 變形 for 翹曲). Symptoms and methods
    // are language-blind.
    public static string ConceptTerm(Concept concept, bool chinese) => concept.Kind == ConceptKind.Term
        ? (chinese ? "zh:t" : "en:t") + concept.Id.ToString(CultureInfo.InvariantCulture)
        : "s" + concept.Id.ToString(CultureInfo.InvariantCulture);

    public static Document ToDocument(Listing listing, ListingProfile profile, IReadOnlyList<Token> translated)
    {
        var language = listing.Language ?? LanguageDetector.English;
        var all = AllTokens(profile);
        var document = new Document
        {
            new StringField(Id, listing.Id.ToString("N"), Field.Store.YES),
            new StringField(Kind, KindValue(listing.Kind), Field.Store.YES),
            new StringField(Organisation, listing.OrganisationId.ToString("N"), Field.Store.YES),
            new StoredField(Title, listing.Title ?? ""),
            new TextField(Title, new TokenListStream(profile[Title].Tokens)),
            new StoredField(Body, listing.Body ?? ""),
            new TextField(Body, new TokenListStream(profile[Body].Tokens)),
            new TextField(Keywords, new TokenListStream(profile[Keywords].Tokens)),
            new TextField(All, new TokenListStream(all)),
            new StringField(Language, language, Field.Store.YES),
            new SortedDocValuesField(Language, new BytesRef(language)),
            new StringField(Visibility, listing.Visibility ?? ListingVisibility.Public, Field.Store.YES),
            new StringField(Open, listing.Open ? Yes : No, Field.Store.YES),
            new StoredField(UpdatedAt, listing.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)),
            new NumericDocValuesField(UpdatedAt, listing.UpdatedAt.UtcTicks),

            // Match reads a candidate's ids from doc values: far cheaper than decompressing its stored text.
            new BinaryDocValuesField(Id, new BytesRef(listing.Id.ToByteArray())),
            new BinaryDocValuesField(Organisation, new BytesRef(listing.OrganisationId.ToByteArray())),
        };

        var scored = new List<(string Field, IReadOnlyList<Token> Tokens)> { (All, all) };
        foreach (var (field, kind) in new[] { (Concepts, ConceptKind.Term), (Symptoms, ConceptKind.Symptom), (Methods, ConceptKind.Method) })
        {
            var terms = ConceptTokens(profile, kind);
            if (terms.Count > 0)
            {
                document.Add(new TextField(field, new TokenListStream(terms)));
                scored.Add((field, terms));
            }
        }

        if (translated.Count > 0)
        {
            document.Add(new TextField(Translated, new TokenListStream(translated)));
            scored.Add((Translated, translated));
        }

        document.Add(new BinaryDocValuesField(Terms, new BytesRef(DocumentTerms.Encode(scored))));

        foreach (var keyword in listing.Keywords ?? [])
        {
            document.Add(new StoredField(Keywords, keyword));
        }

        if (!string.IsNullOrEmpty(listing.Sector))
        {
            document.Add(new StringField(Sector, listing.Sector, Field.Store.YES));
            document.Add(new SortedDocValuesField(Sector, new BytesRef(listing.Sector)));
        }

        if (listing.Trl is { } trl)
        {
            document.Add(new Int32Field(Trl, trl, Field.Store.YES));
            document.Add(new NumericDocValuesField(Trl, trl));
        }

        return document;
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
