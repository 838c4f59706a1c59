// The behaviour of the `js-tiktoken` npm package (1.0.21) as one suite, run against the package
// itself and against turbotoken/js-tiktoken: both must meet every expectation here.
import { describe, expect, it } from 'vitest';
import { expectSpecialRefused, moduleShape, MODELS, NOT_ALLOWED, NPM_ENCODINGS, plainError } from './compat-common.mjs';

export { NPM_ENCODINGS };
// js-tiktoken maps these two base models to older encodings than tiktoken does; turbotoken
// follows tiktoken (docs/api.md).
export const MAPPED_DIFFERENTLY = ['davinci-002', 'babbage-002'];

export function jsTiktokenSuite(label, api) {
  describe(`${label}: module`, () => {
    moduleShape(api, ['getEncoding', 'encodingForModel', 'getEncodingNameForModel', 'Tiktoken']);
    it('maps the models tiktoken lists', () => {
      for (const [model, encoding] of Object.entries(MODELS)) {
        if (!MAPPED_DIFFERENTLY.includes(model)) expect(api.getEncodingNameForModel(model)).toBe(encoding);
      }
      expect(api.encodingForModel('gpt-4o').encode('hello world')).toEqual([24912, 2375]);
    });
    it('throws plain Errors for unknown names', () => {
      expect(() => api.getEncoding('cl100k')).toThrow(plainError('Unknown encoding'));
      expect(() => api.getEncoding(42)).toThrow(plainError('Unknown encoding'));
      expect(() => api.getEncodingNameForModel('nope')).toThrow(plainError('Unknown model'));
      expect(() => api.encodingForModel('nope')).toThrow(plainError('Unknown model'));
    });
  });

  describe(`${label}: encode`, () => {
    const enc = api.getEncoding('cl100k_base');
    it('returns an array of numbers', () => {
      const ids = enc.encode('hello world');
      expect(Array.isArray(ids)).toBe(true);
      expect(ids).toEqual([15339, 1917]);
      expect(enc.encode('')).toEqual([]);
      expect(api.getEncoding('gpt2').encode('hello world')).toEqual([31373, 995]);
    });
    it('rejects special tokens by default, naming the first', () => {
      expectSpecialRefused(enc);
    });
    it("takes allowedSpecial as 'all' or any iterable of names", () => {
      expect(enc.encode('hi <|endoftext|>', 'all')).toEqual([6151, 220, 100257]);
      expect(enc.encode('hi <|endoftext|>', ['<|endoftext|>'])).toEqual([6151, 220, 100257]);
      expect(enc.encode('hi <|endoftext|>', new Set(['<|endoftext|>']))).toEqual([6151, 220, 100257]);
      expect(enc.encode('say hello', ['hello'])).toEqual([37890, 24748]);
      expect(enc.encode('hi', null)).toEqual([6151]);
    });
    it('reads a string other than all as its characters', () => {
      expect(() => enc.encode('hi <|endoftext|>', 'abc')).toThrow(plainError(`${NOT_ALLOWED}<|endoftext|>`));
      expect(() => enc.encode('hi no', [], 'none')).toThrow(plainError(`${NOT_ALLOWED}n`));
    });
    it('throws a TypeError for a set that is not iterable', () => {
      expect(() => enc.encode('hi', 5)).toThrow(TypeError);
      expect(() => enc.encode('hi', [], 5)).toThrow(TypeError);
    });
    it('encodes special-token text that is not disallowed as text', () => {
      const asText = [6151, 83739, 8862, 728, 428, 91, 29];
      expect(enc.encode('hi <|endoftext|>', [], [])).toEqual(asText);
      expect(enc.encode('hi <|endoftext|>', [], null)).toEqual(asText);
      expect(enc.encode('hi <|endoftext|>', [], ['<|fim_prefix|>'])).toEqual(asText);
    });
    it('checks disallowed strings literally, the first listed winning at one place', () => {
      expect(() => enc.encode('xabc', [], ['ab', 'abc'])).toThrow(plainError(`${NOT_ALLOWED}ab`));
      expect(() => enc.encode('xabc', [], ['abc', 'ab'])).toThrow(plainError(`${NOT_ALLOWED}abc`));
      expect(() => enc.encode('say hello', ['hello'], ['hello'])).toThrow(plainError(`${NOT_ALLOWED}hello`));
      expect(() => enc.encode('a.c', [], ['a.c'])).toThrow(plainError(`${NOT_ALLOWED}a.c`));
      expect(enc.encode('abc', [], ['a.c'])).toEqual([13997]);
      expect(() => enc.encode('x<|endoftext|>', 'all', ['<|endoftext|>'])).toThrow(plainError(`${NOT_ALLOWED}<|endoftext|>`));
    });
    it('throws a TypeError for text that is not a string', () => {
      for (const bad of [42, undefined, new Uint8Array([104])]) expect(() => enc.encode(bad)).toThrow(TypeError);
    });
  });

  describe(`${label}: decode`, () => {
    const enc = api.getEncoding('cl100k_base');
    it('returns a string', () => {
      expect(enc.decode([15339, 1917])).toBe('hello world');
      expect(enc.decode(new Uint32Array([15339]))).toBe('hello');
      expect(enc.decode([100257])).toBe('<|endoftext|>');
      expect(enc.decode([])).toBe('');
    });
    it('skips ids that are no token', () => {
      expect(enc.decode([15339, 100261, 1917])).toBe('hello world');
      expect(enc.decode([15339.5, -1, NaN, null, 2 ** 32])).toBe('');
      expect(enc.decode(42)).toBe('');
    });
    it('looks ids that are not numbers up as special tokens only', () => {
      expect(enc.decode(['15339', '100257'])).toBe('<|endoftext|>');
    });
    it('replaces a cut character with U+FFFD and drops a leading byte-order mark', () => {
      const [a] = enc.encode('😀');
      expect(enc.decode([a])).toBe('\ufffd');
      expect(enc.decode(enc.encode('\ufeffhi'))).toBe('hi');
    });
    it('throws a TypeError without tokens', () => {
      expect(() => enc.decode(undefined)).toThrow(TypeError);
    });
  });

  describe(`${label}: extra special tokens`, () => {
    it('adds them to getEncoding and encodingForModel', () => {
      const chatml = { '<|im_start|>': 100264, '<|im_end|>': 100265 };
      const enc = api.getEncoding('cl100k_base', chatml);
      expect(enc.encode('<|im_start|>x<|im_end|>', 'all')).toEqual([100264, 87, 100265]);
      expect(() => enc.encode('<|im_start|>')).toThrow(plainError(`${NOT_ALLOWED}<|im_start|>`));
      expect(enc.decode([100264, 87, 100257])).toBe('<|im_start|>x<|endoftext|>');
      expect(api.encodingForModel('gpt-4', chatml).encode('<|im_start|>', 'all')).toEqual([100264]);
    });
  });
}
