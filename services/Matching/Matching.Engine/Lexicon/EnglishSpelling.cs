using System.Collections.Frozen;

namespace Matchmaking.Matching.Engine.Lexicon;

/// <summary>
/// Folds British spellings to American ones ("mould" → "mold", "colour" → "color", "optimise" → "optimize"),
/// the spelling CC-CEDICT's glosses use, so an English query meets the dictionary whichever way it was written.
/// Expects lowercase words. Thread-safe.
/// </summary>
public static class EnglishSpelling
{
    // Words whose British form is not reached by the suffix rules below.
    private static readonly FrozenDictionary<string, string> _words = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["aluminium"] = "aluminum",
        ["aeroplane"] = "airplane",
        ["ageing"] = "aging",
        ["analogue"] = "analog",
        ["catalogue"] = "catalog",
        ["cheque"] = "check",
        ["defence"] = "defense",
        ["dialogue"] = "dialog",
        ["draught"] = "draft",
        ["grey"] = "gray",
        ["jewellery"] = "jewelry",
        ["kerb"] = "curb",
        ["licence"] = "license",
        ["manoeuvre"] = "maneuver",
        ["offence"] = "offense",
        ["plough"] = "plow",
        ["practise"] = "practice",
        ["programme"] = "program",
        ["programmes"] = "programs",
        ["pyjamas"] = "pajamas",
        ["storey"] = "story",
        ["sulphur"] = "sulfur",
        ["sulphate"] = "sulfate",
        ["sulphide"] = "sulfide",
        ["tyre"] = "tire",
        ["tyres"] = "tires",
        ["travelling"] = "traveling",
        ["labelled"] = "labeled",
        ["labelling"] = "labeling",
        ["modelling"] = "modeling",
        ["modelled"] = "modeled",
        ["signalling"] = "signaling",
        ["fuelled"] = "fueled",
        ["cancelled"] = "canceled",
        ["levelled"] = "leveled",
        ["oestrogen"] = "estrogen",
        ["haemoglobin"] = "hemoglobin",
        ["anaemia"] = "anemia",
        ["anaesthetic"] = "anesthetic",
        ["paediatric"] = "pediatric",
        ["orthopaedic"] = "orthopedic",
        ["foetus"] = "fetus",
        ["diarrhoea"] = "diarrhea",
        ["oesophagus"] = "esophagus",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Stems spelled -our in Britain and -or in America; the suffix carries over (moulded, colourful).
    private static readonly string[] _ourStems =
    [
        "armour", "behaviour", "candour", "clamour", "colour", "demeanour", "endeavour", "favour", "fervour",
        "flavour", "harbour", "honour", "humour", "labour", "neighbour", "odour", "parlour", "rancour", "rigour",
        "rumour", "saviour", "splendour", "tumour", "valour", "vapour", "vigour",
    ];

    // Stems spelled -re in Britain and -er in America.
    private static readonly string[] _reStems =
    [
        "calibre", "centre", "fibre", "litre", "lustre", "meagre", "metre", "millimetre", "centimetre", "kilometre",
        "nanometre", "micrometre", "ochre", "sabre", "sombre", "spectre", "theatre",
    ];

    // Verbs spelled -ise / -yse in Britain; -ise is folded only for these stems because many English
    // words end in -ise legitimately (precise, exercise, expertise, promise, advise, enterprise).
    private static readonly FrozenSet<string> _izeStems = new[]
    {
        "apolog", "author", "capital", "categor", "central", "character", "civil", "colon", "commercial", "computer",
        "critic", "crystall", "custom", "decentral", "digit", "economic", "emphas", "energ", "equal", "fertil",
        "final", "formal", "fossil", "galvan", "general", "global", "harmon", "hospital", "hybrid", "ideal",
        "immobil", "industrial", "initial", "ion", "legal", "local", "magnet", "maxim", "mechan", "memor",
        "miniatur", "minim", "mobil", "modern", "monet", "moistur", "monopol", "neutral", "normal", "optim",
        "organ", "oxid", "pasteur", "penal", "polar", "polymer", "popular", "priorit", "privat", "real",
        "recogn", "revolution", "sanit", "scrutin", "special", "stabil", "standard", "steril", "subsid", "summar",
        "symbol", "symmetr", "sympath", "synchron", "synthes", "theor", "util", "vapor", "visual", "vulcan",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly (string British, string American)[] _izeSuffixes =
    [
        ("isations", "izations"), ("isation", "ization"), ("isers", "izers"), ("iser", "izer"),
        ("ising", "izing"), ("ised", "ized"), ("ises", "izes"), ("ise", "ize"),
    ];

    private static readonly (string British, string American)[] _yseSuffixes =
    [
        ("lysed", "lyzed"), ("lyses", "lyzes"), ("lysing", "lyzing"), ("lyser", "lyzer"), ("lysers", "lyzers"), ("lyse", "lyze"),
    ];

    public static string ToAmerican(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length < 4)
        {
            return word;
        }

        if (_words.TryGetValue(word, out var american))
        {
            return american;
        }

        // mould, moulds, moulded, moulding, mouldy, mouldings, remould
        var mould = word.IndexOf("mould", StringComparison.Ordinal);
        if (mould >= 0)
        {
            return string.Concat(word.AsSpan(0, mould), "mold", word.AsSpan(mould + 5));
        }

        foreach (var stem in _ourStems)
        {
            if (word.StartsWith(stem, StringComparison.Ordinal))
            {
                return string.Concat(stem.AsSpan(0, stem.Length - 2), "r", word.AsSpan(stem.Length));
            }
        }

        foreach (var stem in _reStems)
        {
            // centre, centres, centred (not "centrifuge": the stem must end the word or take -s/-d)
            if (word.StartsWith(stem, StringComparison.Ordinal) && word.Length - stem.Length <= 1
                && (word.Length == stem.Length || word[^1] is 's' or 'd'))
            {
                var suffix = word.Length == stem.Length ? "" : word[^1].ToString();
                return string.Concat(stem.AsSpan(0, stem.Length - 2), "er", suffix == "d" ? "ed" : suffix);
            }
        }

        foreach (var (british, americanSuffix) in _yseSuffixes)
        {
            if (word.EndsWith(british, StringComparison.Ordinal))
            {
                return string.Concat(word.AsSpan(0, word.Length - british.Length), americanSuffix);
            }
        }

        foreach (var (british, americanSuffix) in _izeSuffixes)
        {
            if (word.EndsWith(british, StringComparison.Ordinal)
                && _izeStems.Contains(word[..^british.Length]))
            {
                return string.Concat(word.AsSpan(0, word.Length - british.Length), americanSuffix);
            }
        }

        return word;
    }

    /// <summary>
    /// Lowercases a phrase, folds each word's spelling and drops a leading "to"/"a"/"the" as the dictionary
    /// index does ("To Mould" → "mold"); words are joined by single spaces.
    /// </summary>
    public static string NormalisePhrase(string phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        return string.Join(' ', GlossText.ForQuery().Words(phrase));
    }
}
