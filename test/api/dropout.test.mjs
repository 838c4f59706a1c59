// BPE-dropout (docs/inference.md): Hugging Face's merge_all with each popped merge skipped with
// probability p, drawn from the specified generator. Checked against a second implementation
// (test/support/inference-reference.mjs: a linear scan for the queue's least entry, the generator in
// BigInt arithmetic) piece by piece; p = 0 is encode, p = 1 one token per byte.
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { describeEncodings } from '../support/inference-encodings.mjs';
import { referenceGenerator, referenceMerge, regexPieces, vocabularyScan } from '../support/inference-reference.mjs';
import { randomText, randomTexts, rng } from '../support/random-text.mjs';
import { modelFile } from '../support/models-hf.mjs';

const err = (Type, code) => expect.objectContaining({ constructor: Type, code });

const texts = (seed, count) => randomTexts(seed, count, 30, ['', 'a', 'hello world', PARAGRAPHS[2].slice(0, 500), 'x<|endoftext|>y']);

describeEncodings(['o200k_base', 'r50k_base'], 'dropout on %s', (enc, name) => {
  const special = { allowedSpecial: 'all' };

  it('p = 0 equals encode; p = 1 gives one token per byte', () => {
    for (const text of texts(name.length, 40)) {
      const ids = enc.encode(text, special);
      expect([...enc.encode(text, { ...special, dropout: 0, seed: 1 })]).toEqual([...ids]);
      const bytes = enc.encode(text, { ...special, dropout: 1 });
      const specials = new Set(Object.values(enc.specialTokens));
      const ordinaryBytes = [...ids].filter((id) => !specials.has(id)).reduce((n, id) => n + enc.tokenBytes(id).length, 0);
      expect(bytes.filter((id) => !specials.has(id)).length).toBe(ordinaryBytes);
      expect(Buffer.from(enc.decodeBytes(bytes)).equals(Buffer.from(enc.decodeBytes(ids)))).toBe(true);
    }
  });

  it('the same seed gives the same ids, other seeds other ids, and the text always decodes back', () => {
    const text = PARAGRAPHS[0].slice(0, 800);
    const a = enc.encode(text, { dropout: 0.3, seed: 12345 });
    expect([...enc.encode(text, { dropout: 0.3, seed: 12345 })]).toEqual([...a]);
    const others = [1, 2, 3].map((seed) => [...enc.encode(text, { dropout: 0.3, seed })]);
    expect(others.some((ids) => ids.join() !== [...a].join())).toBe(true);
    for (const ids of [a, ...others]) expect(enc.decode(ids)).toBe(text);
    expect(a.length).toBeGreaterThan(enc.encode(text).length); // merges were skipped (English text: most tokens are merged)
  });
});

describe('dropout against the reference merge_all, piece by piece', () => {
  // r50k_base's pattern reads the same in JavaScript's RegExp, so the test can split by itself.
  const enc = getEncoding('r50k_base');
  const scan = vocabularyScan(enc);
  const pattern = new RegExp(enc.patternSource, 'gu');

  it('gives the reference ids for every seed and p', () => {
    const next = rng(99);
    for (let k = 0; k < 60; k++) {
      const text = k < 4 ? PARAGRAPHS[k].slice(0, 400) : randomText(next, 1 + Math.floor(next() * 25)).replace(/<\|endoftext\|>/g, '');
      const pieces = regexPieces(pattern, text);
      // The split matches the encoder's: encoding each piece alone gives encode(text).
      expect(pieces.flatMap((p) => [...enc.encodeOrdinary(p)])).toEqual([...enc.encodeOrdinary(text)]);
      for (const p of [0.05, 0.3, 0.9]) {
        const seed = Math.floor(next() * 2 ** 53);
        const random = referenceGenerator(seed);
        const expected = pieces.flatMap((piece) => referenceMerge(scan.ids, piece, p, random));
        expect([...enc.encode(text, { dropout: p, seed })]).toEqual(expected);
      }
    }
  });
});

describe('dropout arguments', () => {
  const enc = getEncoding('cl100k_base');
  it('refuses bad values with typed errors', () => {
    expect(() => enc.encode('x', { dropout: 1.5 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.encode('x', { dropout: -0.1 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.encode('x', { dropout: NaN })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('x', { dropout: '0.1' })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('x', { dropout: 0.1, seed: 1.5 })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('x', { dropout: 0.1, seed: -1 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.encode('x', { dropout: 0.1, seed: 2 ** 53 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.encode('x', { seed: 1 })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('x', { dropout: 0.1, method: 'least-tokens' })).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
    expect(() => enc.encode('<|endoftext|>', { dropout: 0.1 })).toThrow(expect.objectContaining({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
  });

  it('keeps maxTokens and addSpecialTokens', () => {
    const text = PARAGRAPHS[0].slice(0, 300);
    const full = enc.encode(text, { dropout: 0.5, seed: 7 });
    expect([...enc.encode(text, { dropout: 0.5, seed: 7, maxTokens: 10 })]).toEqual([...full.slice(0, 10)]);
  });

  it('is ERR_NOT_SUPPORTED for a SentencePiece-style encoding', () => {
    const sp = Encoding.fromTokenizerJson(modelFile('llama2'));
    expect(() => sp.encode('hello', { dropout: 0.1 })).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
  });
});
