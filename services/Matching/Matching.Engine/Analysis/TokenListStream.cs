using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Matchmaking.Matching.Engine.Analysis;

// Replays tokens analysed once already, so a listing is analysed a single time however many fields index its words.
internal sealed class TokenListStream : TokenStream
{
    private readonly IReadOnlyList<Token> _tokens;
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
