// maxTokens, isWithinTokenLimit, encodeWithOffsets and the threads option on custom encodings:
// the RegExp path (no native scanner) and a vocabulary without every byte give the same answers
// as their definitions on the whole encoding, as the shipped encodings do.
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../index.mjs';
import { comparisonTexts, PATTERNS, rankEntries, tiktokenText } from './support/custom-vocab.mjs';

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

it('a missing byte is an error from maxTokens, offsets and limits too', () => {
  const encoding = noTilde();
  const text = '1~1'; // '~' alone is a piece, and no token covers it
  for (const call of [
    () => encoding.encode(text, { maxTokens: 100 }),
    () => encoding.encodeWithOffsets(text),
    () => encoding.isWithinTokenLimit(text, 100),
  ]) {
    expect(call).toThrow(expect.objectContaining({ code: 'ERR_BYTE_NOT_IN_VOCABULARY' }));
  }
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
