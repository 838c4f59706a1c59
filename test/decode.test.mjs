// Decoding: text (ill-formed UTF-8 becomes U+FFFD as TextDecoder makes it) and bytes.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { ENCODINGS, reference } from './support/reference.mjs';
import { randomText, rng } from './support/random-text.mjs';

const decoder = new TextDecoder();

describe.each(ENCODINGS)('%s decode', (name) => {
  const enc = getEncoding(name);
  const ref = reference(name);
  it('decodeBytes equals the reference decode on random id sequences', () => {
    const next = rng(99 + name.length);
    const valid = [];
    for (let id = 0; id < enc.nVocab && valid.length < 5000; id += 1 + Math.floor(next() * 80)) {
      try { enc.tokenBytes(id); valid.push(id); } catch {}
    }
    for (let i = 0; i < 200; i++) {
      const ids = Array.from({ length: 1 + Math.floor(next() * 30) }, () => valid[Math.floor(next() * valid.length)]);
      const ours = enc.decodeBytes(ids);
      const theirs = ref.decode(new Uint32Array(ids));
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      expect(enc.decode(ids)).toBe(decoder.decode(theirs));
    }
  });
});

describe('decode', () => {
  const enc = getEncoding('o200k_base');
  it('accepts Uint32Array, arrays and other integer typed arrays', () => {
    const ids = enc.encode('hello world');
    expect(enc.decode(ids)).toBe('hello world');
    expect(enc.decode([...ids])).toBe('hello world');
    expect(enc.decode(Int32Array.from(ids))).toBe('hello world');
    expect(enc.decode([])).toBe('');
    expect(enc.decodeBytes([])).toEqual(new Uint8Array(0));
  });
  it('replaces a split multi-byte character with U+FFFD', () => {
    const ids = enc.encode('😀');
    const parts = [...ids].map((id) => enc.decode([id]));
    for (const part of parts) expect(part).toBe(decoder.decode(enc.tokenBytes(Number([...ids][parts.indexOf(part)]))));
    expect(enc.decode(ids)).toBe('😀');
  });
  it('round-trips long random text', () => {
    const text = randomText(rng(5), 5000);
    expect(enc.decode(enc.encode(text, { allowedSpecial: 'all' }))).toBe(text);
    expect(decoder.decode(enc.decodeBytes(enc.encodeOrdinary(text)))).toBe(text);
  });
});
