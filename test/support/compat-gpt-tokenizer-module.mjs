// gpt-tokenizer's (4.0.0) module API as one suite: what the package root, model/<name> and
// encoding/<name> export and return, run against the package itself
// (test/compat/compat-originals.test.mjs) and against turbotoken/gpt-tokenizer
// (test/compat/compat-gpt-tokenizer-module.test.mjs). `load(subpath)` requires '' (the root),
// 'model/<name>' or 'encoding/<name>'.
import { describe, expect, it } from 'vitest';

export const MODULE_NAMES = [
  'ALL_SPECIAL_TOKENS', 'DEFAULT_MERGE_CACHE_SIZE', 'EndOfPrompt', 'EndOfText', 'FimMiddle', 'FimPrefix', 'FimSuffix',
  'HarmonyCall', 'HarmonyChannel', 'HarmonyConstrain', 'HarmonyEnd', 'HarmonyMessage', 'HarmonyReturn', 'HarmonyStart',
  'HarmonyStartOfText', 'ImEnd', 'ImSep', 'ImStart', 'clearMergeCache', 'countTokens', 'decode', 'decodeAsyncGenerator',
  'decodeGenerator', 'encode', 'encodeChat', 'encodeChatGenerator', 'encodeGenerator', 'isWithinTokenLimit',
  'setMergeCacheSize', 'vocabularySize',
];

const HELLO = {
  '': [24912, 2375],
  'encoding/o200k_base': [24912, 2375],
  'encoding/cl100k_base': [15339, 1917],
  'encoding/r50k_base': [31373, 995],
  'encoding/p50k_base': [31373, 995],
  'model/gpt-4o': [24912, 2375],
  'model/gpt-4': [15339, 1917],
  'model/text-davinci-003': [31373, 995],
  'model/gpt-5': [24912, 2375],
};

// gpt-tokenizer exports the chat functions only from modules whose encoding it frames chats for.
const CHAT_NAMES = ['encodeChat', 'encodeChatGenerator'];
const NO_CHAT = ['encoding/r50k_base', 'encoding/p50k_base', 'model/text-davinci-003'];

export function gptTokenizerModuleSuite(label, load) {
  describe.each(Object.keys(HELLO))(`${label}: module %s`, (subpath) => {
    const api = load(subpath);
    it('exports gpt-tokenizer\'s names, and itself as the default', () => {
      const chat = !NO_CHAT.includes(subpath);
      for (const name of MODULE_NAMES) expect(api[name] !== undefined, name).toBe(chat || !CHAT_NAMES.includes(name));
      expect(typeof api.default.encode).toBe('function');
      expect(api.ALL_SPECIAL_TOKENS).toBe('all');
      expect(api.EndOfText).toBe('<|endoftext|>');
      expect(api.ImStart).toBe('<|im_start|>');
      expect(api.HarmonyStart).toBe('<|start|>');
      expect(typeof api.vocabularySize).toBe('number');
    });
    it('encodes to plain arrays of numbers, on the module\'s encoding', () => {
      const ids = api.encode('hello world');
      expect(Array.isArray(ids)).toBe(true);
      expect(ids).toEqual(HELLO[subpath]);
      expect(JSON.stringify(api.encode('hello world'))).toBe(JSON.stringify(HELLO[subpath]));
      expect(api.default.encode('hello world')).toEqual(ids);
    });
    it('decodes any iterable of ids', () => {
      expect(api.decode(HELLO[subpath])).toBe('hello world');
      expect(api.decode(new Set(HELLO[subpath]))).toBe('hello world');
      expect(api.decode(Uint32Array.from(HELLO[subpath]))).toBe('hello world');
    });
    it('encodeGenerator yields arrays that join to encode()', () => {
      const chunks = [...api.encodeGenerator('hello world, and more words here.')];
      for (const chunk of chunks) expect(Array.isArray(chunk)).toBe(true);
      expect(chunks.flat()).toEqual(api.encode('hello world, and more words here.'));
    });
    it('countTokens and isWithinTokenLimit count text', () => {
      expect(api.countTokens('hello world')).toBe(2);
      expect(api.isWithinTokenLimit('hello world', 2)).toBe(2);
      expect(api.isWithinTokenLimit('hello world', 1)).toBe(false);
    });
    it('accepts the merge-cache calls', () => {
      expect(api.setMergeCacheSize(10)).toBeUndefined();
      expect(api.clearMergeCache()).toBeUndefined();
      expect(api.setMergeCacheSize(api.DEFAULT_MERGE_CACHE_SIZE)).toBeUndefined();
    });
  });

  describe(`${label}: chat from modules`, () => {
    const chat = [{ role: 'user', content: 'hi' }];
    it('a model module frames chats for its model; encodeChatGenerator joins to encodeChat', () => {
      const model = load('model/gpt-4o');
      expect(model.encodeChat(chat)).toEqual([200003, 1428, 200005, 3686, 200004, 200003, 173781, 200005]);
      expect([...model.encodeChatGenerator(chat)].flat()).toEqual(model.encodeChat(chat));
      expect(load('model/gpt-3.5-turbo').encodeChat(chat)).toEqual([100264, 882, 198, 6151, 100265, 198, 100264, 78191, 198]);
    });
    it('an encoding module needs the model named', () => {
      expect(() => load('encoding/o200k_base').encodeChat(chat)).toThrow('Model name must be provided');
      expect(() => load('').encodeChat(chat)).toThrow('Model name must be provided');
      expect(load('').encodeChat(chat, 'gpt-4o')).toEqual(load('model/gpt-4o').encodeChat(chat));
    });
  });
}
