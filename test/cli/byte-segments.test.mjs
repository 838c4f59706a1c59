// The corpus command cuts plain-text files as raw bytes (ByteSegmenter in src/safe-cut.ts): the segments
// join to the input, and encoding them one by one gives exactly the ids of the whole, also when
// the bytes are not valid UTF-8 (each part is then read as TextDecoder reads it).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { ByteSegmenter } = require('../../dist/cjs/safe-cut.js');

const NOISE = [[0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xed, 0xa0, 0x80], [0xc0, 0xaf]];

function bytesOf(next) {
  const parts = [];
  for (let i = 0; i < 30; i++) {
    parts.push(Buffer.from(randomText(next, 3)));
    if (next() < 0.2) parts.push(Buffer.from(NOISE[Math.floor(next() * NOISE.length)]));
    if (next() < 0.3) parts.push(Buffer.from(next() < 0.5 ? 'x ' : 'a\tb'));
  }
  return Buffer.concat(parts);
}

function segmentAll(bytes, target, next) {
  const segmenter = new ByteSegmenter(target, true);
  const out = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * 40);
    out.push(...segmenter.push(Uint8Array.prototype.slice.call(bytes, at, at + size)));
    at += size;
  }
  out.push(segmenter.end());
  return out;
}

describe.each(['cl100k_base', 'o200k_base', 'gpt2'])('byte segments on %s', (name) => {
  const enc = getEncoding(name);

  it('join to the input and encode to the ids of the whole', () => {
    const next = rng(0xb17e + name.length);
    let cuts = 0;
    for (let i = 0; i < 150; i++) {
      const bytes = bytesOf(next);
      const segments = segmentAll(bytes, 1 + Math.floor(next() * 30), next);
      expect(Buffer.concat(segments).equals(bytes)).toBe(true);
      const ids = segments.flatMap((s) => [...enc.encode(s, { disallowedSpecial: [] })]);
      expect(ids).toEqual([...enc.encode(bytes, { disallowedSpecial: [] })]);
      cuts += segments.length - 1;
    }
    expect(cuts).toBeGreaterThan(1000);
  });

  it('cut only before an ASCII space or tab that follows a visible ASCII character', () => {
    const next = rng(7);
    const bytes = bytesOf(next);
    let at = 0;
    for (const segment of segmentAll(bytes, 1, next).slice(0, -1)) {
      at += segment.length;
      expect([0x20, 0x09]).toContain(bytes[at]);
      expect(bytes[at - 1] >= 0x21 && bytes[at - 1] <= 0x7e).toBe(true);
    }
  });

  it('never cuts when disabled, nor text without such a pair', () => {
    const off = new ByteSegmenter(1, false);
    expect(off.push(Buffer.from('a b c d'))).toEqual([]);
    expect(Buffer.from(off.end()).toString()).toBe('a b c d');
    const cjk = new ByteSegmenter(1, true);
    expect(cjk.push(Buffer.from('中文 日本語\n한국어  x\n y'))).toEqual([]);
  });
});
