#!/usr/bin/env python3
"""Reference baseline for the evaluation sets: plain BM25 (k1=0.9, b=0.4) over lower-cased
English words and overlapping Han-character bigrams, no stemming, no translation, no folding of
Traditional and Simplified characters. It exists only to show how much of a set a lexical matcher
finds without a cross-lingual bridge; it knows nothing of the matching engine.

Usage: python3 seeds/eval/baseline_bm25.py seeds/eval/dev
Prints nDCG@10, Recall@100 and MRR@10 (queries without a relevant document are skipped, as BEIR does).
"""
import json, math, re, sys, collections

def tokens(text):
    out = re.findall(r"[a-z0-9]+", text.lower())
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
    return out

def main(folder):
    docs = [json.loads(l) for l in open(f"{folder}/corpus.jsonl", encoding="utf-8")]
    queries = [json.loads(l) for l in open(f"{folder}/queries.jsonl", encoding="utf-8")]
    qrels = collections.defaultdict(dict)
    with open(f"{folder}/qrels.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            q, d, s = line.rstrip("\n").split("\t"); qrels[q][d] = int(s)
    toks = {d["_id"]: tokens(d["title"] + " " + d["text"]) for d in docs}
    df = collections.Counter(t for ts in toks.values() for t in set(ts))
    n = len(docs); avg = sum(map(len, toks.values())) / n; k1, b = 0.9, 0.4
    tf = {i: collections.Counter(ts) for i, ts in toks.items()}
    ndcg = rec = mrr = 0.0; m = 0
    for q in queries:
        rel = {d: s for d, s in qrels[q["_id"]].items() if s > 0}
        if not rel:
            continue
        m += 1
        qt = tokens(q["text"])
        scores = {}
        for i in toks:
            s = 0.0
            for t in qt:
                if t in tf[i]:
                    idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    f = tf[i][t]
                    s += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(toks[i]) / avg))
            scores[i] = s
        ranked = [i for i, s in sorted(scores.items(), key=lambda x: (-x[1], x[0])) if s > 0]
        dcg = sum((2 ** rel.get(d, 0) - 1) / math.log2(r + 2) for r, d in enumerate(ranked[:10]))
        ideal = sum((2 ** s - 1) / math.log2(r + 2) for r, s in enumerate(sorted(rel.values(), reverse=True)[:10]))
        ndcg += dcg / ideal
        rec += len(set(ranked[:100]) & set(rel)) / len(rel)
        mrr += next((1 / (r + 1) for r, d in enumerate(ranked[:10]) if d in rel), 0.0)
    print(json.dumps({"ndcg@10": round(ndcg / m, 3), "recall@100": round(rec / m, 3), "mrr@10": round(mrr / m, 3), "queries": m}))

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "seeds/eval/dev")
