using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Matchmaking.Matching.Engine.Analysis;

// Replays tokens analysed once already, so a listing is analysed a single time however many fields index its words.
// A stream can be given the next document's tokens (SetTokens) and replay those, so an indexing thread keeps one.
internal sealed class TokenListStream : TokenStream
{
    private IReadOnlyList<Token> _tokens;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _positionIncrement;
    private int _next;

    public TokenListStream(IReadOnlyList<Token> tokens)
    {
        _tokens = tokens;
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _positionIncrement = AddAttribute<IPositionIncrementAttribute>();
    }

    public void SetTokens(IReadOnlyList<Token> tokens)
    {
        _tokens = tokens;
        _next = 0;
    }

    public override void Reset()
    {
        base.Reset();
        _next = 0;
    }

    public override bool IncrementToken()
    {
        if (_next >= _tokens.Count)
        {
            return false;
        }

        ClearAttributes();
        var token = _tokens[_next++];
        _term.SetEmpty().Append(token.Term);
        _offset.SetOffset(token.Start, token.End);
        _positionIncrement.PositionIncrement = Math.Max(_next == 1 ? 1 : 0, token.PositionIncrement);
        return true;
    }
}
