// The core's per-text views (the safe cuts that split long texts over threads, the pieces the
// inference methods merge inside) read ill-formed UTF-8 as TextDecoder does: the bytes give what
// their decoded string gives.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';

// Seeded (xorshift32) so a failure names a reproducible case.
function randomBytes(seed, length) {
  let x = seed >>> 0 || 1;
  const pieces = [0x20, 0x0a, 0x41, 0x61, 0x31, 0x2e, 0xc3, 0xa9, 0xe4, 0xb8, 0x80, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0xff, 0x80, 0xc0];
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = pieces[x % pieces.length];
  }
  return out;
}

const decoder = new TextDecoder();
const CASES = Array.from({ length: 40 }, (_, k) => randomBytes(k + 1, 64 + 37 * k));

describe.each(['cl100k_base', 'o200k_base', 'gpt2'])('%s', (name) => {
  const enc = getEncoding(name);

  it('safe cuts of ill-formed bytes equal those of their decoded text', () => {
    for (const [k, bytes] of CASES.entries()) {
      const text = decoder.decode(bytes);
      expect(text).toContain('\uFFFD');
      expect([...enc._safeCuts(bytes)], `case ${k}`).toEqual([...enc._safeCuts(text)]);
    }
  });

  it.each(['least-tokens', 'longest-prefix'])('%s on ill-formed bytes equals it on their decoded text', (method) => {
    for (const [k, bytes] of CASES.entries()) {
      const text = decoder.decode(bytes);
      expect([...enc.encode(bytes, { method })], `case ${k}`).toEqual([...enc.encode(text, { method })]);
    }
  });
});
