// gpt-tokenizer's (4.0.0) conveniences as one suite over an adapter with its function shapes,
// run against the package's per-model modules and against turbotoken's Encoding methods.
// Where gpt-tokenizer's special tokens or splitting differ from tiktoken's, this suite stays out
// (see compat-gpt-tokenizer.test.mjs); everything asserted here holds for both.
import { describe, expect, it } from 'vitest';

export const CHAT = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'What is 2+2?' },
  { role: 'assistant', name: 'calc', content: '4' },
];

// encodeChat(CHAT) as gpt-tokenizer frames it, per model.
export const FRAMED = {
  'gpt-4o': [200003, 17360, 200005, 3575, 553, 261, 10297, 29186, 13, 200004, 200003, 1428, 200005, 4827, 382, 220, 17, 10, 17, 30, 200004, 200003, 49633, 200005, 19, 200004, 200003, 173781, 200005],
  'gpt-4': [100264, 9125, 100266, 2675, 527, 264, 11190, 18328, 13, 100265, 100264, 882, 100266, 3923, 374, 220, 17, 10, 17, 30, 100265, 100264, 27684, 100266, 19, 100265, 100264, 78191, 100266],
  'gpt-3.5-turbo': [100264, 9125, 198, 2675, 527, 264, 11190, 18328, 13, 100265, 198, 100264, 882, 198, 3923, 374, 220, 17, 10, 17, 30, 100265, 198, 100264, 27684, 198, 19, 100265, 198, 100264, 78191, 198],
  'gpt-oss-20b': [200006, 17360, 200008, 3575, 553, 261, 10297, 29186, 13, 200007, 200006, 1428, 200008, 4827, 382, 220, 17, 10, 17, 30, 200007, 200006, 49633, 200008, 19, 200007, 200006, 173781],
};
const UNPRIMED = {
  'gpt-4o': [200003, 1428, 200005, 3686, 200004, 200005],
  'gpt-4': [100264, 882, 100266, 6151, 100265, 100266],
  'gpt-3.5-turbo': [100264, 882, 198, 6151, 100265, 198, 198],
  'gpt-oss-20b': [200006, 1428, 200008, 3686, 200007],
};
const HARMONY_TOOLS = [
  { role: 'assistant', channel: 'analysis', recipient: 'functions.get_weather', constraint: 'json', content: '{}', terminator: '<|call|>' },
  { role: 'tool', name: 'functions.get_weather', recipient: 'assistant', recipientPlacement: 'role', content: 'sunny', terminator: '<|return|>' },
];
const HARMONY_TOOLS_IDS = [200006, 173781, 200005, 35644, 316, 28, 44580, 775, 170154, 200003, 4108, 200008, 12083, 200012, 200006, 44580, 775, 170154, 316, 28, 173781, 200008, 41133, 3008, 200002, 200006, 173781];

const flat = (chunks) => chunks.flatMap((chunk) => [...chunk]);
const isWellFormed = (s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** `impl(model)` returns { encode, decode, countTokens, isWithinTokenLimit, encodeChat, encodeGenerator, decodeGenerator, decodeAsyncGenerator }. */
export function gptTokenizerSuite(label, impl) {
  describe.each(Object.keys(FRAMED))(`${label}: %s`, (model) => {
    const api = impl(model);
    const text = 'Hello, world! Streaming 😀 emoji and naïve text.\nSecond line.';
    it('encode and decode round-trip', () => {
      const ids = api.encode(text);
      expect(api.decode(ids)).toBe(text);
      expect(api.encode('')).toEqual([]);
    });
    it('countTokens counts text and chats', () => {
      expect(api.countTokens(text)).toBe(api.encode(text).length);
      expect(api.countTokens('')).toBe(0);
      if (model !== 'gpt-3.5-turbo') expect(api.countTokens(CHAT)).toBe(FRAMED[model].length);
    });
    it('isWithinTokenLimit returns the count or false', () => {
      const n = api.encode(text).length;
      expect(api.isWithinTokenLimit(text, n)).toBe(n);
      expect(api.isWithinTokenLimit(text, n - 1)).toBe(false);
      expect(api.isWithinTokenLimit(text, Infinity)).toBe(n);
      expect(api.isWithinTokenLimit('', 0)).toBe(0);
      if (model !== 'gpt-3.5-turbo') {
        expect(api.isWithinTokenLimit(CHAT, FRAMED[model].length)).toBe(FRAMED[model].length);
        expect(api.isWithinTokenLimit(CHAT, 5)).toBe(false);
      }
    });
    it('encodeChat frames each message and primes the reply', () => {
      expect(api.encodeChat(CHAT)).toEqual(FRAMED[model]);
      expect(api.encodeChat([{ role: 'user', content: 'hi' }], { primeWithAssistantResponse: '' })).toEqual(UNPRIMED[model]);
      expect(() => api.encodeChat([{ role: 'user' }])).toThrow();
      expect(() => api.encodeChat([{ role: 'user', content: 'a <|endoftext|>' }])).toThrow();
      if (model === 'gpt-oss-20b') expect(api.encodeChat(HARMONY_TOOLS)).toEqual(HARMONY_TOOLS_IDS);
    });
    it('encodeGenerator yields chunks that join to encode()', () => {
      expect(flat([...api.encodeGenerator(text)])).toEqual(api.encode(text));
      expect([...api.encodeGenerator('')]).toEqual([]);
      expect(() => [...api.encodeGenerator('x <|endoftext|>')]).toThrow();
    });
    it('special tokens: disallowed by default, allowed on request', () => {
      expect(() => api.encode('a <|endoftext|>')).toThrow();
      const eot = api.encode('<|endoftext|>', { allowedSpecial: 'all' });
      expect(eot).toHaveLength(1);
      expect(api.encode('<|endoftext|> b', { allowedSpecial: new Set(['<|endoftext|>']) })).toEqual([...eot, ...api.encode(' b')]);
      expect(api.encode('a <|endoftext|>', { disallowedSpecial: new Set() }).length).toBeGreaterThan(2);
      expect(api.decode(eot)).toBe('<|endoftext|>');
    });
    it('decodeGenerator never yields a broken character', () => {
      const ids = api.encode('😀🙂👨‍👩‍👧‍👦 ok');
      const pieces = [...api.decodeGenerator(ids)];
      expect(pieces.join('')).toBe(api.decode(ids));
      for (const piece of pieces) expect(isWellFormed(piece)).toBe(true);
      expect(pieces.length).toBeLessThanOrEqual(ids.length);
    });
    it('decodeAsyncGenerator does the same for an async source', async () => {
      const ids = api.encode('😀 async');
      async function* source() { for (const id of ids) yield id; }
      const pieces = [];
      for await (const piece of api.decodeAsyncGenerator(source())) pieces.push(piece);
      expect(pieces.join('')).toBe('😀 async');
    });
    it('decode throws for an id that is no token', () => {
      expect(() => api.decode([999_999_999])).toThrow();
    });
  });
}
