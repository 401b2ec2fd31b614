using System.Text;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Matchmaking.Matching.Engine.Analysis;

namespace Matchmaking.Matching.Engine.Tests;

public sealed class DocumentTermsTests
{
    private static List<(int Field, string Term, int Frequency)> Decode(byte[] data)
    {
        var terms = new List<(int, string, int)>();
        var reader = DocumentTerms.Read(data);
        while (reader.MoveNext())
        {
            terms.Add((reader.Field, Encoding.UTF8.GetString(reader.Term), reader.Frequency));
        }

        return terms;
    }

    private static List<Token> Tokens(params string[] terms) => [.. terms.Select(term => new Token(term, 0, 0, 1, Chinese: false))];

    [Fact]
    public void Terms_are_counted_per_field_in_order_of_first_appearance()
    {
        var data = DocumentTerms.Encode(
        [
            (ListingDocument.All, Tokens("mold", "cool", "mold", "翹曲", "mold")),
            (ListingDocument.Translated, Tokens("模具", "冷却", "模具")),
            (ListingDocument.Concepts, Tokens("en:t12")),
        ]);

        Assert.Equal(
            [
                (DocumentTerms.FieldNumber(ListingDocument.All), "mold", 3),
                (DocumentTerms.FieldNumber(ListingDocument.All), "cool", 1),
                (DocumentTerms.FieldNumber(ListingDocument.All), "翹曲", 1),
                (DocumentTerms.FieldNumber(ListingDocument.Translated), "模具", 2),
                (DocumentTerms.FieldNumber(ListingDocument.Translated), "冷却", 1),
                (DocumentTerms.FieldNumber(ListingDocument.Concepts), "en:t12", 1),
            ],
            Decode(data));
    }

    [Fact]
    public void Fields_without_terms_are_left_out_and_long_terms_and_counts_survive()
    {
        var longTerm = new string('x', 300);
        var many = Enumerable.Repeat("again", 200).Append(longTerm).ToArray();
        var data = DocumentTerms.Encode([(ListingDocument.Symptoms, Tokens()), (ListingDocument.Methods, Tokens(many))]);

        Assert.Equal(
            [(DocumentTerms.FieldNumber(ListingDocument.Methods), "again", 200), (DocumentTerms.FieldNumber(ListingDocument.Methods), longTerm, 1)],
            Decode(data));
        Assert.Empty(Decode(DocumentTerms.Encode([])));
    }

    [Fact]
    public void Only_the_kept_fields_can_be_encoded_and_only_this_format_read()
    {
        Assert.Throws<ArgumentException>(() => DocumentTerms.Encode([(ListingDocument.Body, Tokens("mold"))]));
        Assert.False(DocumentTerms.Readable([]));
        Assert.False(DocumentTerms.Readable([DocumentTerms.Format + 1, 0, 1, 1, (byte)'a', 1]));
        Assert.True(DocumentTerms.Readable(DocumentTerms.Encode([])));

        var truncated = DocumentTerms.Encode([(ListingDocument.All, Tokens("mold"))])[..^2];
        Assert.Throws<FormatException>(() => Decode(truncated));
    }

    private static readonly string[] s_searched = [.. DocumentTerms.Fields.Except([ListingDocument.Title, ListingDocument.Keywords])];

    [Fact]
    public void An_indexed_listing_keeps_the_terms_and_frequencies_its_postings_hold()
    {
        using var temp = new TempIndex();
        temp.Index.UpsertMany(
        [
            Listings.Technology("Conformal cooling for injection moulds", "Cooling channels follow the cavity, so moulded parts warp less. Cooling is even.", ["cooling", "moulds"]),
            Listings.Need("注塑件冷卻後變形", "我哋啲注塑件冷卻之後翹曲，模具冷卻唔均勻。", language: "zh-Hant"),
            Listings.Need("Housings scrapped after cooling", "8% of housings warp after cooling and are scrapped."),
        ]);
        temp.Reopen();

        using var directory = FSDirectory.Open(temp.Folder);
        using var reader = DirectoryReader.Open(directory);
        var checkedTerms = 0;
        foreach (var leaf in reader.Leaves)
        {
            var values = leaf.AtomicReader.GetBinaryDocValues(ListingDocument.Terms);
            Assert.NotNull(values);
            for (var doc = 0; doc < leaf.AtomicReader.MaxDoc; doc++)
            {
                var scratch = new BytesRef();
                values.Get(doc, scratch);
                var kept = Decode(scratch.Bytes.AsSpan(scratch.Offset, scratch.Length).ToArray())
                    .ToDictionary(x => (DocumentTerms.Fields[x.Field], x.Term), x => x.Frequency);

                // Every term the postings give the document, in every searched field, with the same frequency, and no other.
                var posted = new Dictionary<(string, string), int>();
                foreach (var field in s_searched)
                {
                    var termsEnum = leaf.AtomicReader.GetTerms(field)?.GetEnumerator();
                    while (termsEnum is not null && termsEnum.MoveNext())
                    {
                        var postings = termsEnum.Docs(null, null, DocsFlags.FREQS);
                        if (postings.Advance(doc) == doc)
                        {
                            posted[(field, termsEnum.Term.Utf8ToString())] = postings.Freq;
                        }
                    }
                }

                Assert.Equal(posted.OrderBy(x => x.Key).ToList(), kept.Where(x => s_searched.Contains(x.Key.Item1)).OrderBy(x => x.Key).ToList());
                Assert.Contains(posted.Keys, key => key.Item1 == ListingDocument.All);
                checkedTerms += posted.Count;

                // The title's and the keywords' terms, which are not indexed on their own, stand in All as often as
                // All repeats them (the title twice), and the body's make up the rest.
                Assert.Null(leaf.AtomicReader.GetTerms(ListingDocument.Title));
                Assert.Null(leaf.AtomicReader.GetTerms(ListingDocument.Keywords));
                var titled = kept.Where(x => x.Key.Item1 == ListingDocument.Title).ToList();
                Assert.NotEmpty(titled);
                foreach (var ((field, term), _) in kept.Where(x => x.Key.Item1 is ListingDocument.Title or ListingDocument.Keywords))
                {
                    var inTitle = kept.GetValueOrDefault((ListingDocument.Title, term));
                    var inKeywords = kept.GetValueOrDefault((ListingDocument.Keywords, term));
                    Assert.True((ListingDocument.TitleRepeats * inTitle) + inKeywords <= posted[(ListingDocument.All, term)], $"{field} {term}");
                }
            }
        }

        Assert.True(checkedTerms > 20, $"{checkedTerms} terms");
    }
}
