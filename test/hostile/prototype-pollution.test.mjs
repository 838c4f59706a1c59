// Options (and chat messages, and the objects that describe a vocabulary) are read as own
// properties only: a name set on Object.prototype must change nothing. The names come from the
// schema in src/args.ts (OPTION_NAMES), so an option added there is polluted here too.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Encoding, encodeStream, getEncoding } from '../../index.mjs';
import * as tiktoken from '../../tiktoken.mjs';
import * as jsTiktoken from '../../js-tiktoken.mjs';
import { byteLevelAlphabet } from '../../scripts/tiktoken-to-tokenizer-json.mjs';

const require = createRequire(import.meta.url);
const { OPTION_NAMES } = require('../../dist/cjs/args.js');

const ALL_NAMES = [...new Set(Object.values(OPTION_NAMES).flat())];

const cl = getEncoding('cl100k_base');
const harmony = getEncoding('o200k_harmony');
const GPT2_PATTERN = getEncoding('gpt2').patternSource;

// A small vocabulary: every byte, then "ab" and "abc".
function smallRanks() {
  const ranks = new Map();
  for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
  ranks.set(new TextEncoder().encode('ab'), 256);
  ranks.set(new TextEncoder().encode('abc'), 257);
  return ranks;
}
const smallTiktokenText = () => [...smallRanks()].map(([bytes, rank]) => `${Buffer.from(bytes).toString('base64')} ${rank}`).join('\n');

// A byte-level BPE tokenizer.json (as parsed) over the same vocabulary.
function smallTokenizerJson() {
  const toChar = byteLevelAlphabet();
  const vocab = {};
  for (let b = 0; b < 256; b++) vocab[toChar[b]] = b;
  vocab.ab = 256;
  vocab.abc = 257;
  return {
    model: { type: 'BPE', vocab, merges: ['a b', 'ab c'] },
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
  };
}

// Values that change an entry point's result wherever they were read: meaningful ones per name,
// and a Symbol for every name (no check takes a Symbol, so any read shows).
const MEANINGFUL = {
  allowedSpecial: 'all',
  disallowedSpecial: [],
  threads: 0,
  maxTokens: 1,
  primeWithAssistantResponse: 'user',
  role: 'developer',
  name: 'polluted',
  content: 'polluted content',
  channel: 'analysis',
  recipient: 'functions.x',
  recipientPlacement: 'role',
  constraint: 'json',
  terminator: '<|call|>',
  pattern: '\\p{L}+| ?[^\\p{L}]+',
  ranks: smallRanks(),
  specialTokens: { '<|polluted|>': 300 },
  pat_str: GPT2_PATTERN,
  special_tokens: { '<|polluted|>': 300 },
  bpe_ranks: smallTiktokenText(),
  baseUrl: 'https://example.invalid/',
  wasm: new Uint8Array(8),
  manifest: {},
  vocabulary: new Uint8Array(8),
};
const SYMBOL = Symbol('polluted');

function pollute(values) {
  for (const name of ALL_NAMES) {
    Object.defineProperty(Object.prototype, name, { value: values(name), configurable: true, writable: true, enumerable: false });
  }
}

function cleanUp() {
  for (const name of ALL_NAMES) delete Object.prototype[name];
}

// What a call did: its result (typed arrays as plain arrays) or its error's class and code.
async function outcome(run) {
  try {
    return { value: plain(await run()) };
  } catch (error) {
    return { error: error?.constructor?.name, code: error?.code, message: String(error?.message).slice(0, 200) };
  }
}

function plain(value) {
  if (ArrayBuffer.isView(value)) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const collect = async (stream) => {
  const out = [];
  for await (const chunk of stream) out.push(...chunk);
  return out;
};

const eot = '<|endoftext|>';
const messages = () => [{ role: 'user', content: 'hello there' }, { role: 'assistant', content: 'hi' }];
const harmonyMessages = () => [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'hi', channel: 'final' }];

// Every entry point that takes options (or reads an object as options), with no own properties
// given, so that anything inherited would be read.
const ENTRY_POINTS = {
  'encode(special text, {})': () => cl.encode(`a ${eot}`, {}),
  'encode(text)': () => cl.encode('hello world, hello'),
  'encode(text, {})': () => cl.encode('hello world, hello', {}),
  'encodeWithOffsets(special text, {})': () => cl.encodeWithOffsets(`a ${eot}`, {}),
  'encodeWithOffsets(text, {})': () => cl.encodeWithOffsets('hello world', {}),
  'encodeOrdinary(text, {})': () => cl.encodeOrdinary(`a ${eot} b`, {}),
  'count(special text, {})': () => cl.count(`a ${eot}`, {}),
  'count(text, {})': () => cl.count('hello world', {}),
  'countAsync(special text, {})': () => cl.countAsync(`a ${eot}`, {}),
  'encodeAsync(special text, {})': () => cl.encodeAsync(`a ${eot}`, {}),
  'encodeAsync(text, {})': () => cl.encodeAsync('hello world, hello', {}),
  'encodeBatch([special text])': () => cl.encodeBatch([`a ${eot}`]),
  'encodeBatch([special text], {})': () => cl.encodeBatch([`a ${eot}`], {}),
  'encodeBatch(texts, {})': () => cl.encodeBatch(['hello world', 'hello'], {}),
  'countBatch([special text], {})': () => cl.countBatch([`a ${eot}`], {}),
  'countTokens(special text, {})': () => cl.countTokens(`a ${eot}`, {}),
  'countTokens(messages, {})': () => cl.countTokens(messages(), {}),
  'isWithinTokenLimit(special text, 100, {})': () => cl.isWithinTokenLimit(`a ${eot}`, 100, {}),
  'isWithinTokenLimit(text, 100, {})': () => cl.isWithinTokenLimit('hello world', 100, {}),
  'isWithinTokenLimit(messages, 100, {})': () => cl.isWithinTokenLimit(messages(), 100, {}),
  'encodeChat(messages)': () => cl.encodeChat(messages()),
  'encodeChat(messages, model, {})': () => cl.encodeChat(messages(), 'gpt-4', {}),
  'encodeChat(special content)': () => cl.encodeChat([{ role: 'user', content: eot }]),
  'countChatTokens(messages, undefined, {})': () => cl.countChatTokens(messages(), undefined, {}),
  'encodeChat(harmony messages, undefined, {})': () => harmony.encodeChat(harmonyMessages(), undefined, {}),
  'encodeGenerator(special text, {})': () => [...cl.encodeGenerator(`a ${eot}`, {})],
  'encodeGenerator(text, {})': () => [...cl.encodeGenerator('hello world', {})],
  'encodeStream(enc, {}) of special text': () => collect(Readable.from([`a ${eot}`]).pipe(encodeStream(cl, {}))),
  'encodeStream(name, {}) of text': () => collect(Readable.from(['hello ', 'world']).pipe(encodeStream('cl100k_base', {}))),
  'new Encoding({})': () => new Encoding({}).name,
  'new Encoding({ name, pattern, ranks })': () => {
    const enc = new Encoding({ name: 'small', pattern: GPT2_PATTERN, ranks: smallRanks() });
    return [enc.name, enc.patternSource, enc.specialTokens, [...enc.encode('abc abd <|polluted|>')]];
  },
  'new Encoding({ pattern, ranks }) (no name)': () => new Encoding({ pattern: GPT2_PATTERN, ranks: smallRanks() }).name,
  'new Encoding({ name, ranks }) (no pattern)': () => new Encoding({ name: 'small', ranks: smallRanks() }).name,
  'new Encoding({ name, pattern }) (no ranks)': () => new Encoding({ name: 'small', pattern: GPT2_PATTERN }).name,
  'Encoding.fromTokenizerJson(object, {})': () => {
    const enc = Encoding.fromTokenizerJson(smallTokenizerJson(), {});
    return [enc.name, enc.specialTokens, [...enc.encode('abc abd <|polluted|>')]];
  },
  'tiktoken get_encoding(name).encode(special text)': () => tiktoken.get_encoding('cl100k_base').encode(`a ${eot}`),
  'tiktoken new Tiktoken(ranks, {}, pattern)': () => [...new tiktoken.Tiktoken(smallTiktokenText(), {}, GPT2_PATTERN).encode('abc <|polluted|>', 'all')],
  'js-tiktoken getEncoding(name).encode(special text)': () => jsTiktoken.getEncoding('cl100k_base').encode(`a ${eot}`),
  'js-tiktoken new Tiktoken({ bpe_ranks, pat_str })': () => new jsTiktoken.Tiktoken({ bpe_ranks: smallTiktokenText(), pat_str: GPT2_PATTERN }).encode('abc <|polluted|>', 'all'),
  'js-tiktoken new Tiktoken({})': () => new jsTiktoken.Tiktoken({}).encode('abc'),
};

describe('options are read as own properties only', () => {
  afterEach(cleanUp);

  it('the schema names every option of every entry point', () => {
    for (const name of ['allowedSpecial', 'disallowedSpecial', 'threads', 'maxTokens', 'primeWithAssistantResponse', 'content', 'ranks', 'specialTokens', 'bpe_ranks']) {
      expect(ALL_NAMES).toContain(name);
    }
  });

  for (const [label, values] of [['meaningful values', (name) => (name in MEANINGFUL ? MEANINGFUL[name] : SYMBOL)], ['a Symbol', () => SYMBOL]]) {
    it(`Object.prototype holding every option name (${label}) changes no entry point`, async () => {
      const expected = {};
      for (const [name, run] of Object.entries(ENTRY_POINTS)) expected[name] = await outcome(run);
      const seen = {};
      try {
        pollute(values);
        for (const [name, run] of Object.entries(ENTRY_POINTS)) seen[name] = await outcome(run);
      } finally {
        cleanUp();
      }
      expect(seen).toEqual(expected);
      // The calls that must throw threw: the comparison above compares real work.
      expect(expected['encode(special text, {})'].code).toBe('ERR_DISALLOWED_SPECIAL_TOKEN');
      expect(expected['encodeBatch([special text])'].code).toBe('ERR_DISALLOWED_SPECIAL_TOKEN');
      expect(expected['encode(text, {})'].value.length).toBeGreaterThan(1);
    });
  }

  it('each option getter runs once per call, and an inherited getter never', async () => {
    const inherited = {};
    for (const name of ALL_NAMES) {
      Object.defineProperty(inherited, name, {
        get() {
          throw new Error(`inherited ${name} was read`);
        },
      });
    }
    const counting = (values) => {
      const reads = {};
      const options = Object.create(inherited);
      for (const [name, value] of Object.entries(values)) {
        reads[name] = 0;
        Object.defineProperty(options, name, {
          get() {
            reads[name]++;
            return value;
          },
          enumerable: true,
        });
      }
      return { options, reads };
    };
    const cases = [
      [{ allowedSpecial: [eot], disallowedSpecial: [], threads: 2, maxTokens: 5 }, (o) => cl.encode(`a ${eot} b c d e f g`, o)],
      [{ allowedSpecial: [eot], disallowedSpecial: [], threads: 2 }, (o) => cl.encodeBatch([`a ${eot}`, 'b'], o)],
      [{ allowedSpecial: [eot], disallowedSpecial: [], threads: 2 }, (o) => cl.countAsync(`a ${eot}`, o)],
      [{ allowedSpecial: [eot], disallowedSpecial: [] }, (o) => [...cl.encodeGenerator(`a ${eot} `.repeat(50), o)]],
      [{ allowedSpecial: [eot], disallowedSpecial: [] }, (o) => collect(Readable.from([`a ${eot}`, ' b', ' c']).pipe(encodeStream(cl, o)))],
      [{ allowedSpecial: [eot], disallowedSpecial: [], primeWithAssistantResponse: 'assistant' }, (o) => cl.encodeChat(messages(), undefined, o)],
      [{ allowedSpecial: [eot], disallowedSpecial: [], primeWithAssistantResponse: 'assistant' }, (o) => cl.isWithinTokenLimit(messages(), 100, o)],
      [{ role: 'user', name: 'bob', content: 'hi' }, (o) => cl.encodeChat([o])],
      [{ name: 'small', pattern: GPT2_PATTERN, ranks: smallRanks(), specialTokens: { '<|x|>': 300 } }, (o) => new Encoding(o).encode('abc')],
      [{ name: 'small' }, (o) => Encoding.fromTokenizerJson(smallTokenizerJson(), o).name],
    ];
    for (const [values, run] of cases) {
      const { options, reads } = counting(values);
      await run(options);
      for (const name of Object.keys(values)) expect([name, reads[name]]).toEqual([name, 1]);
    }
  });

  it('a tokenizer.json object is read by its own keys', () => {
    const expected = Encoding.fromTokenizerJson(smallTokenizerJson());
    try {
      Object.prototype.added_tokens = [{ id: 300, content: '<|polluted|>' }];
      Object.prototype.normalizer = { type: 'Lowercase' };
      const seen = Encoding.fromTokenizerJson(smallTokenizerJson());
      expect(seen.specialTokens).toEqual(expected.specialTokens);
      expect([...seen.encode('ABC')]).toEqual([...expected.encode('ABC')]);
    } finally {
      delete Object.prototype.added_tokens;
      delete Object.prototype.normalizer;
    }
  });
});
