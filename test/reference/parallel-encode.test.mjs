// One long text split at safe pre-token boundaries (native/core/pretok/safe_cut.h, the rules of
// src/safe-cut.ts) and encoded on several native threads gives exactly the single-thread ids.
// On the WASM backend the option is accepted and the work stays on one thread.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TurbotokenError, backend, getEncoding } from '../../index.mjs';
import { arrayDifference } from '../support/arrays.mjs';
import { corpusSamples } from '../support/corpus-samples.mjs';
import { WORST_CASES, repeatToBytes } from '../support/worst-cases.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { cutRules, isSafeCut } = require('../../dist/cjs/safe-cut.js');

const MIB = 1 << 20;
// On WebAssembly every thread count takes the one-thread path (src/wasm.ts ignores it), so two
// counts and one random seed there hold that the option is accepted and changes nothing; the
// native addon, which splits, gets every count and seed.
const SPLITS = backend.startsWith('native');
const THREADS = SPLITS ? [1, 2, 4] : [1, 2];
const SEEDS = SPLITS ? [1, 2] : [1];

// Seams where the cut rules are most delicate: whitespace runs before letters and special tokens,
// CR/LF before '/', single non-space whitespace between words, marks after whitespace.
const HOSTILE = [' ', '  ', '   ', '\n', '\r\n', '\r', '\t', ' \n', '\n ', '\u00a0', '\u3000', '\u2028', '\u0085', '/', '\n/',
  '<|endoftext|>', ' <|endoftext|>', '\n<|fim_prefix|>', '<|endofprompt|>', "'s", " 's", 'a', 'Z', '1', '123', '.', '!', '😀', 'é', '\u0301', ' \u0301', 'x\ty', 'a\u00a0b'];

function hostileText(seed, bytes) {
  const next = rng(seed);
  const parts = [];
  let size = 0;
  while (size < bytes) {
    const part = next() < 0.3 ? randomText(next, 8) : HOSTILE[Math.floor(next() * HOSTILE.length)];
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

const same = (a, b) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function expectSameAcrossThreads(enc, text, options, threadCounts = THREADS) {
  const one = enc.encode(text, { ...options, threads: 1 });
  for (const threads of threadCounts.slice(1)) {
    expect(same(enc.encode(text, { ...options, threads }), one)).toBe(true);
    expect(enc.count(text, { ...options, threads })).toBe(one.length);
  }
  return one;
}

describe.each(['cl100k_base', 'o200k_base', 'gpt2'])('encode with threads on %s', (name) => {
  const enc = getEncoding(name);

  it('gives the single-thread ids on the mixed corpus (bytes and string)', () => {
    const joined = Buffer.concat(corpusSamples(4).map((s) => s.bytes));
    const bytes = Buffer.concat(Array(Math.ceil((3 * MIB) / joined.length)).fill(joined));
    expect(enc._safeCuts(bytes).length).toBeGreaterThan(100);
    expectSameAcrossThreads(enc, bytes, { disallowedSpecial: [] });
    expectSameAcrossThreads(enc, bytes.toString('utf8'), { disallowedSpecial: [] });
  });

  it('gives the single-thread ids on adversarial texts, cut or not', () => {
    // Units without whitespace have no cut at all and encode slowly by design: 'one letter'
    // stands for them (it stays one part); the whitespace ones are cut everywhere.
    const cases = Object.entries(WORST_CASES).filter(([label, unit]) => label === 'one letter' || /\s/.test(unit));
    expect(cases.length).toBeGreaterThanOrEqual(5);
    for (const [label, unit] of cases) {
      // Just over the split threshold; these texts are slow to encode by design.
      const text = repeatToBytes(unit, 1.05 * MIB) + ' tail';
      expectSameAcrossThreads(enc, text, { disallowedSpecial: [] }, [1, 2]);
      if (label === 'one letter') expect(enc._safeCuts(text).length).toBe(1); // only before ' tail'
    }
  });

  it('gives the single-thread ids on random cut-hostile texts with special tokens', () => {
    for (const seed of SEEDS) {
      const text = hostileText(seed * 31 + name.length, 1.2 * MIB);
      expect(enc._safeCuts(text).length).toBeGreaterThan(1000);
      expectSameAcrossThreads(enc, text, { allowedSpecial: 'all' });
      expectSameAcrossThreads(enc, text, { disallowedSpecial: [] });
    }
  });

  it('encodeAsync and countAsync split too, with the same result', async () => {
    const text = hostileText(99, 1.5 * MIB);
    const one = enc.encode(text, { allowedSpecial: 'all', threads: 1 });
    const [a, b, c] = await Promise.all([enc.encodeAsync(text, { allowedSpecial: 'all', threads: 2 }), enc.encodeAsync(text, { allowedSpecial: 'all' }), enc.countAsync(text, { allowedSpecial: 'all', threads: 4 })]);
    expect(same(a, one) && same(b, one)).toBe(true);
    expect(c).toBe(one.length);
  });

  it('reports a disallowed special token anywhere in a split text', async () => {
    const text = hostileText(7, 1.5 * MIB).replaceAll('<|', '[|') + ' <|endoftext|>';
    expect(() => enc.encode(text, { threads: 2 })).toThrow(TurbotokenError);
    expect(() => enc.count(text, { threads: 2 })).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    await expect(enc.encodeAsync(text, { threads: 2 })).rejects.toThrow(TurbotokenError);
  });

  it('encodeOrdinary takes threads too, with the ids of encode with every special token ordinary', () => {
    const text = hostileText(5, 1.2 * MIB);
    const one = enc.encode(text, { disallowedSpecial: [], threads: 1 });
    for (const threads of [1, 2]) expect(same(enc.encodeOrdinary(text, { threads }), one)).toBe(true);
  });

  it('checks the threads option', () => {
    expect(() => enc.encode('a', { threads: 0 })).toThrow(RangeError);
    expect(() => enc.encodeOrdinary('a', { threads: 0 })).toThrow(RangeError);
    expect(() => enc.encodeOrdinary('a', { threads: '2' })).toThrow(TypeError);
    expect(() => enc.encodeOrdinary('a', 2)).toThrow(TypeError);
    expect(() => enc.count('a', { threads: 1.5 })).toThrow(TypeError);
    return expect(enc.encodeAsync('a', { threads: 'x' })).rejects.toThrow(TypeError);
  });
});

describe.each(['gpt2', 'cl100k_base', 'o200k_base'])('the C++ cut finder on %s', (name) => {
  const enc = getEncoding(name);
  const rules = cutRules(enc.patternSource, Object.keys(enc.specialTokens));

  it('cuts exactly where safe-cut.ts isSafeCut does', () => {
    const next = rng(0x5afe + name.length);
    let cuts = 0;
    for (let i = 0; i < 300; i++) {
      const text = i % 3 === 0 ? hostileText(i, 200) : randomText(next, 1 + Math.floor(next() * 40));
      const wellFormed = text.toWellFormed();
      const expected = [];
      let bytes = 0;
      for (let p = 0; p < wellFormed.length; ) {
        if (isSafeCut(wellFormed, p, rules)) expected.push(bytes);
        const cp = wellFormed.codePointAt(p);
        bytes += Buffer.byteLength(String.fromCodePoint(cp));
        p += cp > 0xffff ? 2 : 1;
      }
      expect([...enc._safeCuts(text)]).toEqual(expected);
      cuts += expected.length;
    }
    expect(cuts).toBeGreaterThan(1000);
  });
});

it('splits by default: encode and encodeOrdinary without options equal one thread', async () => {
  const enc = getEncoding('cl100k_base');
  const text = corpusSamples(2).map((d) => d.bytes.toString('utf8')).join('\n').repeat(8).replace(/<\|/g, '<');
  expect(Buffer.byteLength(text)).toBeGreaterThan(1 << 20);
  const one = enc.encode(text, { threads: 1 });
  expect(arrayDifference(enc.encode(text), one)).toBe(null);
  expect(arrayDifference(enc.encodeOrdinary(text), one)).toBe(null);
  expect(enc.count(text)).toBe(one.length);
});
