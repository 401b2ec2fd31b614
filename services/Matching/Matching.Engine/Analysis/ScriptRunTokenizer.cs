using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Matchmaking.Matching.Engine.Analysis;

// Reads the whole field, analyses it with the TextAnalyser and replays the tokens with offsets into the original
// text, so highlighting and surface forms stay right.
internal sealed class ScriptRunTokenizer : Tokenizer
{
    private readonly string _fieldName;
    private readonly TextAnalyser _analyser;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _positionIncrement;
    private readonly List<Token> _tokens = [];
    private int _next;
    private int _length;

    public ScriptRunTokenizer(TextReader input, string fieldName, TextAnalyser analyser)
        : base(input)
    {
        _fieldName = fieldName;
        _analyser = analyser;
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _positionIncrement = AddAttribute<IPositionIncrementAttribute>();
    }

    public override void Reset()
    {
        base.Reset();
        _tokens.Clear();
        _next = 0;
        var text = m_input.ReadToEnd();
        _length = text.Length;
        _analyser.Analyse(_fieldName, text, _tokens);
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
        _offset.SetOffset(CorrectOffset(token.Start), CorrectOffset(token.End));
        _positionIncrement.PositionIncrement = token.PositionIncrement;
        return true;
    }

    public override void End()
    {
        base.End();
        var final = CorrectOffset(_length);
        _offset.SetOffset(final, final);
    }
}
