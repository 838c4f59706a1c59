// turbotoken/tiktoken against the tiktoken package: the shared suite (which test/compat-originals
// runs against the package itself), then token-for-token checks on random text and real
// paragraphs, then what only turbotoken's layer does.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as original from 'tiktoken';
import * as ours from '../../tiktoken.mjs';
import { TurbotokenError } from '../../index.mjs';
import { NPM_ENCODINGS, tiktokenSuite } from '../support/compat-tiktoken.mjs';
import {
  CALLS, CONSTRUCTOR_SPECIALS, EXTRA_SPECIALS, EXTRA_TEXTS, cl100kData, constructorPatterns, constructorTexts, differentialTexts, framed,
  tiktokenReference, valueOrMessage,
} from '../support/compat-tiktoken-cases.mjs';

const require = createRequire(import.meta.url);

tiktokenSuite('turbotoken/tiktoken', ours);

// tiktoken's answers come from a committed book (test/support/compat-tiktoken-cases.mjs); an answer
// that is not the book's is held to tiktoken itself.
describe.each(NPM_ENCODINGS)('turbotoken/tiktoken equals tiktoken on %s', (name) => {
  const enc = ours.get_encoding(name);
  const texts = differentialTexts(name);
  const answer = (encoder, how, text) => valueOrMessage(() => CALLS[how](encoder, text));
  it('encode, encode_ordinary and decode', () => {
    const ref = tiktokenReference('encoding', name);
    // The digests compare values; tiktoken's classes are these.
    expect([answer(enc, 'all', texts[0]), answer(enc, 'ordinary', texts[0]), answer(enc, 'none', texts[0])].map((ids) => ids.constructor)).toEqual([Uint32Array, Uint32Array, Uint32Array]);
    expect(answer(enc, 'decode', texts[0])).toBeInstanceOf(Uint8Array);
    for (const text of texts) {
      for (const how of ['all', 'ordinary', 'none', 'decode']) expect(ref.mismatch(how, text, answer(enc, how, text))).toBeNull();
    }
  });
  it('the same errors for disallowed special tokens', () => {
    const ref = tiktokenReference('encoding', name);
    let refused = 0;
    for (const text of texts) {
      const ours = answer(enc, 'plain', text);
      if (typeof ours === 'string') refused++;
      expect(ref.mismatch('plain', text, ours)).toBeNull();
    }
    expect(refused).toBeGreaterThan(0);
  });
  it('with extra special tokens', () => {
    const encX = ours.get_encoding(name, EXTRA_SPECIALS);
    const refX = tiktokenReference('extra', name);
    for (const text of texts.slice(0, EXTRA_TEXTS)) {
      for (const how of ['all', 'sep', 'decode']) expect(refX.mismatch(how, framed(text), answer(encX, how, framed(text)))).toBeNull();
    }
  });
});

describe('turbotoken/tiktoken beyond the original', () => {
  it('is the same module from ESM and CommonJS', () => {
    const cjs = require('../../dist/cjs/compat/tiktoken.js');
    for (const name of ['get_encoding', 'encoding_for_model', 'get_encoding_name_for_model', 'Tiktoken']) expect(ours[name]).toBe(cjs[name]);
  });
  it('new Tiktoken(ranks, specials, pattern) builds the same encoder as tiktoken', () => {
    const data = cl100kData();
    for (const [key, pattern] of constructorPatterns()) {
      const mine = new ours.Tiktoken(data.bpe_ranks, CONSTRUCTOR_SPECIALS, pattern);
      const theirs = tiktokenReference('constructor', key);
      expect(theirs.mismatch('name', '', CALLS.name(mine))).toBeNull();
      for (const text of constructorTexts()) {
        expect(theirs.mismatch('all', text, mine.encode(text, 'all'))).toBeNull();
        expect(theirs.mismatch('ordinary', text, mine.encode_ordinary(text))).toBeNull();
      }
      expect([...mine.decode(mine.encode('<|x|>', 'all'))]).toEqual([...Buffer.from('<|x|>')]);
    }
    expect(() => new ours.Tiktoken('not base64 x', {}, data.pat_str)).toThrow(expect.objectContaining({ constructor: TurbotokenError, code: 'ERR_INVALID_VOCABULARY' }));
  });
  it('free() is harmless: the encoding still works afterwards', () => {
    const enc = ours.get_encoding('cl100k_base');
    enc.free();
    enc.free();
    expect([...enc.encode('hello')]).toEqual([15339]);
  });
  it("follows tiktoken's Python model map: prefixes and newer models", () => {
    expect(ours.get_encoding_name_for_model('gpt-4o-2099-01-01')).toBe('o200k_base');
    expect(ours.get_encoding_name_for_model('ft:gpt-4o-mini:org::id')).toBe('o200k_base');
    expect(ours.get_encoding_name_for_model('gpt-oss-20b')).toBe('o200k_harmony');
    expect(() => original.get_encoding_name_for_model('gpt-4o-2099-01-01')).toThrow('Invalid model');
  });
  it('also has o200k_harmony', () => {
    const enc = ours.get_encoding('o200k_harmony');
    expect([...enc.encode('<|start|>hi', 'all')]).toEqual([200006, 3686]);
  });
  it('rejects text that is not a string with a TypeError', () => {
    const enc = ours.get_encoding('cl100k_base');
    for (const bad of [42, new Uint8Array([104]), null]) expect(() => enc.encode(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
