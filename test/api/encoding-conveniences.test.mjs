// The gpt-tokenizer-style methods of Encoding on their own terms: exactness of the chunked
// encoder at every safe cut, streaming decode, chat framing errors, argument errors.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { TurbotokenError, getEncoding } from '../../index.mjs';
import { ENCODINGS } from '../support/reference.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const safeCut = require('../../dist/cjs/safe-cut.js');
const err = (Type, code) => expect.objectContaining({ constructor: Type, code });
const flat = (chunks) => chunks.flatMap((chunk) => [...chunk]);

describe.each(ENCODINGS)('encodeGenerator on %s', (name) => {
  const enc = getEncoding(name);
  afterAll(() => safeCut.setChunkTarget(1 << 16));
  it('cut at every safe point, still equals encode()', () => {
    safeCut.setChunkTarget(1);
    const next = rng(0xc07 + name.length);
    // Random text with many letter-space-letter and newline-letter seams, plus real paragraphs.
    const seams = ['a b', 'Z y', '.\nA', 'x\n1', ')\nq', 'é b', 'a\u00a0b', 'a  b', "it's x", '1 a'];
    const texts = [...PARAGRAPHS];
    for (let i = 0; i < 150; i++) texts.push(randomText(next, 20).split('').map((c) => (next() < 0.1 ? seams[Math.floor(next() * seams.length)] : c)).join(''));
    let chunked = 0;
    for (const text of texts) {
      const chunks = [...enc.encodeGenerator(text, { allowedSpecial: 'all' })];
      if (chunks.length > 1) chunked++;
      expect(flat(chunks)).toEqual([...enc.encode(text, { allowedSpecial: 'all' })]);
    }
    expect(chunked).toBeGreaterThan(texts.length / 2);
  });
  it('returns the total count and reads bytes as encode() does', () => {
    safeCut.setChunkTarget(4);
    const text = PARAGRAPHS.join('\n');
    const it = enc.encodeGenerator(Buffer.from(`\ufeff${text}`));
    let step = it.next();
    let total = 0;
    while (!step.done) {
      total += step.value.length;
      step = it.next();
    }
    expect(step.value).toBe(total);
    expect(total).toBe(enc.count(Buffer.from(`\ufeff${text}`)));
  });
});

describe('encodeGenerator checks before it yields', () => {
  const enc = getEncoding('cl100k_base');
  it('throws the disallowed special token at the call', () => {
    expect(() => enc.encodeGenerator('a b\n'.repeat(10) + '<|endoftext|>')).toThrow(err(TurbotokenError, 'ERR_DISALLOWED_SPECIAL_TOKEN'));
    expect(() => enc.encodeGenerator('x', { allowedSpecial: ['<|nope|>'] })).toThrow(err(TurbotokenError, 'ERR_UNKNOWN_SPECIAL_TOKEN'));
    expect(() => enc.encodeGenerator(42)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });
});

describe('decodeGenerator', () => {
  const enc = getEncoding('o200k_base');
  it('holds back partial characters and joins to decode()', () => {
    const next = rng(0xdec0);
    for (let i = 0; i < 100; i++) {
      const ids = [...enc.encode(randomText(next, 20), { allowedSpecial: 'all' })];
      const pieces = [...enc.decodeGenerator(ids)];
      expect(pieces.join('')).toBe(enc.decode(ids));
      for (const piece of pieces) expect(piece.isWellFormed()).toBe(true);
    }
  });
  it('ends a cut character with U+FFFD, as decode() does, and keeps a byte-order mark', () => {
    const ids = [...enc.encode('\ufeffok 😀')];
    expect([...enc.decodeGenerator(ids.slice(0, -1))].join('')).toBe(enc.decode(ids.slice(0, -1)));
    expect([...enc.decodeGenerator(ids)].join('')).toBe('\ufeffok 😀');
  });
  it('rejects ids that are no token when it reaches them', () => {
    const it = enc.decodeGenerator([24912, 200500]);
    expect(it.next().value).toBe('hello');
    expect(() => it.next()).toThrow(err(RangeError, 'ERR_INVALID_TOKEN_ID'));
    expect(() => [...enc.decodeGenerator([1.5])]).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.decodeGenerator(42)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.decodeAsyncGenerator([1])).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });
});

describe('chat', () => {
  const chat = [{ role: 'user', content: 'hi' }];
  it('needs an encoding with chat tokens', () => {
    expect(() => getEncoding('gpt2').encodeChat(chat)).toThrow(err(TurbotokenError, 'ERR_NOT_SUPPORTED'));
    expect(() => getEncoding('r50k_base').countChatTokens(chat)).toThrow(err(TurbotokenError, 'ERR_NOT_SUPPORTED'));
  });
  it('refuses a model that uses another encoding, accepts models it does not know', () => {
    expect(() => getEncoding('cl100k_base').encodeChat(chat, 'gpt-4o')).toThrow(err(TurbotokenError, 'ERR_MODEL_MISMATCH'));
    expect(getEncoding('o200k_base').countChatTokens(chat, 'some-future-model')).toBe(getEncoding('o200k_base').countChatTokens(chat));
  });
  it('checks messages', () => {
    const enc = getEncoding('cl100k_base');
    expect(() => enc.encodeChat([{ role: 'user' }])).toThrow(err(TurbotokenError, 'ERR_INVALID_CHAT_MESSAGE'));
    expect(() => enc.encodeChat([null])).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encodeChat([{ content: 5 }])).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encodeChat(5)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encodeChat(chat, 5)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encodeChat([{ content: '<|endoftext|>' }])).toThrow(err(TurbotokenError, 'ERR_DISALLOWED_SPECIAL_TOKEN'));
    expect(enc.encodeChat([{ content: '<|endoftext|>' }], undefined, { allowedSpecial: 'all' })).toContain(100257);
  });
  it('countChatTokens and countTokens equal encodeChat().length', () => {
    for (const name of ['cl100k_base', 'o200k_base', 'o200k_harmony']) {
      const enc = getEncoding(name);
      const messages = PARAGRAPHS.map((content, i) => ({ role: i % 2 ? 'user' : 'assistant', content }));
      expect(enc.countChatTokens(messages)).toBe(enc.encodeChat(messages).length);
      expect(enc.countTokens(messages)).toBe(enc.encodeChat(messages).length);
      expect(enc.encodeChat(messages)).toBeInstanceOf(Uint32Array);
    }
  });
});

describe('limits and counts', () => {
  const enc = getEncoding('cl100k_base');
  it('isWithinTokenLimit takes a number >= 0', () => {
    expect(enc.isWithinTokenLimit('hello world', 2)).toBe(2);
    expect(enc.isWithinTokenLimit(Buffer.from('hello world'), 1)).toBe(false);
    expect(() => enc.isWithinTokenLimit('x', -1)).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
    expect(() => enc.isWithinTokenLimit('x', '5')).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.isWithinTokenLimit('x', NaN)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });
  it('countTokens takes text, bytes or messages', () => {
    expect(enc.countTokens('hello world')).toBe(2);
    expect(enc.countTokens(Buffer.from('hello world'))).toBe(2);
    expect(() => enc.countTokens(42)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });
});
