#!/usr/bin/env python3
"""Validate a BEIR-format evaluation set in seeds/eval/<set>/ and print its statistics.

Usage: python3 seeds/eval/validate.py seeds/eval/dev [seeds/eval/holdout ...] [--json]

Checks: every line is JSON; ids unique; summaries have 2-5 sentences (needs: title plus 2-5); qrels header and every id exists; sectors exist in
seeds/taxonomy.json; the language of every text matches its metadata (share of Han characters;
Traditional vs Simplified characters checked with OpenCC's `opencc` command when installed,
`apt-get install opencc`); at least 40% of relevant pairs (score >= 1) are cross-lingual
(English <-> Chinese; zh-Hant vs zh-Hans counts as the same language family).
Exit code 1 when a check fails.
"""
import json, os, re, subprocess, sys, shutil, collections

HERE = os.path.dirname(os.path.abspath(__file__))
TAXONOMY = os.path.join(HERE, "..", "taxonomy.json")
CANTONESE = ["我哋", "佢哋", "你哋", "嘅", "咗", "唔", "啲", "冇", "係", "喺", "嚟", "咁", "乜", "嘢", "俾", "睇", "搵", "點解", "邊度", "成日", "嗰"]
# Characters that are Simplified forms but are also written in Hong Kong Traditional text:
# 晒 (Cantonese particle "all", 黃晒) and 霉 (發霉, 倒霉).
HANT_OK = set("晒霉床峰")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")

def opencc(text, config):
    if not shutil.which("opencc"):
        return None
    p = subprocess.run(["opencc", "-c", config], input=text, capture_output=True, text=True, check=True)
    return p.stdout

_ST = None
def simplified_only():
    """Characters that exist only as Simplified forms, from OpenCC's STCharacters table: the
    character maps to Traditional candidates that do not include itself or its Hong Kong variant."""
    global _ST
    if _ST is None:
        _ST = set()
        if shutil.which("opencc_dict"):
            import tempfile
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, "st.txt")
                subprocess.run(["opencc_dict", "-i", "/usr/share/opencc/STCharacters.ocd2", "-o", out, "-f", "ocd2", "-t", "text"], check=True)
                table = {}
                for line in open(out, encoding="utf-8"):
                    k, v = line.rstrip("\n").split("\t")
                    table[k] = v.split(" ")
            hk = opencc("\n".join(v[0] for v in table.values()), "t2hk.json").split("\n")
            for (k, v), h in zip(table.items(), hk):
                if k not in v and k != h:
                    _ST.add(k)
    return _ST

def diff_chars(a, b):
    if b is None:
        return []
    if len(a) != len(b):  # phrase conversion may change length; fall back to set difference
        return sorted(set(a) - set(b))
    return sorted({x for x, y in zip(a, b) if x != y})

def check_language(lang, text):
    """Return a list of problems with the language of text."""
    han = len(HAN.findall(text)); lat = len(LATIN.findall(text))
    problems = []
    if lang == "en":
        if han > 0:
            problems.append(f"English text contains {han} Han characters")
        return problems
    if han < 0.6 * (han + lat) or han < 10:
        problems.append(f"Chinese text has too few Han characters ({han} Han, {lat} Latin)")
    if lang == "zh-Hans":
        trad = diff_chars(text, opencc(text, "t2s.json"))  # characters that simplification changes
        if trad:
            problems.append("zh-Hans text contains Traditional characters: " + "".join(trad))
    elif lang == "zh-Hant":
        simp = sorted({c for c in text if c in simplified_only() and c not in HANT_OK})
        if simp:
            problems.append("zh-Hant text contains Simplified characters: " + "".join(simp))
        if opencc(text, "t2s.json") == text:
            problems.append("zh-Hant text contains no Traditional-only character")
    else:
        problems.append(f"unknown language {lang}")
    return problems

def sentences(text, lang):
    """Number of sentences: English split after . ! ? before a capital or digit; Chinese on 。！？"""
    if lang == "en":
        return len([x for x in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text.strip()) if x])
    return len([x for x in re.split(r"[。！？]", text) if x.strip()])

def family(lang):
    return "en" if lang == "en" else "zh"

def read_jsonl(path, errors):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"{path}:{n}: empty line"); continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                errors.append(f"{path}:{n}: {e}")
    return out

def validate(folder):
    errors = []
    sectors = {s["code"] for s in json.load(open(TAXONOMY, encoding="utf-8"))}
    corpus = read_jsonl(os.path.join(folder, "corpus.jsonl"), errors)
    queries = read_jsonl(os.path.join(folder, "queries.jsonl"), errors)
    docs, qs = {}, {}
    for d in corpus:
        for k in ("_id", "title", "text", "metadata"):
            if k not in d: errors.append(f"corpus {d.get('_id')}: missing {k}")
        if d["_id"] in docs: errors.append(f"corpus: duplicate id {d['_id']}")
        docs[d["_id"]] = d
        m = d["metadata"]
        if m.get("sector") not in sectors: errors.append(f"corpus {d['_id']}: unknown sector {m.get('sector')}")
        if not isinstance(m.get("trl"), int) or not 1 <= m["trl"] <= 9: errors.append(f"corpus {d['_id']}: bad trl")
        if not 2 <= sentences(d["text"], m.get("language")) <= 5:
            errors.append(f"corpus {d['_id']}: summary should have 2-5 sentences, has {sentences(d['text'], m.get('language'))}")
        for p in check_language(m.get("language"), d["title"] + "\n" + d["text"]):
            errors.append(f"corpus {d['_id']}: {p}")
    for q in queries:
        for k in ("_id", "text", "metadata"):
            if k not in q: errors.append(f"queries {q.get('_id')}: missing {k}")
        if q["_id"] in qs or q["_id"] in docs: errors.append(f"queries: duplicate id {q['_id']}")
        qs[q["_id"]] = q
        m = q["metadata"]
        if m.get("sector") not in sectors: errors.append(f"queries {q['_id']}: unknown sector {m.get('sector')}")
        if not isinstance(m.get("minTrl"), int) or not 1 <= m["minTrl"] <= 9: errors.append(f"queries {q['_id']}: bad minTrl")
        if not 3 <= sentences(q["text"], m.get("language")) <= 6:  # the title plus 2-5 sentences of problem
            errors.append(f"queries {q['_id']}: title plus 2-5 sentences expected, has {sentences(q['text'], m.get('language'))}")
        for p in check_language(m.get("language"), q["text"]):
            errors.append(f"queries {q['_id']}: {p}")
    qrels = []
    with open(os.path.join(folder, "qrels.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n")
        if header != "query-id\tcorpus-id\tscore": errors.append(f"qrels: bad header {header!r}")
        seen = set()
        for n, line in enumerate(f, 2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3: errors.append(f"qrels:{n}: expected 3 columns"); continue
            qid, did, s = parts
            if qid not in qs: errors.append(f"qrels:{n}: unknown query {qid}")
            if did not in docs: errors.append(f"qrels:{n}: unknown document {did}")
            if s not in ("0", "1", "2"): errors.append(f"qrels:{n}: bad score {s}")
            if (qid, did) in seen: errors.append(f"qrels:{n}: duplicate pair")
            seen.add((qid, did)); qrels.append((qid, did, int(s)))
    if errors:
        return errors, None
    # statistics
    rel = [(q, d, s) for q, d, s in qrels if s >= 1]
    cross = [(q, d, s) for q, d, s in rel if family(qs[q]["metadata"]["language"]) != family(docs[d]["metadata"]["language"])]
    with_rel = {q for q, _, _ in rel}
    hant = [q for q in queries if q["metadata"]["language"] == "zh-Hant"]
    canto = [q for q in hant if sum(q["text"].count(w) for w in CANTONESE) >= 3]
    trl_low = [(q, d) for q, d, s in qrels if s == 2 and docs[d]["metadata"]["trl"] < qs[q]["metadata"]["minTrl"]]
    def mix(items):
        c = collections.Counter(i["metadata"]["language"] for i in items)
        return {k: {"n": c[k], "share": round(c[k] / len(items), 3)} for k in ("en", "zh-Hant", "zh-Hans")}
    def pairmix(pairs):
        return dict(sorted(collections.Counter(f"{qs[q]['metadata']['language']}->{docs[d]['metadata']['language']}" for q, d, _ in pairs).items()))
    stats = {
        "technologies": len(docs), "needs": len(qs),
        "technology_languages": mix(corpus), "need_languages": mix(queries),
        "need_zh-Hant_colloquial_cantonese": len(canto),
        "technology_sectors": len({d["metadata"]["sector"] for d in corpus}),
        "need_sectors": len({q["metadata"]["sector"] for q in queries}),
        "qrels_rows": len(qrels),
        "grade_2": sum(1 for r in qrels if r[2] == 2), "grade_1": sum(1 for r in qrels if r[2] == 1),
        "grade_0_hard_negatives": sum(1 for r in qrels if r[2] == 0),
        "needs_with_hard_negatives": len({q for q, _, s in qrels if s == 0}),
        "needs_with_relevant": len(with_rel), "needs_without_relevant": len(qs) - len(with_rel),
        "relevant_pairs": len(rel), "cross_lingual_relevant_pairs": len(cross),
        "cross_lingual_share": round(len(cross) / len(rel), 3),
        "relevant_pairs_by_language": pairmix(rel),
        "same_sector_hard_negatives": sum(1 for q, d, s in qrels if s == 0 and qs[q]["metadata"]["sector"] == docs[d]["metadata"]["sector"]),
        "grade_2_below_minTrl": len(trl_low),
    }
    if stats["cross_lingual_share"] < 0.40:
        errors.append(f"cross-lingual share {stats['cross_lingual_share']} < 0.40")
    if trl_low:
        errors.append(f"grade 2 pairs whose technology TRL is below the need's minTrl: {trl_low}")
    return errors, stats

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    as_json = "--json" in sys.argv
    if not args:
        args = [os.path.join(HERE, "dev"), os.path.join(HERE, "holdout")]
    if not shutil.which("opencc"):
        print("warning: opencc not installed; Traditional/Simplified check skipped (apt-get install opencc)", file=sys.stderr)
    failed = False
    for folder in args:
        errors, stats = validate(folder)
        print(f"== {folder}")
        for e in errors:
            print("ERROR", e); failed = True
        if stats:
            print(json.dumps(stats, ensure_ascii=False, indent=None if as_json else 2))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
