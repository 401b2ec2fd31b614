using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
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

    public const string Yes = "true";
    public const string No = "false";

    public static readonly string[] TextFields = [Title, Body, Keywords];

    private static readonly ISet<string> s_idFields = new HashSet<string> { Id, Organisation };

    public static string KindValue(ListingKind kind) => kind == ListingKind.Technology ? "technology" : "need";

    public static Term IdTerm(Guid id) => new(Id, id.ToString("N"));

    public static Document ToDocument(Listing listing)
    {
        var document = new Document
        {
            new StringField(Id, listing.Id.ToString("N"), Field.Store.YES),
            new StringField(Kind, KindValue(listing.Kind), Field.Store.YES),
            new StringField(Organisation, listing.OrganisationId.ToString("N"), Field.Store.YES),
            new TextField(Title, listing.Title ?? "", Field.Store.YES),
            new TextField(Body, listing.Body ?? "", Field.Store.YES),
            new StringField(Language, listing.Language ?? LanguageDetector.English, Field.Store.YES),
            new StringField(Visibility, listing.Visibility ?? ListingVisibility.Public, Field.Store.YES),
            new StringField(Open, listing.Open ? Yes : No, Field.Store.YES),
            new StoredField(UpdatedAt, listing.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)),
            new NumericDocValuesField(UpdatedAt, listing.UpdatedAt.UtcTicks),

            // Match reads a candidate's ids from doc values: far cheaper than decompressing its stored text.
            new BinaryDocValuesField(Id, new BytesRef(listing.Id.ToByteArray())),
            new BinaryDocValuesField(Organisation, new BytesRef(listing.OrganisationId.ToByteArray())),
        };

        foreach (var keyword in listing.Keywords ?? [])
        {
            document.Add(new TextField(Keywords, keyword, Field.Store.YES));
        }

        if (!string.IsNullOrEmpty(listing.Sector))
        {
            document.Add(new StringField(Sector, listing.Sector, Field.Store.YES));
            document.Add(new SortedDocValuesField(Sector, new BytesRef(listing.Sector)));
        }

        if (listing.Trl is { } trl)
        {
            document.Add(new Int32Field(Trl, trl, Field.Store.YES));
        }

        return document;
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
