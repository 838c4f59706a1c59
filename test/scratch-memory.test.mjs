// The native binding converts a string argument into a per-thread UTF-8 buffer that it reuses.
// A server that once counts a very large text must get that memory back at its next ordinary
// call, not keep it for as long as the thread lives. WebAssembly memory cannot shrink, so this
// holds for the native backend only (docs/api.md, "Memory between calls"); vitest.config.mjs runs this file in
// the native project alone.
import { describe, expect, it } from 'vitest';
import { backend, getEncoding } from '../index.mjs';

const MB = 2 ** 20;
const rss = () => process.memoryUsage().rss;

describe('memory of the text buffer', () => {
  const enc = getEncoding('cl100k_base');
  // A flat one-byte string (Buffer#toString makes one; 'x'.repeat makes a rope that V8 would
  // flatten, and allocate, inside the measured call).
  const big = Buffer.alloc(160e6, 'word ').toString('latin1');
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
    const before = rss();
    for (let i = 0; i < 3; i++) expect(enc.count(big)).toBe(count);
    expect(rss() - before).toBeLessThan(40 * MB);
  });
});
