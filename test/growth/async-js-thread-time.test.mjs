// How long encodeAsync / countAsync hold the JS thread before they return their promise, on the
// native backend: a long string is copied once (V8's copy of its UTF-16 into memory already paged
// in) and everything else happens on a worker. Held as a ratio to that copy alone, done by
// Buffer#write into a warm buffer on the same string in the same loop (no absolute times): a
// UTF-8 conversion on the JS thread, or a copy into fresh pages (page faults), makes the call
// several times the copy. The fastest of 15 runs of each, on the wall clock: the process's CPU
// time would count the worker, which starts before the call returns, and on a loaded host a call
// often loses its core to the worker it has just woken (1-26 ms for a 1.2-2 ms copy here).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';

const enc = getEncoding('cl100k_base');
const timed = (f) => {
  const t0 = performance.now();
  const result = f();
  return [performance.now() - t0, result];
};
// A flat string (a repeat() rope is flattened by V8 on its first read, not the binding's work).
const flat = (s) => Buffer.from(s, 'utf8').toString('utf8');

describe('the JS thread during async calls (native)', () => {
  for (const [kind, unit] of [['one-byte', 'hello world, a sentence. '], ['two-byte', 'привет мир, это фраза. ']]) {
    it(`returns the promise of a 12M-unit ${kind} string in at most 3x the time of copying the string`, async () => {
      const text = flat(unit.repeat(Math.ceil(12e6 / unit.length)));
      const warm = Buffer.allocUnsafe(text.length * 2).fill(1);
      const calls = [];
      const copies = [];
      for (let r = 0; r < 16; r++) {
        const [call, promise] = timed(() => (r % 2 ? enc.countAsync(text) : enc.encodeAsync(text)));
        await promise;
        const [copy] = timed(() => warm.write(text, 0, 'utf16le'));
        if (r === 0) continue;  // the first call's buffer is fresh memory: later calls reuse it
        calls.push(call);
        copies.push(copy);
      }
      expect(Math.min(...calls)).toBeLessThan(3 * Math.min(...copies));
    });
  }
});
