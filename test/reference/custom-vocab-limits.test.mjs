// maxTokens, isWithinTokenLimit, encodeWithOffsets and the threads option on custom encodings:
// the RegExp path (no native scanner) and a vocabulary without every byte give the same answers
// as their definitions on the whole encoding, as the shipped encodings do.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { comparisonTexts, PATTERNS, rankEntries, tiktokenText } from '../support/custom-vocab.mjs';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');
const { FAMILY_CODE } = require('../../dist/cjs/pattern.js');
const { packVocabulary, readRanks } = require('../../dist/cjs/vocab-file.js');

const cl100k = rankEntries('cl100k_base');
const ranks = tiktokenText(cl100k);
const SPECIALS = { '<|endoftext|>': 100257 };
// No '~': the second encoding lacks that byte (its own test below).
const TEXTS = [...comparisonTexts(40, 5), 'héllo wörld 😀 <|endoftext|> x', 'a'.repeat(300)].filter((t) => !t.includes('~'));

function byteOffsetsFromTokens(encoding, tokens) {
  const out = [];
  let at = 0;
  for (const id of tokens) {
    out.push(at);
    at += encoding.tokenBytes(id).length;
  }
  return out;
}

const noTilde = () => new Encoding({ name: 'no_tilde', pattern: PATTERNS.cl100k, ranks: tiktokenText(cl100k.filter(([, b]) => !(b.length === 1 && b[0] === 0x7e))), specialTokens: SPECIALS });

describe('a vocabulary without a byte', () => {
  const encoding = noTilde();
  const missing = { code: 'ERR_BYTE_NOT_IN_VOCABULARY' };
  const text = '1~1'; // '~' alone is a piece, and no token covers it
  // Over 1 MiB, so that the threads option splits it (kParallelMinBytes); '~' is in the middle.
  const long = `${'hello world '.repeat(50000)}1~1${'hello world '.repeat(50000)}`;

  it('is an error from every way to encode or count', async () => {
    for (const call of [
      () => encoding.encode(text),
      () => encoding.encodeOrdinary(text),
      () => encoding.count(text),
      () => encoding.countTokens(text),
      () => encoding.encode(text, { maxTokens: 100 }),
      () => encoding.encodeWithOffsets(text),
      () => encoding.isWithinTokenLimit(text, 100),
      () => encoding.encodeBatch(['ok', text]),
      () => encoding.countBatch(['ok', text]),
      () => encoding.encode(long, { threads: 2 }),
      () => encoding.count(long, { threads: 2 }),
      () => encoding.encode(long),
    ]) {
      expect(call).toThrow(expect.objectContaining(missing));
    }
    await expect(encoding.encodeAsync(text)).rejects.toMatchObject(missing);
    await expect(encoding.countAsync(text)).rejects.toMatchObject(missing);
    await expect(encoding.encodeAsync(long, { threads: 2 })).rejects.toMatchObject(missing);
    await expect(encoding.countAsync(long, { threads: 2 })).rejects.toMatchObject(missing);
  });

  // Encoding hands such a vocabulary's calls to the synchronous single-thread methods; the core
  // handle must refuse it on its other entry points too.
  it("is an error from each of the backend handle's entry points", async () => {
    const entries = readRanks(tiktokenText(cl100k.filter(([, b]) => !(b.length === 1 && b[0] === 0x7e))));
    const handle = new native.NativeEncoding(packVocabulary(entries).blob, FAMILY_CODE.cl100k, [], []);
    for (const call of [
      () => handle.encode(text, null, null),
      () => handle.count(text, null, null),
      () => handle.encodePrefix(text, null, null, 100),
      () => handle.countUpTo(text, null, null, 100),
      () => handle.encodeWithOffsets(text, null, null),
      () => handle.encode(long, null, null, 2),
      () => handle.count(long, null, null, 2),
    ]) {
      expect(call).toThrow(expect.objectContaining(missing));
    }
    // The native backend's own async and batch methods (WebAssembly has none).
    expect(native.backend === 'native').toBe(typeof handle.batch === 'function');
    if (native.backend !== 'native') return;
    for (const countOnly of [false, true]) {
      expect(() => handle.batch(['ok', text], null, null, 2, countOnly)).toThrow(expect.objectContaining(missing));
    }
    for (const threads of [1, 2]) {
      await expect(handle.encodeAsync(long, null, null, threads)).rejects.toMatchObject(missing);
      await expect(handle.countAsync(long, null, null, threads)).rejects.toMatchObject(missing);
    }
  });

  it('is no error when the missing part lies past maxTokens or the token limit', () => {
    // '!~' is one piece; cl100k has no token '!~', so it merges to '!' and the missing '~'.
    const tail = '!~';
    expect(getEncoding('cl100k_base').encode(tail).length).toBe(2);
    expect([...encoding.encode(tail, { maxTokens: 1 })]).toEqual([...encoding.encode('!')]);
    expect(() => encoding.encode(tail, { maxTokens: 2 })).toThrow(expect.objectContaining(missing));
    expect(encoding.isWithinTokenLimit(tail, 0)).toBe(false); // counts to the first id only
    expect(() => encoding.isWithinTokenLimit(tail, 1)).toThrow(expect.objectContaining(missing));
    expect([...encoding.encode(text, { maxTokens: 1 })]).toEqual([...encoding.encode('1')]);
    expect(encoding.isWithinTokenLimit(text, 0)).toBe(false);
    expect(() => encoding.isWithinTokenLimit(text, 1)).toThrow(expect.objectContaining(missing));
  });
});

describe.each([
  ['RegExp path', () => new Encoding({ name: 'words', pattern: PATTERNS.words, ranks, specialTokens: SPECIALS })],
  ['native scanner, a byte missing', noTilde],
])('%s', (_label, make) => {
  const encoding = make();
  const options = { allowedSpecial: 'all' };

  it('encode with maxTokens is the prefix of the whole encoding', () => {
    for (const text of TEXTS) {
      const whole = encoding.encode(text, options);
      for (const n of [0, 1, 2, 5, whole.length, whole.length + 3]) {
        expect([...encoding.encode(text, { ...options, maxTokens: n })]).toEqual([...whole.slice(0, n)]);
      }
    }
  });

  it('isWithinTokenLimit agrees with count', () => {
    for (const text of TEXTS) {
      const count = encoding.count(text, options);
      expect(encoding.isWithinTokenLimit(text, count, options)).toBe(count);
      if (count > 0) expect(encoding.isWithinTokenLimit(text, count - 1, options)).toBe(false);
    }
  });

  it('encodeWithOffsets gives the tokens of encode and where each starts', () => {
    for (const text of TEXTS) {
      const { tokens, offsets, byteOffsets } = encoding.encodeWithOffsets(text, options);
      expect([...tokens]).toEqual([...encoding.encode(text, options)]);
      expect([...byteOffsets]).toEqual(byteOffsetsFromTokens(encoding, tokens));
      expect(offsets.length).toBe(tokens.length);
      for (let k = 1; k < offsets.length; k++) expect(offsets[k]).toBeGreaterThanOrEqual(offsets[k - 1]);
    }
  });

  it("gives each token's UTF-16 start: the character holding its first byte", () => {
    for (const text of ['héllo wörld 😀 naïve', 'x😀😀y', '中文字 ok']) {
      const { offsets, byteOffsets } = encoding.encodeWithOffsets(text);
      const unitAtByte = [];
      let units = 0;
      for (const ch of text) {
        const len = Buffer.byteLength(ch);
        for (let b = 0; b < len; b++) unitAtByte.push(units);
        units += ch.length;
      }
      expect([...offsets]).toEqual([...byteOffsets].map((b) => unitAtByte[b]));
    }
  });

  it('accepts threads and gives the same ids', () => {
    const text = TEXTS.join('\n').repeat(3);
    expect([...encoding.encode(text, { ...options, threads: 2 })]).toEqual([...encoding.encode(text, options)]);
  });
});
