// turbotoken's gpt-tokenizer conveniences (Encoding methods) against gpt-tokenizer itself: the
// shared suite (which test/compat-originals runs against gpt-tokenizer), then encodeChat compared
// on every chat model gpt-tokenizer lists.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodingForModel, getEncoding } from '../../index.mjs';
import { gptTokenizerSuite } from '../support/compat-gpt-tokenizer.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { CHATS, CHAT_MODELS, chatReference, randomContents } from '../support/gpt-tokenizer-chat-cases.mjs';

const require = createRequire(import.meta.url);
const { modelToEncodingMap } = require('gpt-tokenizer/cjs/mapping');
const original = (model) => require(`gpt-tokenizer/cjs/model/${model}`);

gptTokenizerSuite('turbotoken', (model) => {
  const enc = encodingForModel(model);
  return {
    encode: (text, options) => [...enc.encode(text, options)],
    decode: (ids) => enc.decode(ids),
    countTokens: (input, options) => enc.countTokens(input, options),
    isWithinTokenLimit: (input, limit, options) => enc.isWithinTokenLimit(input, limit, options),
    encodeChat: (chat, options) => [...enc.encodeChat(chat, model, options)],
    encodeGenerator: (text, options) => enc.encodeGenerator(text, options),
    decodeGenerator: (ids) => enc.decodeGenerator(ids),
    decodeAsyncGenerator: (ids) => enc.decodeAsyncGenerator(ids),
  };
});

// gpt-tokenizer's answers come from a committed book (test/support/gpt-tokenizer-chat-cases.mjs);
// a case without a digest, or an answer other than the digest's, loads the model's module.
describe('encodeChat equals gpt-tokenizer on every chat model it lists', () => {
  const contents = randomContents();
  it.each(CHAT_MODELS)('%s', (model) => {
    const theirs = chatReference(model);
    const enc = getEncoding(modelToEncodingMap[model] ?? 'o200k_base');
    for (const chat of CHATS) {
      const ours = enc.encodeChat(chat, model);
      expect(theirs.mismatch('encodeChat', chat, ours)).toBeNull();
      expect(enc.countChatTokens(chat, model)).toBe(ours.length);
    }
    // Random content: framing must agree wherever gpt-tokenizer's text encoding agrees.
    for (const content of contents.get(model)) {
      const chat = [{ role: 'user', content }];
      if (theirs.agrees('encode', content, enc.encode(content))) expect(theirs.mismatch('encodeChat', chat, enc.encodeChat(chat, model))).toBeNull();
    }
  });
});

describe('countTokens and isWithinTokenLimit equal gpt-tokenizer on paragraphs', () => {
  it.each(['gpt-4o', 'gpt-4'])('%s', (model) => {
    const theirs = original(model);
    const enc = encodingForModel(model);
    for (const text of PARAGRAPHS) {
      expect(enc.countTokens(text)).toBe(theirs.countTokens(text));
      for (const limit of [0, 5, 20, 40, 1000]) expect(enc.isWithinTokenLimit(text, limit)).toBe(theirs.isWithinTokenLimit(text, limit));
      expect([...enc.encode(text)]).toEqual(theirs.encode(text));
    }
  });
});
