// The native binding converts a string argument into a per-thread UTF-8 buffer that it reuses.
// A server that once counts a very large text must get that memory back at its next ordinary
// call, not keep it for as long as the thread lives. WebAssembly memory cannot shrink, so this
// holds for the native backend only (docs/api.md, "Memory between calls"); vitest.config.mjs runs this file in
// the native project alone.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { backend, getEncoding } from '../../index.mjs';

const MB = 2 ** 20;
const rss = () => process.memoryUsage().rss;
// A garbage collection before each baseline, so that no earlier garbage is freed inside the
// measured window.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

describe('memory of the text buffer', () => {
  const enc = getEncoding('cl100k_base');
  // A flat one-byte string that leaves no large garbage. It was built with
  // Buffer.alloc(160e6).toString('latin1'), and V8 frees such a Buffer's memory on a background
  // thread after a collection: a CI run under load saw the large call hold 90 MB instead of 160,
  // and with a collection before the baseline it held 2-10 MB, the Buffer being freed inside the
  // window. 'x'.repeat makes a rope; reading a character flattens it here, not inside the call.
  const big = 'word '.repeat(32e6);
  big.charCodeAt(big.length >> 1);
  const count = big.length / 5 + 1;  // "word", then " word" each time, then the last " "

  it('is given back by the next small call of any kind', () => {
    expect(backend).toMatch(/^native-/);
    const smallCalls = {
      'count(string)': () => enc.count('a few words'),
      'count(bytes)': () => enc.count(new TextEncoder().encode('a few words')),
      'decode': () => enc.decode([64, 2478, 4339]),
      'encodeAsync': () => enc.encodeAsync('a few words'),
    };
    for (const [name, small] of Object.entries(smallCalls)) {
      enc.count('warm up');
      collectGarbage();
      const before = rss();
      expect(enc.count(big)).toBe(count);
      const held = rss() - before;
      small();
      const released = rss() - before;
      // The large call's buffer is resident (so this test can fail), and gone after the small one.
      expect(held, name).toBeGreaterThan(100 * MB);
      expect(released, name).toBeLessThan(held - 100 * MB);
    }
  });

  it('is kept between large calls, which reuse it', () => {
    enc.count(big);
    collectGarbage();
    const before = rss();
    for (let i = 0; i < 3; i++) expect(enc.count(big)).toBe(count);
    expect(rss() - before).toBeLessThan(40 * MB);
  });
});

// A decode of 2^20 bytes or more writes its text into a buffer that the environment keeps for the
// next such decode (js_strings.h). Node's Buffer memory shows in process.memoryUsage().arrayBuffers.
describe('memory of the large-decode buffer', () => {
  const enc = getEncoding('cl100k_base');
  // 10.2M units, 14.5 MB of UTF-8: a 29 MB buffer (two bytes per UTF-8 byte, the most units there can be).
  const text = 'Русский текст и English words. '.repeat(330_000);
  const ids = enc.encode(text);
  // V8 frees a dead ArrayBuffer's memory on a background thread after the collection (CI under
  // load once read the count before it had): collect, give that thread a moment, collect again.
  const arrayBuffers = async () => {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
    collectGarbage();
    return process.memoryUsage().arrayBuffers;
  };

  it('is kept for the next large decode and given back by any other call', async () => {
    const smallCalls = {
      'encode': () => enc.encode('a few words'),
      'small decode': () => enc.decode([64, 2478, 4339]),
      'decodeBytes': () => enc.decodeBytes(ids),
    };
    for (const [name, small] of Object.entries(smallCalls)) {
      const before = await arrayBuffers();
      expect(enc.decode(ids), name).toBe(text);
      const held = (await arrayBuffers()) - before;
      expect(enc.decode(ids), name).toBe(text);
      const reused = (await arrayBuffers()) - before;
      small();
      const released = (await arrayBuffers()) - before;
      expect(held, name).toBeGreaterThan(25 * MB);
      expect(reused, name).toBeLessThan(held + 5 * MB);
      expect(released, name).toBeLessThan(held - 25 * MB);
    }
  });

  it('after decodeAsync, is given back by the next call', async () => {
    const before = await arrayBuffers();
    expect(await enc.decodeAsync(ids)).toBe(text);
    const held = (await arrayBuffers()) - before;
    enc.count('a few words');
    expect(held).toBeGreaterThan(15 * MB);
    expect((await arrayBuffers()) - before).toBeLessThan(held - 15 * MB);
  });
});
