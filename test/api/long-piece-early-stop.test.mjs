// An early stop inside one huge piece (no split point for megabytes): encode(text, { maxTokens })
// is still exactly the prefix of the full encoding, computed from merges of prefixes near the
// front (native/core/bpe/bpe_prefix.cpp), and isWithinTokenLimit stops at a bound on the piece's
// token count; neither merges the whole piece.
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { cpuMillis } from '../support/growth.mjs';
import { rng } from '../support/random-text.mjs';

// One pre-token of `bytes` bytes (letters, or whitespace) drawn from `alphabet`.
function piece(next, alphabet, bytes) {
  const chars = [...alphabet];
  const parts = [];
  for (let n = 0; n < bytes; ) {
    const c = chars[Math.floor(next() * chars.length)];
    parts.push(c);
    n += Buffer.byteLength(c);
  }
  return parts.join('');
}

const ALPHABETS = [
  'ab',
  'abcdefghijklmnopqrstuvwxyz',
  'eeeeeeetttaaoinshrdlu',
  'AaBbCcDd',
  'çéèàüößñ',
  'абвгдежзийклмнопрстуфхцчшщыэюя',
  'ﾟｱｲｳｴｵ',
];

const sameIds = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

describe.each(['cl100k_base', 'o200k_base', 'r50k_base'])('maxTokens inside one long piece, %s', (name) => {
  const enc = getEncoding(name);

  it('is the prefix of the full encoding', () => {
    const next = rng(name.length * 31);
    let checked = 0;
    for (const alphabet of ALPHABETS) {
      const text = piece(next, alphabet, 70_000 + Math.floor(next() * 200_000));
      const full = enc.encode(text);
      expect(enc.count(text)).toBe(full.length);
      for (const n of [0, 1, 2, 3, 10, 64, 257, 1000, 4000, 9000]) {
        const prefix = enc.encode(text, { maxTokens: n });
        if (!sameIds(prefix, full.subarray(0, n))) expect([...prefix]).toEqual([...full.subarray(0, n)]);
        checked++;
      }
      // Bytes too, with a bad byte far inside the piece.
      const bytes = Buffer.from(text);
      bytes[bytes.length >> 1] = 0xff;
      const fullBytes = enc.encode(bytes);
      for (const n of [1, 50, 2000]) expect(sameIds(enc.encode(bytes, { maxTokens: n }), fullBytes.subarray(0, n))).toBe(true);
    }
    expect(checked).toBe(ALPHABETS.length * 10);
  });

  it('agrees on whitespace runs', () => {
    const next = rng(7);
    for (const alphabet of [' ', ' \n', '\t \n ', '  \u3000']) {
      const text = 'x' + piece(next, alphabet, 100_000) + 'y';
      const full = enc.encode(text);
      for (const n of [1, 2, 5, 300]) expect(sameIds(enc.encode(text, { maxTokens: n }), full.subarray(0, n))).toBe(true);
    }
  });
});

describe('maxTokens inside one long piece, a vocabulary of random merges', () => {
  // Ranks in no frequency order, some byte pairs missing: the argument in bpe_prefix.cpp holds
  // for any ranks, and this checks it on ranks nobody trained.
  it('is the prefix of the full encoding', () => {
    const next = rng(99);
    const ranks = new Map();
    for (let b = 0; b < 256; b++) ranks.set(Buffer.from([b]).toString('base64'), ranks.size);
    const seen = new Set();
    const letters = 'abcde';
    while (ranks.size < 900) {
      const len = 2 + Math.floor(next() * 5);
      let t = '';
      for (let i = 0; i < len; i++) t += letters[Math.floor(next() * letters.length)];
      if (seen.has(t)) continue;
      seen.add(t);
      ranks.set(Buffer.from(t).toString('base64'), ranks.size);
    }
    const file = [...ranks].map(([b64, r]) => `${b64} ${r}`).join('\n');
    const enc = new Encoding({ name: 'random-merges', ranks: Buffer.from(file), pattern: getEncoding('cl100k_base').patternSource });
    for (let round = 0; round < 4; round++) {
      const text = piece(next, letters, 80_000 + round * 30_000);
      const full = enc.encode(text);
      for (const n of [1, 7, 100, 3000]) {
        const prefix = enc.encode(text, { maxTokens: n });
        if (!sameIds(prefix, full.subarray(0, n))) expect([...prefix]).toEqual([...full.subarray(0, n)]);
      }
    }
  });
});

describe('early stops inside one huge piece', () => {
  const enc = getEncoding('cl100k_base');
  const next = rng(5);
  const big = piece(next, 'abcdefghijklmnopqrstuvwxyz', 4 << 20);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

  it('take a small part of a full count', () => {
    const count = [], within = [], prefix = [];
    let total = 0;
    for (let i = 0; i < 3; i++) {
      count.push(cpuMillis(() => (total = enc.count(big))));
      within.push(cpuMillis(() => expect(enc.isWithinTokenLimit(big, 10)).toBe(false)));
      prefix.push(cpuMillis(() => expect(enc.encode(big, { maxTokens: 10 }).length).toBe(10)));
    }
    expect(total).toBeGreaterThan(1_000_000);
    expect(median(within) * 8).toBeLessThan(median(count));
    expect(median(prefix) * 4).toBeLessThan(median(count));
  });

  it('are exact at the limit', () => {
    const small = big.slice(0, 300_000);
    const n = enc.count(small);
    expect(enc.isWithinTokenLimit(small, n)).toBe(n);
    expect(enc.isWithinTokenLimit(small, n - 1)).toBe(false);
    expect(enc.isWithinTokenLimit(small, 1)).toBe(false);
  });
});
