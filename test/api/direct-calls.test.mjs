// The native handle's per-request calls (encode, count, encodePrefix, countUpTo, decode,
// decodeBytes) are functions of their own that carry the core with them, not methods that look up
// their object's native half (native/binding/native_encoding.h). Such a function may outlive the
// handle it came from: it must keep working, with its own share of the core and of the output
// buffer, after the handle is collected, and must free them when it is collected itself. Native
// only (vitest.config.mjs): the WebAssembly handle is plain JavaScript.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backend } from '../../index.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Runs in a child with --expose-gc; prints one JSON line of results.
const CHILD = `
const { readFileSync } = require('node:fs');
const { native } = require('./dist/cjs/native.js');
const { FAMILY_CODE } = require('./dist/cjs/pattern.js');
const { getEncoding } = require('./dist/cjs/index.js');
const blob = readFileSync('data/cl100k_base.tkv');
const text = 'Direct calls: hello <|endoftext|> wörld, 12345 — ok.';
const ids = getEncoding('cl100k_base').encodeOrdinary(text);
let collected = false;
const registry = new FinalizationRegistry(() => { collected = true; });
function detached() {
  const handle = new native.NativeEncoding(blob, FAMILY_CODE.cl100k, ['<|endoftext|>'], [100257]);
  registry.register(handle, 'handle');
  const out = new Uint32Array(64);
  handle.setOutputBuffer(out);
  const { encode, count, encodePrefix, countUpTo, decode, decodeBytes } = handle;
  return { out, encode, count, encodePrefix, countUpTo, decode, decodeBytes };
}
// Node runs the finalizers of native objects from the event loop after a collection: turn it a
// few times so that the handle's own finalizer has surely run.
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
async function main() {
const f = detached();
for (let round = 0; round < 20 && !collected; round++) {
  globalThis.gc();
  await tick();
}
await tick();
const n = f.encode(text, null, null);
const result = {
  encode: Array.from(f.out.subarray(0, n)),
  count: f.count(text, null, null),
  encodePrefix: Array.from(f.encodePrefix(text, null, null, 3)),
  countUpTo: f.countUpTo(text, null, null, 1000),
  decode: f.decode(ids),
  decodeBytes: Buffer.from(f.decodeBytes(ids)).toString('utf8'),
  expected: { ids: Array.from(ids), text },
  collected,
};
// Handles and their functions made and dropped in batches: each function frees its share of the
// core (about 6 MB here), so later batches reuse the memory of earlier ones. Had the functions
// kept their cores, the two batches after the first would add some 480 MB.
async function batch() {
  for (let k = 0; k < 40; k++) {
    const g = detached();
    if (g.count('a b c', null, null) !== 3) throw new Error('count');
    if (k % 10 === 9) {
      globalThis.gc();
      await tick();
    }
  }
  for (let k = 0; k < 3; k++) {
    globalThis.gc();
    await tick();
  }
  return process.memoryUsage().rss;
}
const afterFirst = await batch();
await batch();
result.growthMB = ((await batch()) - afterFirst) / 2 ** 20;
const h = new native.NativeEncoding(blob, FAMILY_CODE.cl100k, [], []);
const d = Object.getOwnPropertyDescriptor(h, 'encode');
result.property = { own: typeof d.value, writable: d.writable, enumerable: d.enumerable, keys: Object.keys(h) };
result.badSpecials = [[['<x>'], ['zero']], [[7], [0]]].map(([texts, ids]) => {
  try {
    new native.NativeEncoding(blob, FAMILY_CODE.cl100k, texts, ids);
    return 'no error';
  } catch (e) {
    return e.name + ' ' + e.code;
  }
});
console.log(JSON.stringify(result));
}
main();
`;

let lastRun;

describe('direct calls of the native handle', () => {
  it('work after their handle is collected, with the shared output buffer', () => {
    expect(backend).toMatch(/^native-/);
    const out = execFileSync(process.execPath, ['--expose-gc', '-e', CHILD], { cwd: root, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop());
    lastRun = r;
    expect(r.collected).toBe(true);  // else this test would show nothing
    expect(r.encode).toEqual(r.expected.ids);
    expect(r.count).toBe(r.expected.ids.length);
    expect(r.encodePrefix).toEqual(r.expected.ids.slice(0, 3));
    expect(r.countUpTo).toBe(r.expected.ids.length);
    expect(r.decode).toBe(r.expected.text);
    expect(r.decodeBytes).toBe(r.expected.text);
  });

  it('free their share when collected', () => {
    expect(lastRun.growthMB).toBeLessThan(150);
  });

  it('are read-only, non-enumerable own properties', () => {
    expect(lastRun.property).toEqual({ own: 'function', writable: false, enumerable: false, keys: [] });
  });

  it('are not made when the special tokens are malformed: a TypeError, not a crash', () => {
    expect(lastRun.badSpecials).toEqual(['TypeError ERR_INVALID_ARG_TYPE', 'TypeError ERR_INVALID_ARG_TYPE']);
  });
});
