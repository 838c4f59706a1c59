// Shared-memory races on the sanitizer build of the addon (issue 21, item 2), run by
// scripts/asan-check.sh: node test/sanitizer/shared-memory-races.mjs <package-root> [seconds].
// (0 seconds skips the races' loops.) Not a vitest file: it needs that build (with the test-only race hook) and the sanitizer runtime
// preloaded into node.
//
// 1. Races: a worker rewrites a SharedArrayBuffer as fast as it can while every entry point that
//    reads ids (decode, decodeBytes, decodeAsync) or text (encode, count, their limited forms,
//    encodeWithOffsets, the async and batch calls) runs on it, for a bounded time each. Every
//    output must be one the input could give at some moment (ids: tokens of the encoding; text:
//    one token's bytes per id), and nothing may reach the sanitizers.
// 2. The hook: where the race window is too narrow to hit, setRaceHook writes invalid UTF-8 or
//    ids that are no tokens over the caller's memory at the moment the core has checked the input
//    and is about to use it. A call that copied shared memory once gives exactly what the
//    unchanged input gives; one that reads it again gives something else (or a sanitizer report).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { flipper } from '../support/flipper.mjs';

const [root, secondsArg = '3'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const require = createRequire(import.meta.url);
const t = require(path.join(root, 'dist/cjs/index.js'));
const binding = require(path.join(root, 'build/Release/turbotoken.node'));
assert.ok(String(t.backend).startsWith('native'), `backend ${t.backend}`);
assert.equal(typeof binding.setRaceHook, 'function', 'not the sanitizer build: no setRaceHook');

const enc = t.getEncoding('cl100k_base');
const LAST_RANK = 100255; // cl100k_base's ranks are 0..100255, every one a token
const SPACES = 58040; // 128 spaces (0xE2B8)
// 'Anna' (0xE200): it differs from SPACES in one byte only. Under ASan the binding's copy of the
// ids goes through the sanitizer's memmove, which reads bytes one at a time, so a copy made while
// the worker writes can mix the bytes of two ids (0 and 0xE2B8 gave 0xE200 and 0xB8, tokens too);
// between these two a mix is one of them.
const ANNA = 0xe200;


// Bytes that are one token's bytes per id, each id ANNA or SPACES: the count, else -1.
function tokensIn(bytes) {
  let n = 0;
  for (let k = 0; k < bytes.length; n++) {
    if (bytes[k] === 0x41) {
      if (bytes[k + 1] !== 0x6e || bytes[k + 2] !== 0x6e || bytes[k + 3] !== 0x61) return -1;
      k += 4;
    } else {
      for (let j = 0; j < 128; j++) if (bytes[k + j] !== 0x20) return -1;
      k += 128;
    }
  }
  return n;
}

function allTokens(ids, what) {
  for (const id of ids) if (!(id <= LAST_RANK)) assert.fail(`${what} gave ${id}, which is no token`);
}

async function forAWhile(body) {
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  while (Date.now() < end) {
    await body();
    calls++;
  }
  return calls;
}

const counts = {};

// 1. Races.
{
  // Filled before the worker starts: a call made before its first fill would see zeros ('!').
  const ids = new Uint32Array(new SharedArrayBuffer(4 * 4096)).fill(ANNA);
  const running = flipper(ids, [[ANNA], [SPACES]]);
  await running.started;
  counts.decode = await forAWhile(async () => {
    assert.equal(tokensIn(enc.decodeBytes(ids)), ids.length);
    assert.equal(tokensIn(Buffer.from(enc.decode(ids), 'latin1')), ids.length);
    const texts = await Promise.all([enc.decodeAsync(ids), enc.decodeAsync(ids)]);
    for (const text of texts) assert.equal(tokensIn(Buffer.from(text, 'latin1')), ids.length);
  });
  await running.stop();
}
{
  // Ids that are no token at all, in turn with tokens: a typed error or a parse of tokens.
  const ids = new Uint32Array(new SharedArrayBuffer(4 * 4096));
  const running = flipper(ids, [[0], [SPACES], [0xffffffff], [100257], [LAST_RANK + 1]]);
  await running.started;
  counts.decodeBad = await forAWhile(async () => {
    for (const call of [() => enc.decodeBytes(ids), () => enc.decode(ids), () => enc.decodeAsync(ids)]) {
      try {
        await call();
      } catch (error) {
        assert.equal(typeof error.code, 'string', `an error without a code: ${error}`);
      }
    }
  });
  await running.stop();
}
{
  const text = new Uint8Array(new SharedArrayBuffer(512));
  const running = flipper(text, [[0x61], [0xf0, 0x9f, 0x98, 0x80], [0xc3, 0xa9], [0xe4, 0xb8, 0xad], [0x20], [0x31], [0xff]]);
  await running.started;
  counts.encode = await forAWhile(async () => {
    allTokens(enc.encode(text), 'encode');
    allTokens(enc.encode(text, { maxTokens: 5 }), 'encode with maxTokens');
    allTokens(enc.encodeWithOffsets(text).tokens, 'encodeWithOffsets');
    assert.ok(enc.count(text) > 0);
    const within = enc.isWithinTokenLimit(text, 10); // the count, or false past the limit
    assert.ok(within === false || (Number.isInteger(within) && within > 0 && within <= 10), `isWithinTokenLimit gave ${within}`);
    allTokens(enc.encodeBatch([text, text]).tokens, 'encodeBatch');
    enc.countBatch([text, text]);
    const [a, b, n] = await Promise.all([enc.encodeAsync(text), enc.encodeAsync(text), enc.countAsync(text)]);
    allTokens(a, 'encodeAsync');
    allTokens(b, 'encodeAsync');
    assert.ok(n > 0);
  });
  await running.stop();
}

// 2. The hook, between the check and the use.
const hooked = {};
const failures = [];
async function withHook(name, view, valid, pattern, call, expected) {
  view.set(valid);
  binding.setRaceHook(view, pattern);
  let result;
  try {
    result = await call();
  } finally {
    hooked[name] = binding.setRaceHook();
  }
  if (!(hooked[name] > 0)) failures.push(`${name}: the hook never ran`);
  else if (!isDeepStrictEqual(result, expected)) failures.push(`${name}: the input changed after its check reached the result`);
}
{
  const text = new Uint8Array(new SharedArrayBuffer(600));
  const valid = new TextEncoder().encode('hello world, déjà vu 123 '.repeat(30)).subarray(0, 600);
  const plain = Uint8Array.from(valid);
  // Cut 4-byte characters and bytes that are never UTF-8.
  const invalid = new Uint8Array(600).map((_, k) => [0xf0, 0x9f, 0x98, 0xff, 0x80][k % 5]);
  const cases = {
    encode: [() => enc.encode(text), enc.encode(plain)],
    count: [() => enc.count(text), enc.count(plain)],
    'encode maxTokens': [() => enc.encode(text, { maxTokens: 40 }), enc.encode(plain, { maxTokens: 40 })],
    isWithinTokenLimit: [() => enc.isWithinTokenLimit(text, 1000), enc.isWithinTokenLimit(plain, 1000)],
    encodeWithOffsets: [() => enc.encodeWithOffsets(text), enc.encodeWithOffsets(plain)],
    encodeAsync: [() => enc.encodeAsync(text), enc.encode(plain)],
    countAsync: [() => enc.countAsync(text), enc.count(plain)],
    encodeBatch: [() => enc.encodeBatch([text, plain]), enc.encodeBatch([plain, plain])],
    countBatch: [() => enc.countBatch([text, plain]), enc.countBatch([plain, plain])],
  };
  for (const [name, [call, expected]] of Object.entries(cases)) await withHook(name, text, valid, invalid, call, expected);
}
{
  const ids = new Uint32Array(new SharedArrayBuffer(4 * 1024));
  const plain = new Uint32Array(1024); // '!' each
  const far = new Uint32Array(1024).fill(SPACES); // 128 bytes each: 128x the room measured
  const cases = {
    decodeBytes: [() => enc.decodeBytes(ids), enc.decodeBytes(plain)],
    decode: [() => enc.decode(ids), enc.decode(plain)],
    decodeAsync: [() => enc.decodeAsync(ids), enc.decode(plain)],
  };
  for (const [name, [call, expected]] of Object.entries(cases)) await withHook(name, ids, plain, far, call, expected);
  const bad = new Uint32Array(1024).fill(0xfffffff0);
  for (const [name, [call, expected]] of Object.entries(cases)) await withHook(`${name} (no tokens)`, ids, plain, bad, call, expected);
}

console.log(`races: ${JSON.stringify(counts)} rounds; hook ran: ${JSON.stringify(hooked)}`);
assert.deepEqual(failures, []);
