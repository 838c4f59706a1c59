// The id histogram analyze() has the native batch count while it encodes (src/encoding.ts
// countedBatch, native/binding/id_histogram.h), against plain counting of encodeBatch's ids: the
// same texts, special-token options and threads. On WebAssembly there is no native batch:
// countedBatch says so (null) and analyze counts encodeBatch's ids itself.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { analyze, backend, Encoding, getEncoding, renyiEntropy } from '../../index.mjs';
import { comparisonTexts } from '../support/custom-vocab.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const onWasm = backend.startsWith('wasm');
const { countedBatch, specialPolicy } = require('../../dist/cjs/encoding.js');
const { readOptions } = require('../../dist/cjs/args.js');

// Enough text for many of the pipeline's 64 KiB blocks, so that several threads take some.
function texts() {
  const next = rng(28);
  const list = [...comparisonTexts(80, 5), '', new TextEncoder().encode('bytes \xff é <|endoftext|>'), Uint8Array.of(0x61, 0xff, 0x20)];
  for (let k = 0; k < 120; k++) list.push(randomText(next, 200 + (k % 7) * 150));
  return list;
}

function plainCounts(enc, list, options) {
  const { tokens, offsets } = enc.encodeBatch(list, options);
  const histogram = new Map();
  for (const id of tokens) histogram.set(id, (histogram.get(id) ?? 0) + 1);
  return { histogram, perText: Array.from({ length: list.length }, (_, k) => offsets[k + 1] - offsets[k]) };
}

function nativeCounts(enc, list, options, threads) {
  const histogram = new Float64Array(enc.maxTokenValue + 1);
  const perText = countedBatch(enc, list, specialPolicy(enc, readOptions(options, 'special')), threads, histogram, null);
  if (perText === null) return null;
  const map = new Map();
  histogram.forEach((c, id) => c !== 0 && map.set(id, c));
  return { histogram: map, perText: Array.from(perText) };
}

// Ranks with holes (256..299 unused) under cl100k's pattern, so that the core's own scanner (and
// its batch) encodes it.
function holey() {
  const ranks = new Map();
  for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
  ['th', 'he', 'in', ' t', 'the', ' the', 'er', 'an'].forEach((s, k) => ranks.set(new TextEncoder().encode(s), 300 + 7 * k));
  return new Encoding({ name: 'holey', pattern: getEncoding('cl100k_base').patternSource, ranks, specialTokens: { '<|endoftext|>': 500 } });
}

describe(`analyze's native id histogram (${backend})`, () => {
  const list = texts();
  const cases = [
    ['o200k_base', getEncoding('o200k_base'), { disallowedSpecial: [] }],
    ['cl100k_base, special tokens allowed', getEncoding('cl100k_base'), { allowedSpecial: 'all' }],
    ['a vocabulary with id holes', holey(), { allowedSpecial: 'all' }],
  ];

  for (const [label, enc, options] of cases) {
    it(`equals plain counting of encodeBatch's ids: ${label}`, () => {
      const plain = plainCounts(enc, list, options);
      expect(plain.histogram.size).toBeGreaterThan(50);
      for (const threads of [1, 3]) {
        const counted = nativeCounts(enc, list, options, threads);
        if (onWasm) {
          expect(counted).toBeNull();
          continue;
        }
        expect(counted.perText).toEqual(plain.perText);
        expect(counted.histogram).toEqual(plain.histogram);
      }
    });
  }

  it('adds to the counts it is given (one histogram over several batches)', () => {
    const enc = getEncoding('cl100k_base');
    const histogram = new Float64Array(enc.maxTokenValue + 1);
    const policy = specialPolicy(enc, readOptions({ disallowedSpecial: [] }, 'special'));
    const first = countedBatch(enc, list, policy, 2, histogram, null);
    if (onWasm) return expect(first).toBeNull();
    countedBatch(enc, list.slice(0, 10), policy, 2, histogram, null);
    const plain = plainCounts(enc, [...list, ...list.slice(0, 10)], { disallowedSpecial: [] });
    const total = histogram.reduce((s, c) => s + c, 0);
    expect(total).toBe(plain.perText.reduce((s, c) => s + c, 0));
    for (const [id, c] of plain.histogram) expect(histogram[id]).toBe(c);
  });
});

describe(`analyze over ids past the dense histogram (${backend})`, () => {
  it('counts a vocabulary whose ids reach 3 million in a Map, as plain counting does', () => {
    const ranks = new Map();
    for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
    ranks.set(new TextEncoder().encode('ab'), 3_000_000);
    ranks.set(new TextEncoder().encode(' ab'), 3_000_001);
    const enc = new Encoding({ name: 'sparse', pattern: getEncoding('cl100k_base').patternSource, ranks, specialTokens: { '<|endoftext|>': 3_000_002 } });
    const list = ['ab ab abc <|endoftext|> x', 'cab', new TextEncoder().encode('ab\xff')];
    for (const options of [{}, { allowedSpecial: 'all' }]) {
      const plain = plainCounts(enc, list, Object.keys(options).length ? options : { disallowedSpecial: [] });
      const [row] = analyze(enc, list, options).rows;
      expect(row.tokens).toBe(plain.perText.reduce((s, c) => s + c, 0));
      expect(row.types).toBe(plain.histogram.size);
      expect(row.vocabularySize).toBe(258);
      expect(row.renyiEntropy).toBeCloseTo(renyiEntropy([...plain.histogram.values()], 2.5), 12);
      expect(plain.histogram.has(3_000_001)).toBe(true);
    }
  });
});
