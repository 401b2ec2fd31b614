#!/usr/bin/env python3
"""Check the glossary files in this folder.

    python3 seeds/glossary/validate.py

Checks column counts, sector codes against ../taxonomy.json, lowercase British
English, empty or duplicate cells and rows, minimum row counts, and (when the
`opencc` command is installed: apt-get install opencc) that Simplified columns
hold no Traditional-only characters and Traditional columns no Simplified-only
characters. Exits non-zero on an error; warnings are printed but do not fail.
"""
import collections, json, os, re, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
errors, warnings = [], []
def err(msg): errors.append(msg)
def warn(msg): warnings.append(msg)

sectors = {s['code'] for s in json.load(open(os.path.join(HERE, '..', 'taxonomy.json'), encoding='utf-8'))}
BIG = ['plastics', 'moulds-dies', 'electronics', 'metals', 'food-beverage', 'textiles', 'construction',
       'automotive', 'biotechnology', 'medical-devices', 'printing-packaging', 'green-tech',
       'smart-manufacturing', 'chemicals-coatings']

def read(name, header):
    path = os.path.join(HERE, name)
    raw = open(path, 'rb').read()
    if raw.startswith(b'\xef\xbb\xbf'): err(f'{name}: has a BOM')
    if b'\r' in raw: err(f'{name}: has CR line endings')
    lines = raw.decode('utf-8').split('\n')
    if lines[-1] == '': lines.pop()
    if lines[0] != '\t'.join(header): err(f'{name}: header is {lines[0]!r}')
    rows = []
    seen = {}
    for i, line in enumerate(lines[1:], 2):
        cols = line.split('\t')
        if len(cols) != len(header):
            err(f'{name}:{i}: {len(cols)} columns, expected {len(header)}'); continue
        for h, c in zip(header, cols):
            if c != c.strip(): err(f'{name}:{i}: {h} has surrounding whitespace')
            if '^' in c: err(f'{name}:{i}: {h} has a stray ^ marker')
            parts = c.split('|')
            if c and any(p.strip() == '' for p in parts): err(f'{name}:{i}: {h} has an empty alternate')
            if c and len(set(parts)) != len(parts): warn(f'{name}:{i}: {h} repeats an alternate')
        if line in seen: err(f'{name}:{i}: duplicate of line {seen[line]}')
        seen[line] = i
        rows.append((i, dict(zip(header, cols))))
    return rows

US_BRIT = [(r'\bcolor', 'colour'), (r'\bmold', 'mould'), (r'\baluminum', 'aluminium'), (r'\bfiber', 'fibre'),
           (r'\bcenter', 'centre'), (r'\bodor', 'odour'), (r'\blabor', 'labour'), (r'\bjewelry', 'jewellery'),
           (r'\btire\b', 'tyre'), (r'\bflavor', 'flavour'), (r'\bmillimeter', 'millimetre'),
           (r'\bleveling', 'levelling'), (r'\banalog\b', 'analogue'), (r'\borthopedic', 'orthopaedic'),
           (r'\baging\b', 'ageing'), (r'\bgray\b', 'grey')]
IZE_OK = {'size', 'sized', 'resize', 'seize', 'prize', 'sizes', 'sizing'}

def check_en(name, i, col, cell):
    if cell != cell.lower(): err(f'{name}:{i}: {col} not lowercase: {cell!r}')
    if re.search(r'[\u3000-\u9fff]', cell): err(f'{name}:{i}: {col} contains CJK: {cell!r}')
    for us, brit in US_BRIT:
        if re.search(us, cell) and brit not in cell:
            err(f'{name}:{i}: {col} has US spelling without British alternate ({brit}): {cell!r}')
    for w in re.findall(r'\b[a-z]+iz(?:e|ed|er|ers|es|ing|ation|ations)\b', cell):
        if w in IZE_OK: continue
        brit = w.replace('iz', 'is', 1) if w.count('iz') == 1 else re.sub(r'iz(?=(e|ed|er|ers|es|ing|ation|ations)$)', 'is', w)
        if brit not in cell: err(f'{name}:{i}: {col} has -ize form {w!r} without {brit!r}')

CANTO_ONLY = set('嘅咗唔冇哋啲嘢喺攞睇嚟乜噉嗰佢黐燶嘥揾搵畀俾瞓攰嘈咩囉㗎喎噃啫咋吖')

g = read('glossary.tsv', ['sector', 'en', 'zh_hans', 'zh_hant', 'kind'])
s = read('symptoms.tsv', ['sector', 'symptom_en', 'symptom_zh_hans', 'symptom_zh_hant', 'method_en', 'method_zh_hans'])
c = read('cantonese.tsv', ['cantonese', 'mandarin_hans', 'note'])

hans_cells, hant_cells = [], []   # (file, line, col, text)
per_sector = collections.Counter()
per_sector_terms = collections.Counter()
keys = collections.defaultdict(list)
for i, r in g:
    if r['sector'] != 'general' and r['sector'] not in sectors: err(f'glossary.tsv:{i}: unknown sector {r["sector"]!r}')
    if r['kind'] not in ('term', 'symptom'): err(f'glossary.tsv:{i}: kind must be term or symptom')
    for col in ('en', 'zh_hans', 'zh_hant'):
        if not r[col]: err(f'glossary.tsv:{i}: empty {col}')
    check_en('glossary.tsv', i, 'en', r['en'])
    hans_cells.append(('glossary.tsv', i, 'zh_hans', r['zh_hans']))
    hant_cells.append(('glossary.tsv', i, 'zh_hant', r['zh_hant']))
    per_sector[r['sector']] += 1
    if r['kind'] == 'term': per_sector_terms[r['sector']] += 1
    keys[(r['sector'], r['kind'], r['en'])].append(i)
for k, v in keys.items():
    if len(v) > 1: warn(f'glossary.tsv: same sector/kind/en on lines {v}: {k}')

sym_sectors = collections.Counter()
for i, r in s:
    if r['sector'] != 'general' and r['sector'] not in sectors: err(f'symptoms.tsv:{i}: unknown sector {r["sector"]!r}')
    for col, v in r.items():
        if not v: err(f'symptoms.tsv:{i}: empty {col}')
    check_en('symptoms.tsv', i, 'symptom_en', r['symptom_en'])
    check_en('symptoms.tsv', i, 'method_en', r['method_en'])
    hans_cells += [('symptoms.tsv', i, 'symptom_zh_hans', r['symptom_zh_hans']), ('symptoms.tsv', i, 'method_zh_hans', r['method_zh_hans'])]
    hant_cells.append(('symptoms.tsv', i, 'symptom_zh_hant', r['symptom_zh_hant']))
    sym_sectors[r['sector']] += 1

# glossary symptom rows mirror symptoms.tsv
gsym = {(r['sector'], r['en'], r['zh_hans'], r['zh_hant']) for _, r in g if r['kind'] == 'symptom'}
ssym = {(r['sector'], r['symptom_en'], r['symptom_zh_hans'], r['symptom_zh_hant']) for _, r in s}
if gsym != ssym: err(f'glossary.tsv symptom rows and symptoms.tsv differ: {len(gsym ^ ssym)} mismatches')

cseen = set()
for i, r in c:
    if not r['cantonese']: err(f'cantonese.tsv:{i}: empty cantonese')
    if r['cantonese'] in cseen: err(f'cantonese.tsv:{i}: duplicate key {r["cantonese"]}')
    cseen.add(r['cantonese'])
    if not r['mandarin_hans'] and 'drop' not in r['note']: err(f'cantonese.tsv:{i}: empty mandarin but note does not say drop')
    if not r['note']: warn(f'cantonese.tsv:{i}: no note')
    if r['mandarin_hans']: hans_cells.append(('cantonese.tsv', i, 'mandarin_hans', r['mandarin_hans']))

for f, i, col, v in hans_cells:
    bad = sorted(set(v) & CANTO_ONLY)
    if bad: warn(f'{f}:{i}: {col} has Cantonese-only characters {"".join(bad)}: {v}')
    if re.search(r'著(?!名|作)', v): warn(f'{f}:{i}: {col} has 著 (mainland usage is usually 着): {v}')

# script checks with OpenCC
# characters that s2t changes but that are also correct Traditional forms in these words
HANT_OK = set('台干只系里面才了后余松范向划周制冲出斗谷板卷云表志注准合同家布借几丑折朴采回凶姜困于御咸床峰托胜群晒霉')
def conv(chars, cfg):
    r = subprocess.run(['opencc', '-c', cfg], input='\n'.join(chars).encode(), capture_output=True, check=True)
    return dict(zip(chars, r.stdout.decode().split('\n')))
if shutil.which('opencc'):
    cjk = lambda t: {ch for ch in t if '\u3400' <= ch <= '\u9fff'}
    hans_chars = sorted(set().union(*(cjk(v) for *_, v in hans_cells)))
    hant_chars = sorted(set().union(*(cjk(v) for *_, v in hant_cells)))
    t2s = conv(hans_chars, 't2s.json')
    trad_in_hans = {ch for ch in hans_chars if t2s[ch] != ch}
    allc = sorted(set(hant_chars))
    t2s_h, s2t_h = conv(allc, 't2s.json'), conv(allc, 's2t.json')
    simp_in_hant = {ch for ch in allc if t2s_h[ch] == ch and s2t_h[ch] != ch and ch not in HANT_OK}
    for f, i, col, v in hans_cells:
        bad = sorted(cjk(v) & trad_in_hans)
        if bad: err(f'{f}:{i}: {col} has Traditional characters {"".join(bad)}: {v}')
    for f, i, col, v in hant_cells:
        bad = sorted(cjk(v) & simp_in_hant)
        if bad: err(f'{f}:{i}: {col} has Simplified characters {"".join(bad)}: {v}')
else:
    warn('opencc not installed: script checks skipped (apt-get install opencc)')

# counts
if len(g) < 700: err(f'glossary.tsv: {len(g)} rows, need at least 700')
if len(s) < 150: err(f'symptoms.tsv: {len(s)} rows, need at least 150')
if len(c) < 120: err(f'cantonese.tsv: {len(c)} rows, need at least 120')
for sec in sorted(sectors | {'general'}):
    if per_sector[sec] == 0: err(f'glossary.tsv: sector {sec} has no rows')
for sec in BIG:
    if per_sector_terms[sec] < 15: err(f'glossary.tsv: sector {sec} has {per_sector_terms[sec]} term rows, need 15')

if '-v' in sys.argv or errors:
    pass
print(f'glossary.tsv  {len(g)} rows ({sum(per_sector_terms.values())} term, {len(g) - sum(per_sector_terms.values())} symptom)')
print(f'symptoms.tsv  {len(s)} rows')
print(f'cantonese.tsv {len(c)} rows')
if '-v' in sys.argv:
    print('per sector (glossary terms / symptoms):')
    for sec in sorted(per_sector):
        print(f'  {sec:26} {per_sector_terms[sec]:4} / {sym_sectors[sec]:3}')
for w in warnings: print('warning:', w)
for e in errors: print('error:', e)
print(f'{len(errors)} errors, {len(warnings)} warnings')
sys.exit(1 if errors else 0)
