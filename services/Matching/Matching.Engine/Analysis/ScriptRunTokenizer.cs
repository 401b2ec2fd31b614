using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Matchmaking.Text;

namespace Matchmaking.Matching.Engine.Analysis;

// Reads the whole field, analyses each script run with the analyzer for its language and replays the tokens
// with offsets into the original text, so highlighting and surface forms stay right.
internal sealed class ScriptRunTokenizer : Tokenizer
{
    private readonly string _fieldName;
    private readonly Analyzer _english;
    private readonly Analyzer _chinese;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _positionIncrement;
    private readonly List<(string Term, int Start, int End, int PositionIncrement)> _tokens = [];
    private int _next;
    private int _length;

    public ScriptRunTokenizer(TextReader input, string fieldName, Analyzer english, Analyzer chinese)
        : base(input)
    {
        _fieldName = fieldName;
        _english = english;
        _chinese = chinese;
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

        if (!Scripts.ContainsHan(text))
        {
            Analyse(_english, text, 0);
            return;
        }

        foreach (var (start, length, han) in Scripts.Runs(text))
        {
            Analyse(han ? _chinese : _english, text.Substring(start, length), start);
        }
    }

    public override bool IncrementToken()
    {
        if (_next >= _tokens.Count)
        {
            return false;
        }

        ClearAttributes();
        var (term, start, end, positionIncrement) = _tokens[_next++];
        _term.SetEmpty().Append(term);
        _offset.SetOffset(CorrectOffset(start), CorrectOffset(end));
        _positionIncrement.PositionIncrement = positionIncrement;
        return true;
    }

    public override void End()
    {
        base.End();
        var final = CorrectOffset(_length);
        _offset.SetOffset(final, final);
    }

    private void Analyse(Analyzer analyzer, string run, int runStart)
    {
        using var stream = analyzer.GetTokenStream(_fieldName, run);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var positionIncrement = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            // The first token of a field must advance the position.
            var increment = _tokens.Count == 0 ? Math.Max(1, positionIncrement.PositionIncrement) : positionIncrement.PositionIncrement;
            _tokens.Add((term.ToString(), runStart + offset.StartOffset, runStart + offset.EndOffset, increment));
        }

        stream.End();
    }
}
