// turbotoken/tiktoken against the tiktoken package: the shared suite (which test/compat-originals
// runs against the package itself), then token-for-token checks on random text and real
// paragraphs, then what only turbotoken's layer does.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as original from 'tiktoken';
import * as ours from '../../tiktoken.mjs';
import { TurbotokenError } from '../../index.mjs';
import { NPM_ENCODINGS, tiktokenSuite } from '../support/compat-tiktoken.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);

tiktokenSuite('turbotoken/tiktoken', ours);

describe.each(NPM_ENCODINGS)('turbotoken/tiktoken equals tiktoken on %s', (name) => {
  const ref = original.get_encoding(name);
  const enc = ours.get_encoding(name);
  const next = rng(0x71c + name.length);
  const texts = [...PARAGRAPHS, ...Array.from({ length: 150 }, () => randomText(next, 30))];
  it('encode, encode_ordinary and decode', () => {
    for (const text of texts) {
      expect(enc.encode(text, 'all')).toEqual(ref.encode(text, 'all'));
      expect(enc.encode_ordinary(text)).toEqual(ref.encode_ordinary(text));
      expect(enc.encode(text, [], [])).toEqual(ref.encode(text, [], []));
      const ids = ref.encode(text, 'all');
      expect(enc.decode(ids)).toEqual(ref.decode(ids));
    }
  });
  it('the same errors for disallowed special tokens', () => {
    for (const text of texts) {
      let expected;
      try { ref.encode(text); } catch (e) { expected = e.message; }
      if (expected) expect(() => enc.encode(text)).toThrow(expected);
      else expect(enc.encode(text)).toEqual(ref.encode(text));
    }
  });
  it('with extra special tokens', () => {
    const extra = { '<|im_start|>': 100264, '<|im_end|>': 100265, '[[sep]]': 100300 };
    const refX = original.get_encoding(name, extra);
    const encX = ours.get_encoding(name, extra);
    for (const text of texts.slice(0, 40)) {
      const framed = `<|im_start|>${text}[[sep]]<|im_end|>`;
      expect(encX.encode(framed, 'all')).toEqual(refX.encode(framed, 'all'));
      expect(encX.encode(framed, ['[[sep]]'], [])).toEqual(refX.encode(framed, ['[[sep]]'], []));
      expect(encX.decode(refX.encode(framed, 'all'))).toEqual(refX.decode(refX.encode(framed, 'all')));
    }
  });
});

describe('turbotoken/tiktoken beyond the original', () => {
  it('is the same module from ESM and CommonJS', () => {
    const cjs = require('../../dist/cjs/compat/tiktoken.js');
    for (const name of ['get_encoding', 'encoding_for_model', 'get_encoding_name_for_model', 'Tiktoken']) expect(ours[name]).toBe(cjs[name]);
  });
  it('new Tiktoken(ranks, specials, pattern) builds the same encoder as tiktoken', () => {
    const data = require('tiktoken/encoders/cl100k_base.json');
    const specials = { '<|endoftext|>': 100257, '<|x|>': 100300 };
    const qwen2 = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
    for (const pattern of [data.pat_str, qwen2]) {
      const mine = new ours.Tiktoken(data.bpe_ranks, specials, pattern);
      const theirs = new original.Tiktoken(data.bpe_ranks, specials, pattern);
      expect(mine.name).toBe(theirs.name);
      const next = rng(5);
      for (let k = 0; k < 40; k++) {
        const text = randomText(next, 20) + ' <|x|> 12345';
        expect([...mine.encode(text, 'all')]).toEqual([...theirs.encode(text, 'all')]);
        expect([...mine.encode_ordinary(text)]).toEqual([...theirs.encode_ordinary(text)]);
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
