// turbotoken's gpt-tokenizer conveniences (Encoding methods) against gpt-tokenizer itself: the
// shared suite (which test/compat-originals runs against gpt-tokenizer), then encodeChat compared
// on every chat model gpt-tokenizer lists.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodingForModel, getEncoding } from '../../index.mjs';
import { gptTokenizerSuite } from '../support/compat-gpt-tokenizer.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { chatEnabledModels } = require('gpt-tokenizer/cjs/modelsChatEnabled.gen');
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

describe('encodeChat equals gpt-tokenizer on every chat model it lists', () => {
  const next = rng(0xc4a7);
  const chats = PARAGRAPHS.map((content, i) => [
    { role: 'system', content: 'Answer briefly.' },
    { role: i % 2 ? 'user' : 'developer', name: i % 3 ? undefined : 'alice', content },
    { role: 'assistant', content: PARAGRAPHS[(i + 1) % PARAGRAPHS.length] },
  ]);
  it.each(chatEnabledModels)('%s', (model) => {
    const theirs = original(model);
    const enc = getEncoding(modelToEncodingMap[model] ?? 'o200k_base');
    for (const chat of chats) {
      expect([...enc.encodeChat(chat, model)]).toEqual(theirs.encodeChat(chat));
      expect(enc.countChatTokens(chat, model)).toBe(theirs.encodeChat(chat).length);
    }
    // Random content: framing must agree wherever gpt-tokenizer's text encoding agrees.
    for (let i = 0; i < 5; i++) {
      const content = randomText(next, 12).replace(/<\|/g, '<');
      const chat = [{ role: 'user', content }];
      const ours = [...enc.encodeChat(chat, model)];
      const theirsIds = theirs.encodeChat(chat);
      if (theirs.encode(content).join() === [...enc.encode(content)].join()) expect(ours).toEqual(theirsIds);
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
