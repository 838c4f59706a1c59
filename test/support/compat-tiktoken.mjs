// The behaviour of the `tiktoken` npm package (1.0.22) as one suite, run against the package
// itself and against turbotoken/tiktoken: both must meet every expectation here.
import { describe, expect, it } from 'vitest';
import { expectSpecialRefused, moduleShape, MODELS, NOT_ALLOWED, NPM_ENCODINGS, plainError } from './compat-common.mjs';

export { NPM_ENCODINGS };
const UNWRAP = 'called `Result::unwrap_throw()` on an `Err` value';
const bytes = (text) => new TextEncoder().encode(text);
const text = (u8) => new TextDecoder().decode(u8);

export function tiktokenSuite(label, api) {
  describe(`${label}: module`, () => {
    // Each with that name; free() is tiktoken's.
    moduleShape(api, ['get_encoding', 'encoding_for_model', 'get_encoding_name_for_model', 'Tiktoken'], (enc, name) => {
      expect(enc.name).toBe(name);
      enc.free();
    });
    it('maps every model of its model_to_encoding.json', () => {
      for (const [model, encoding] of Object.entries(MODELS)) expect(api.get_encoding_name_for_model(model)).toBe(encoding);
      // The original builds a whole encoding per call: one model per encoding is enough here.
      for (const model of ['gpt-4o', 'gpt-4', 'text-davinci-003', 'text-davinci-edit-001', 'davinci', 'gpt2']) {
        expect(api.encoding_for_model(model).name).toBe(MODELS[model]);
      }
    });
    it('throws plain Errors for unknown names', () => {
      expect(() => api.get_encoding('cl100k')).toThrow(plainError('Invalid encoding'));
      expect(() => api.encoding_for_model('nope')).toThrow(plainError('Invalid model: nope'));
      expect(() => api.get_encoding_name_for_model('davinci-3')).toThrow(plainError('Invalid model: davinci-3'));
    });
    it('throws for names that are not strings', () => {
      expect(() => api.get_encoding(undefined)).toThrow(TypeError);
      expect(() => api.get_encoding(42)).toThrow();
    });
  });

  describe(`${label}: encode`, () => {
    const enc = api.get_encoding('cl100k_base');
    it('returns a Uint32Array', () => {
      const ids = enc.encode('hello world');
      expect(ids).toBeInstanceOf(Uint32Array);
      expect([...ids]).toEqual([15339, 1917]);
      expect([...enc.encode('')]).toEqual([]);
      expect([...api.get_encoding('o200k_base').encode('hello world')]).toEqual([24912, 2375]);
      expect([...api.get_encoding('gpt2').encode('hello world')]).toEqual([31373, 995]);
    });
    it('encodes lone surrogates as U+FFFD', () => {
      expect([...enc.encode('a\ud800b')]).toEqual([...enc.encode('a\ufffdb')]);
    });
    it('rejects special tokens by default, naming the first', () => {
      expectSpecialRefused(enc);
      expect(() => enc.encode('x', [], 'all')).not.toThrow();
    });
    it("takes allowed_special as 'all' or an array", () => {
      expect([...enc.encode('hi <|endoftext|>', 'all')]).toEqual([6151, 220, 100257]);
      expect([...enc.encode('hi <|endoftext|>', ['<|endoftext|>'])]).toEqual([6151, 220, 100257]);
      expect([...enc.encode('<|endoftext|><|endoftext|>', ['<|endoftext|>', '<|endoftext|>'])]).toEqual([100257, 100257]);
    });
    it('ignores allowed_special values that are not arrays of strings', () => {
      for (const value of [new Set(['<|endoftext|>']), null, 5, {}, ['<|endoftext|>', 5], [['<|endoftext|>']]]) {
        expect(() => enc.encode('hi <|endoftext|>', value)).toThrow(plainError(`${NOT_ALLOWED}<|endoftext|>`));
      }
      expect([...enc.encode('say hello', ['hello', '<|nope|>'])]).toEqual([37890, 24748]);
      expect([...enc.encode('<|endoftext|>', { toJSON: () => ['<|endoftext|>'] })]).toEqual([100257]);
    });
    it('rejects other strings for either set', () => {
      expect(() => enc.encode('hi', 'some')).toThrow(plainError('Invalid value for allowed_special'));
      expect(() => enc.encode('hi', [], 'none')).toThrow(plainError('Invalid value for disallowed_special'));
      expect(() => enc.encode('hi', 'x', 'y')).toThrow(plainError('Invalid value for allowed_special'));
    });
    it('encodes special-token text that is neither allowed nor disallowed as text', () => {
      const asText = [6151, 83739, 8862, 728, 428, 91, 29];
      expect([...enc.encode('hi <|endoftext|>', [], [])]).toEqual(asText);
      expect([...enc.encode('hi <|endoftext|>', undefined, [])]).toEqual(asText);
      expect([...enc.encode('hi <|endoftext|>', [], ['<|fim_prefix|>'])]).toEqual(asText);
      expect(() => enc.encode('hi <|fim_prefix|>', [], ['<|fim_prefix|>'])).toThrow(plainError(`${NOT_ALLOWED}<|fim_prefix|>`));
    });
    it('reads unparsable disallowed_special as every special token not allowed', () => {
      for (const value of [null, 5, {}, new Set()]) {
        expect(() => enc.encode('x<|endoftext|>', [], value)).toThrow(plainError(`${NOT_ALLOWED}<|endoftext|>`));
        expect([...enc.encode('x<|endoftext|>', ['<|endoftext|>'], value)]).toEqual([87, 100257]);
      }
    });
    it('checks disallowed strings literally, even ones that are no special token', () => {
      expect(() => enc.encode('say hello', [], ['hello'])).toThrow(plainError(`${NOT_ALLOWED}hello`));
      expect(() => enc.encode('say hello', ['hello'], ['hello'])).toThrow(plainError(`${NOT_ALLOWED}hello`));
      expect(() => enc.encode('a <|nope|>', [], ['<|nope|>'])).toThrow(plainError(`${NOT_ALLOWED}<|nope|>`));
      expect(() => enc.encode('a.c', [], ['a.c'])).toThrow(plainError(`${NOT_ALLOWED}a.c`));
      expect([...enc.encode('abc', [], ['a.c'])]).toEqual([13997]);
      expect(() => enc.encode('x', [], [''])).toThrow(plainError(NOT_ALLOWED));
      expect(() => enc.encode('x<|endoftext|>', 'all', ['<|endoftext|>'])).toThrow(plainError(`${NOT_ALLOWED}<|endoftext|>`));
      expect([...enc.encode('x<|endoftext|>', 'all', 'all')]).toEqual([87, 100257]);
    });
    it('encode_ordinary treats special-token text as text', () => {
      expect([...enc.encode_ordinary('<|endoftext|>')]).toEqual([27, 91, 8862, 728, 428, 91, 29]);
      expect(enc.encode_ordinary('hello')).toBeInstanceOf(Uint32Array);
      expect(() => enc.encode_ordinary(undefined)).toThrow(TypeError);
    });
  });

  describe(`${label}: tokens and bytes`, () => {
    const enc = api.get_encoding('cl100k_base');
    it('decode returns the bytes of any array-like of ids', () => {
      const out = enc.decode(new Uint32Array([15339, 1917]));
      expect(out).toBeInstanceOf(Uint8Array);
      expect(text(out)).toBe('hello world');
      expect(text(enc.decode([15339.7, 1917]))).toBe('hello world');
      expect(text(enc.decode([2 ** 32 + 15339]))).toBe('hello');
      expect(text(enc.decode(['15339']))).toBe('hello');
      expect(text(enc.decode(new Uint32Array([100257])))).toBe('<|endoftext|>');
      expect([...enc.decode(new Uint32Array([]))]).toEqual([]);
      expect([...enc.decode(new Set([15339]))]).toEqual([]);
      expect([...enc.decode(42)]).toEqual([]);
      expect(() => enc.decode(undefined)).toThrow(TypeError);
    });
    it('decode keeps bytes that are not UTF-8', () => {
      const [a, b] = enc.encode('😀');
      expect([...enc.decode([a])].length).toBeGreaterThan(0);
      expect(text(enc.decode([a, b]))).toBe('😀');
    });
    it('decode of an id that is no token panics as a WebAssembly RuntimeError', () => {
      for (const ids of [[1, 100261], [-1], [4294967295]]) {
        expect(() => enc.decode(ids)).toThrow(WebAssembly.RuntimeError);
        expect(() => enc.decode(ids)).toThrow('unreachable');
      }
    });
    it('decode_single_token_bytes reads the id as a u32', () => {
      expect(text(enc.decode_single_token_bytes(15339))).toBe('hello');
      expect(text(enc.decode_single_token_bytes(100257))).toBe('<|endoftext|>');
      expect(text(enc.decode_single_token_bytes('15339'))).toBe('hello');
      expect(text(enc.decode_single_token_bytes(15339.9))).toBe('hello');
      expect(text(enc.decode_single_token_bytes(2 ** 32 + 15339))).toBe('hello');
      expect([...enc.decode_single_token_bytes(null)]).toEqual([33]);
      for (const bad of [100261, -1, 1e10]) expect(() => enc.decode_single_token_bytes(bad)).toThrow(plainError(UNWRAP));
    });
    it('encode_single_token takes bytes (any array-like) of one token', () => {
      expect(enc.encode_single_token(bytes('hello'))).toBe(15339);
      expect(enc.encode_single_token(Buffer.from('hello'))).toBe(15339);
      expect(enc.encode_single_token([104, 101, 108, 108, 111])).toBe(15339);
      expect(enc.encode_single_token(bytes('xhello').subarray(1))).toBe(15339);
      expect(enc.encode_single_token(bytes('<|endoftext|>'))).toBe(100257);
      for (const bad of [bytes('hello world, friends'), new Uint8Array(), 42]) expect(() => enc.encode_single_token(bad)).toThrow(plainError(UNWRAP));
      expect(() => enc.encode_single_token(undefined)).toThrow(TypeError);
    });
    it('token_byte_values lists the ordinary tokens, sorted bytewise', () => {
      const values = enc.token_byte_values();
      expect(values).toHaveLength(100256);
      expect(values.slice(0, 3)).toEqual([[0], [1], [2]]);
      expect(values.at(-1)).toEqual([255]);
      expect(Array.isArray(values[500])).toBe(true);
      for (let i = 1; i < values.length; i += 997) expect(Buffer.compare(Buffer.from(values[i - 1]), Buffer.from(values[i]))).toBe(-1);
      expect(api.get_encoding('p50k_base').token_byte_values()).toHaveLength(50280);
    });
    it('p50k_base decodes 50256 as <|endoftext|>', () => {
      const p50k = api.get_encoding('p50k_base');
      expect(text(p50k.decode_single_token_bytes(50256))).toBe('<|endoftext|>');
      expect(p50k.encode_single_token(bytes('<|endoftext|>'))).toBe(50256);
      expect(() => p50k.encode_single_token(new Uint8Array([0xe7, 0x4d, 0xb9]))).toThrow(plainError(UNWRAP));
    });
  });

  describe(`${label}: extend_special_tokens`, () => {
    const chatml = { '<|im_start|>': 100264, '<|im_end|>': 100265 };
    it('adds special tokens to get_encoding and encoding_for_model', () => {
      const enc = api.get_encoding('cl100k_base', chatml);
      expect(enc.name).toBe('cl100k_base');
      expect([...enc.encode('<|im_start|>hi<|im_end|>', 'all')]).toEqual([100264, 6151, 100265]);
      expect([...enc.encode('<|im_start|>hi', ['<|im_start|>'])]).toEqual([100264, 6151]);
      expect(() => enc.encode('<|im_start|>')).toThrow(plainError(`${NOT_ALLOWED}<|im_start|>`));
      expect(text(enc.decode(new Uint32Array([100264, 6151, 100257])))).toBe('<|im_start|>hi<|endoftext|>');
      expect(text(enc.decode_single_token_bytes(100265))).toBe('<|im_end|>');
      expect(enc.encode_single_token(bytes('<|im_end|>'))).toBe(100265);
      expect(enc.token_byte_values()).toHaveLength(100256);
      expect([...api.encoding_for_model('gpt-4', chatml).encode('<|im_start|>hi', 'all')]).toEqual([100264, 6151]);
    });
    it('lets ordinary tokens win over an extra token with the same id or text', () => {
      const enc = api.get_encoding('cl100k_base', { '<|x|>': 15339, hello: 100300 });
      expect([...enc.encode('<|x|>', 'all')]).toEqual([15339]);
      expect(text(enc.decode([15339]))).toBe('hello');
      expect(enc.encode_single_token(bytes('hello'))).toBe(15339);
      expect([...enc.encode('say hello', 'all')]).toEqual([37890, 220, 100300]);
    });
    it('ignores an extension that is not a map of names to u32 ids', () => {
      for (const bad of [null, 'abc', ['a'], { '<|x|>': -1 }, { '<|x|>': 1.5 }, { '<|x|>': 'a' }, { '<|x|>': 2 ** 32 + 5 }]) {
        expect([...api.get_encoding('cl100k_base', bad).encode('<|x|>', 'all')]).toEqual([27, 91, 87, 91, 29]);
      }
    });
  });
}
