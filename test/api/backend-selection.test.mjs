// Which backend runs the core: TURBOTOKEN_BACKEND forces one, otherwise native with a silent
// fallback to WebAssembly; both give the same ids and the same errors. Each case runs in a child
// process, since the choice is made once, at load. A copy of the package without build/ (or
// without wasm/) stands in for a machine where the addon (or the module) is missing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const NAMES = ['r50k_base', 'cl100k_base', 'o200k_base'];

const next = rng(77);
const SAMPLE = Array.from({ length: 40 }, () => randomText(next, 40)).join('\n');

// Loads turbotoken from the package at argv[1] and prints what it chose and how it encoded stdin.
const PROBE = `
const out = {};
const text = require('node:fs').readFileSync(0, 'utf8');
try {
  const t = require(process.argv[1] + '/dist/cjs/index.js');
  out.backend = t.backend;
  out.ids = {};
  for (const name of ${JSON.stringify(NAMES)}) out.ids[name] = Array.from(t.getEncoding(name).encodeOrdinary(text));
} catch (e) {
  out.error = { type: e.constructor.name, code: e.code, message: e.message };
}
console.log(JSON.stringify(out));
`;

function cleanEnv(extra) {
  const env = { ...process.env };
  for (const key of ['TURBOTOKEN_BACKEND', 'TURBOTOKEN_DEBUG', 'TURBOTOKEN_BPE']) delete env[key];
  return { ...env, ...extra };
}

function run(args, env, input = '') {
  const child = spawnSync(process.execPath, args, { env: cleanEnv(env), input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  return { result: JSON.parse(child.stdout.trim().split('\n').pop()), stderr: child.stderr };
}

const probe = (pkg, env) => run(['-e', PROBE, pkg], env, SAMPLE);

const copies = [];
/** The package without its native build (and, unless withWasm, without its WebAssembly module). */
function packageCopy({ withWasm }) {
  const dir = mkdtempSync(join(tmpdir(), 'turbotoken-pkg-'));
  copies.push(dir);
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const file of ['package.json', 'index.mjs']) copyFileSync(join(root, file), join(dir, file));
  for (const link of ['data', 'node_modules']) symlinkSync(join(root, link), join(dir, link));
  if (withWasm) cpSync(join(root, 'wasm'), join(dir, 'wasm'), { recursive: true });
  return dir;
}
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// The addon names the pre-tokenizer kernel it runs: the best this CPU has (test/reference/kernels.test.mjs).
const NATIVE_BACKEND = /^native-(scalar|sse2|avx2|avx512|neon)$/;

describe('TURBOTOKEN_BACKEND', () => {
  const native = probe(root, { TURBOTOKEN_BACKEND: 'native' }).result;

  it('native runs the addon', () => {
    expect(native.error).toBeUndefined();
    expect(native.backend).toMatch(NATIVE_BACKEND);
  });

  it('wasm runs WebAssembly and gives the same ids as native', () => {
    const { result } = probe(root, { TURBOTOKEN_BACKEND: 'wasm' });
    expect(result.backend).toBe('wasm-simd128');
    for (const name of NAMES) {
      expect(result.ids[name].length).toBeGreaterThan(1000);
      expect(result.ids[name]).toEqual(native.ids[name]);
    }
  });

  it('unset, empty or auto picks native where it loads', () => {
    for (const value of [undefined, '', 'auto']) {
      expect(probe(root, value === undefined ? {} : { TURBOTOKEN_BACKEND: value }).result.backend).toMatch(NATIVE_BACKEND);
    }
  });

  it('any other value is a clear error', () => {
    for (const value of ['gpu', 'WASM', 'native,wasm']) {
      const { error } = probe(root, { TURBOTOKEN_BACKEND: value }).result;
      expect(error).toMatchObject({ type: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      expect(error.message).toContain(`TURBOTOKEN_BACKEND must be 'native', 'wasm' or 'auto'`);
      expect(error.message).toContain(JSON.stringify(value));
    }
  });
});

describe('without a native build', () => {
  it('falls back to WebAssembly silently, with the same ids', () => {
    const pkg = packageCopy({ withWasm: true });
    const { result, stderr } = probe(pkg, {});
    expect(result.backend).toBe('wasm-simd128');
    expect(result.ids).toEqual(probe(root, {}).result.ids);
    expect(stderr).toBe('');
  });

  it('says why once on stderr when TURBOTOKEN_DEBUG is set', () => {
    const pkg = packageCopy({ withWasm: true });
    const { result, stderr } = probe(pkg, { TURBOTOKEN_DEBUG: '1' });
    expect(result.backend).toBe('wasm-simd128');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^turbotoken: the native addon did not load, trying WebAssembly: No native build was found/);
  });

  it('fails with ERR_NATIVE_LOAD_FAILED when native is forced', () => {
    const pkg = packageCopy({ withWasm: true });
    const { error } = probe(pkg, { TURBOTOKEN_BACKEND: 'native' }).result;
    expect(error).toMatchObject({ type: 'TurbotokenError', code: 'ERR_NATIVE_LOAD_FAILED' });
    expect(error.message).toMatch(/could not load the native backend \(native: No native build was found/);
    expect(error.message).toContain('npm rebuild turbotoken');
    expect(error.message).toContain('unset TURBOTOKEN_BACKEND');
  });

  it('lists every reason when no backend loads', () => {
    const pkg = packageCopy({ withWasm: false });
    const { error } = probe(pkg, {}).result;
    expect(error).toMatchObject({ type: 'TurbotokenError', code: 'ERR_NATIVE_LOAD_FAILED' });
    expect(error.message).toMatch(/could not load any backend \(native: No native build was found.*; wasm: ENOENT.*turbotoken\.wasm/);
    expect(error.message).toContain('npm rebuild turbotoken');
    expect(error.message).toContain('reinstall turbotoken');
  });
});

// Every error the binding can throw, and results that depend on conversions at the boundary,
// recorded through the raw binding so that the facade's own checks do not hide differences.
const OUTCOMES = `
const { native } = require(process.argv[1] + '/dist/cjs/native.js');
const { TurbotokenError } = require(process.argv[1] + '/dist/cjs/errors.js');
const { readFileSync } = require('node:fs');
const manifest = JSON.parse(readFileSync(process.argv[1] + '/data/encodings.json', 'utf8')).encodings.cl100k_base;
const vocab = readFileSync(process.argv[1] + '/data/' + manifest.ranks);
const texts = Object.keys(manifest.specialTokens);
const ids = texts.map((t) => manifest.specialTokens[t]);
const outcome = (fn) => {
  try {
    const v = fn();
    return { value: v instanceof Uint8Array || v instanceof Uint32Array ? [v.constructor.name, ...v] : v };
  } catch (e) {
    return { type: e.constructor.name, code: e.code, message: e.message, isTurbotoken: e instanceof TurbotokenError };
  }
};
const enc = new native.NativeEncoding(vocab, 1, texts, ids);
const all = new Uint8Array(texts.length).fill(1);
const cases = {
  encode: () => enc.encode('hello <|fim_prefix|> world', null, null),
  encodeAllowed: () => enc.encode('a<|endoftext|>b<|fim_middle|>', all, null),
  disallowed: () => enc.encode('x <|fim_middle|> <|endoftext|>', null, all),
  countDisallowed: () => enc.count('<|endofprompt|>', null, all),
  textType: () => enc.encode(42, null, null),
  textUint16: () => enc.count(new Uint16Array(2), null, null),
  maskLength: () => enc.encode('x', new Uint8Array(1), null),
  maskType: () => enc.encode('x', null, [1, 1, 1, 1, 1]),
  textAndMaskBad: () => enc.encode({}, [1], null),
  invalidUtf8: () => enc.encode(Uint8Array.from([0x61, 0xff, 0xe2, 0x82, 0x62]), null, null),
  loneSurrogate: () => enc.encode('a\\ud800b\\udfff', null, null),
  decode: () => enc.decode(Uint32Array.from([65279, 15339, 100257])),
  decodeBom: () => enc.decode(enc.encode('\\ufeffhi', null, null)),
  decodePartial: () => enc.decode(Uint32Array.from([9468, 239])),
  decodeBad: () => enc.decode(Uint32Array.from([1, 100261])),
  decodeType: () => enc.decode([1, 2]),
  decodeBytesBad: () => enc.decodeBytes(Uint32Array.from([4294967295])),
  decodeBytes: () => enc.decodeBytes(Uint32Array.from([15339, 100257])),
  tokenBytes: () => enc.tokenBytes(100276),
  tokenBytesMissing: () => enc.tokenBytes(100261),
  tokenBytesNotNumber: () => enc.tokenBytes('1'),
  tokenBytesWrap: () => enc.tokenBytes(2 ** 32 + 5),
  singleToken: () => enc.singleToken(Buffer.from('<|endoftext|>')),
  singleTokenNone: () => enc.singleToken(Buffer.from('hello world')),
  singleTokenType: () => enc.singleToken('hello'),
  info: () => enc.info().maxTokenValue,
  ctorArgs: () => new native.NativeEncoding(vocab, 1, texts),
  ctorVocabType: () => new native.NativeEncoding([1, 2], 1, [], []),
  ctorFamily: () => new native.NativeEncoding(vocab, 7, [], []),
  ctorFamilyNegative: () => new native.NativeEncoding(vocab, -1, [], []),
  ctorBadVocab: () => new native.NativeEncoding(new Uint8Array(16), 0, [], []),
  ctorSpecialCollides: () => new native.NativeEncoding(vocab, 0, ['<|x|>'], [5]),
  ctorSpecialEmpty: () => new native.NativeEncoding(vocab, 0, [''], [100300]),
  ctorSpecialType: () => new native.NativeEncoding(vocab, 0, [5], [100300]),
  mergeStrategy: () => native.setMergeStrategy('fastest'),
  mergeStrategyType: () => native.setMergeStrategy(1),
  errorClass: () => native.setErrorClass(5),
};
const out = {};
for (const [name, fn] of Object.entries(cases)) out[name] = outcome(fn);
console.log(JSON.stringify(out));
`;

it('the raw bindings of both backends give the same results and the same errors', () => {
  const native = run(['-e', OUTCOMES, root], { TURBOTOKEN_BACKEND: 'native' }).result;
  const wasm = run(['-e', OUTCOMES, root], { TURBOTOKEN_BACKEND: 'wasm' }).result;
  expect(native.disallowed.code).toBe('ERR_DISALLOWED_SPECIAL_TOKEN');
  expect(native.ctorBadVocab.code).toBe('ERR_INVALID_VOCABULARY');
  for (const name of Object.keys(native)) expect({ name, ...wasm[name] }).toEqual({ name, ...native[name] });
});

// A trap discards the instance and every core object in it; a splitter and a merge list (with the
// added tokens it was given) made before it must be rebuilt in the fresh instance on their next use
// (src/wasm-runtime.ts, CoreObject). The tokenizer.json is Llama 2's shape (a space becomes ▁), so
// that its text goes to the merge list in one call, added tokens and all.
const AFTER_TRAP = `
const dist = process.argv[1] + '/dist/cjs/';
const { Encoding, getEncoding } = require(dist + 'index.js');
const { createSplitter, SplitMode } = require(dist + 'pattern-matcher.js');
const { compilePattern } = require(dist + 'pattern-program.js');
const { setRuntimeMemoryLimit } = require(dist + 'wasm-runtime.js');
const splitter = createSplitter([{ program: compilePattern('\\\\S+'), mode: SplitMode.Matches }]);
const bytes = Buffer.from('ab cd  efg');
const sp = Encoding.fromTokenizerJson(JSON.stringify({
  added_tokens: [{ id: 6, content: '<x>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
  pre_tokenizer: null,
  decoder: null,
  model: { type: 'BPE', unk_token: '<unk>', fuse_unk: true, byte_fallback: false, vocab: { '<unk>': 0, '▁': 1, a: 2, b: 3, ab: 4, '▁ab': 5 }, merges: ['a b', '▁ ab'] },
}));
const text = 'ab ab<x>ab abb';
const results = () => ({ pieces: Array.from(splitter.split(bytes)), ids: Array.from(sp.encode(text, { allowedSpecial: 'all' })) });
const before = results();
let trap;
try {
  setRuntimeMemoryLimit(64 << 20);
  getEncoding('cl100k_base').encode(' a'.repeat(10 << 20));
} catch (e) {
  trap = e.code;
} finally {
  setRuntimeMemoryLimit(0);
}
console.log(JSON.stringify({ trap, before, after: results(), memory: splitter.memoryBytes() }));
`;

describe('the WebAssembly module', () => {
  const file = join(root, 'wasm', 'turbotoken.wasm');

  it('imports nothing and stays within its size budget', () => {
    expect(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(file)))).toEqual([]);
    expect(statSync(file).size).toBeLessThanOrEqual(300 * 1024);
  });

  it('reports running out of memory as ERR_OUT_OF_MEMORY and recovers', () => {
    const { loadWasm } = require('../../dist/cjs/wasm.js');
    const { TurbotokenError } = require('../../dist/cjs/errors.js');
    const wasm = loadWasm();
    wasm.setErrorClass(TurbotokenError);
    const manifest = JSON.parse(readFileSync(join(root, 'data', 'encodings.json'), 'utf8')).encodings.cl100k_base;
    const texts = Object.keys(manifest.specialTokens);
    const enc = new wasm.NativeEncoding(readFileSync(join(root, 'data', manifest.ranks)), 1, texts, texts.map((t) => manifest.specialTokens[t]));
    const oom = expect.objectContaining({ constructor: TurbotokenError, code: 'ERR_OUT_OF_MEMORY' });
    const text = ' a'.repeat(10 << 20); // 20 MB, 10M tokens: the ids alone need 40 MB
    try {
      wasm.setMemoryLimit(64 << 20);
      expect(() => enc.encode(' b'.repeat(40 << 20), null, null)).toThrow(oom); // the input does not fit
      expect(() => enc.encode(text, null, null)).toThrow(oom); // the core's result does not: a trap
      expect(enc.count(text, null, null)).toBe(10 << 20); // a fresh instance; counting needs no ids
    } finally {
      wasm.setMemoryLimit(0);
    }
    expect(enc.encode(text, null, null).length).toBe(10 << 20);
  });

  it('rebuilds a splitter and a merge list made before a trap in the fresh instance', () => {
    const { result } = run(['-e', AFTER_TRAP, root], { TURBOTOKEN_BACKEND: 'wasm' });
    expect(result.trap).toBe('ERR_OUT_OF_MEMORY');
    expect(result.before).toEqual({ pieces: [0, 2, 3, 5, 7, 10], ids: [5, 5, 6, 5, 5, 3] });
    expect(result.after).toEqual(result.before);
    expect(result.memory).toBeGreaterThan(0);
  });
});
