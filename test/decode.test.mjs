// Decoding: text (ill-formed UTF-8 becomes U+FFFD as TextDecoder makes it) and bytes.
import v8 from 'node:v8';
import vm from 'node:vm';
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

// Long outputs take other paths than short ones: the text is written in blocks (a character cut
// by a block end must wait for its next bytes), all-ASCII text becomes a one-byte string, and
// long strings are handed to V8 without a copy. Each is held to TextDecoder on the same bytes.
describe.each(['cl100k_base', 'o200k_harmony', 'gpt2'])('%s decode of long id sequences', (name) => {
  const enc = getEncoding(name);
  const byteToken = (b) => enc.encodeSingleToken(Uint8Array.of(b));
  const fragments = Array.from({ length: 256 }, (_, b) => byteToken(b));
  const specials = enc.specialTokens ? Object.values(enc.specialTokens) : [];
  const words = [...enc.encode('plain words, then Ελληνικά, Русский, 中文字符, 😀👍🏽 and more', { allowedSpecial: 'all' })];
  const check = (ids) => {
    const bytes = enc.decodeBytes(ids);
    expect(enc.decode(ids)).toBe(decoder.decode(bytes));
  };
  it('equals TextDecoder on random mixes of byte fragments, words and special tokens', async () => {
    const next = rng(7 + name.length);
    for (let round = 0; round < 12; round++) {
      const length = 2000 + Math.floor(next() * 20000);
      const ids = new Uint32Array(length);
      for (let k = 0; k < length; k++) {
        const pick = next();
        if (pick < 0.45) ids[k] = fragments[0x80 + Math.floor(next() * 128)];
        else if (pick < 0.55) ids[k] = fragments[Math.floor(next() * 128)];
        else if (pick < 0.56 && specials.length) ids[k] = specials[Math.floor(next() * specials.length)];
        else ids[k] = words[Math.floor(next() * words.length)];
      }
      check(ids);
      if (round < 3) expect(await enc.decodeAsync(ids)).toBe(decoder.decode(enc.decodeBytes(ids)));
    }
  });
  it('equals TextDecoder where a character is cut at every offset around the block size', () => {
    // One leading ASCII byte more each time moves the four-byte emoji across any fixed block end.
    const emoji = [...enc.encode('😀')].flatMap((id) => [...enc.tokenBytes(id)]).map(byteToken);
    for (let lead = 4000; lead < 4200; lead += 1) {
      const ids = [...Array(lead).fill(fragments[0x61]), ...emoji, ...emoji.slice(0, 2), fragments[0x62], ...emoji];
      check(ids);
    }
  });
  it('gives all-ASCII and long non-ASCII text as ordinary strings', () => {
    const ascii = enc.encode('The quick brown fox jumps over the lazy dog. '.repeat(2000));
    const text = enc.decode(ascii);
    expect(text).toBe('The quick brown fox jumps over the lazy dog. '.repeat(2000));
    expect(text.slice(4, 9) + text.length).toBe('quick' + 90000);
    const wide = 'Русский текст и 中文 '.repeat(3000);
    const back = enc.decode(enc.encode(wide));
    expect(back).toBe(wide);
    expect(back.split(' ').length).toBe(wide.split(' ').length);
  });
});

describe('decode and memory', () => {
  // Each decode's text must be freed by the garbage collection that frees its string, not later
  // from the event loop: a synchronous loop would otherwise hold every one until it yields.
  it('a synchronous loop of large decodes holds no more than a few of them', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const enc = getEncoding('o200k_base');
    const ids = enc.encode('Русский текст, 中文, and English words. '.repeat(25_000));  // ~1.2 MB of text
    let length = 0;
    for (let i = 0; i < 5; i++) length += enc.decode(ids).length;
    gc();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 150; i++) length += enc.decode(ids).length;  // ~2 MB of UTF-16 each, 300 MB in all
    gc();
    const growthMb = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(length).toBeGreaterThan(0);
    expect(growthMb).toBeLessThan(100);
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
