// encode(text, { method }) (docs/inference.md): each method against a brute-force tokenizer of
// each piece; 'least-tokens' never gives more tokens than 'merge'; every method spells the text.
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { describeEncodings } from '../support/inference-encodings.mjs';
import { referenceLeastTokens, referenceLongestPrefix, referenceLongFirst, referenceMerge, regexPieces, vocabularyScan } from '../support/inference-reference.mjs';
import { randomText, randomTexts, rng } from '../support/random-text.mjs';
import { modelFile } from '../support/models-hf.mjs';

const METHODS = ['merge', 'longest-prefix', 'least-tokens', 'long-token-first'];

const texts = (seed, count) => randomTexts(seed, count, 30, ['', 'a', 'hello world', PARAGRAPHS[4].slice(0, 500), 'x<|endoftext|>y', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']);

// o200k_base is in dropout.test.mjs (its pattern's first compile for the split is the slow part).
describeEncodings(['cl100k_base'], 'methods on %s', (enc, name) => {
  const special = { allowedSpecial: 'all' };

  it("spell the text; 'merge' is encode; 'least-tokens' is never longer than 'merge'", () => {
    let shorter = 0;
    for (const text of texts(name.length, 40)) {
      const ids = enc.encode(text, special);
      expect([...enc.encode(text, { ...special, method: 'merge' })]).toEqual([...ids]);
      for (const method of METHODS) {
        const got = enc.encode(text, { ...special, method });
        expect(got).toBeInstanceOf(Uint32Array);
        expect(Buffer.from(enc.decodeBytes(got)).equals(Buffer.from(enc.decodeBytes(ids)))).toBe(true);
        expect([...enc.encode(text, { ...special, method, maxTokens: 3 })]).toEqual([...got.slice(0, 3)]);
      }
      const least = enc.encode(text, { ...special, method: 'least-tokens' });
      expect(least.length).toBeLessThanOrEqual(ids.length);
      if (least.length < ids.length) shorter++;
    }
    expect(shorter).toBeGreaterThan(0);
  });
});

describe('methods against brute force, piece by piece (r50k_base)', () => {
  const enc = getEncoding('r50k_base');
  const scan = vocabularyScan(enc);
  const pattern = new RegExp(enc.patternSource, 'gu');
  const next = rng(5);
  const list = [...PARAGRAPHS.slice(0, 3).map((p) => p.slice(0, 300))];
  for (let k = 0; k < 60; k++) list.push(randomText(next, 1 + Math.floor(next() * 25)).replace(/<\|endoftext\|>/g, ''));

  const references = {
    merge: (piece) => referenceMerge(scan.ids, piece, 0, null),
    'longest-prefix': (piece) => referenceLongestPrefix(scan.ids, scan.maxLength, piece),
    'least-tokens': (piece) => referenceLeastTokens(scan.ids, scan.maxLength, piece),
    'long-token-first': (piece) => referenceLongFirst(scan.ids, piece),
  };

  it.each(METHODS)('%s', (method) => {
    for (const text of list) {
      const pieces = regexPieces(pattern, text);
      expect(pieces.flatMap((p) => [...enc.encodeOrdinary(p)])).toEqual([...enc.encodeOrdinary(text)]);
      expect([...enc.encode(text, { method })]).toEqual(pieces.flatMap((piece) => references[method](piece)));
    }
  });
});

describe('method arguments', () => {
  const enc = getEncoding('cl100k_base');
  it('refuses unknown methods with a typed error', () => {
    for (const method of ['greedy', '', 42, null, {}]) {
      expect(() => enc.encode('x', { method })).toThrow(expect.objectContaining({ constructor: TypeError, code: 'ERR_INVALID_ARG_TYPE' }));
    }
  });

  it('throws ERR_BYTE_NOT_IN_VOCABULARY where no token covers a byte', () => {
    const ranks = new Map([[Buffer.from('a'), 0], [Buffer.from('b'), 1], [Buffer.from('ab'), 2]]);
    const small = new Encoding({ name: 'small', pattern: String.raw`\S+|\s+`, ranks, specialTokens: {} });
    expect([...small.encode('abab', { method: 'least-tokens' })]).toEqual([2, 2]);
    for (const method of METHODS.slice(1)) expect(() => small.encode('abc', { method })).toThrow(expect.objectContaining({ code: 'ERR_BYTE_NOT_IN_VOCABULARY' }));
  });

  it('is ERR_NOT_SUPPORTED for a SentencePiece-style encoding', () => {
    const sp = Encoding.fromTokenizerJson(modelFile('llama2'));
    expect(() => sp.encode('hello', { method: 'least-tokens' })).toThrow(expect.objectContaining({ code: 'ERR_NOT_SUPPORTED' }));
  });
});
