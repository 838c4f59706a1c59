// Never quadratic: for one long piece with no split point, 4x the input takes about 4x the time
// (the heap merge is O(n log n); a quadratic merge would take 16x).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { WORST_CASES, repeatToBytes } from './support/worst-cases.mjs';

const SMALL = 256 * 1024;
const LARGE = 4 * SMALL;
// Measured from 256 KB to 1 MB: 4.1-4.9x natively and 4.7-5.8x on WebAssembly on an idle machine,
// up to 6.3x natively while other processes load the machine. 8x leaves room for that and is
// still half of what a quadratic merge takes (16x).
const MAX_RATIO = 8;

// CPU time of this process (not wall time), the fastest of several runs: other processes on a
// busy machine (vitest runs test files in parallel) then barely move the ratio.
function fastest(fn, runs = 5) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  return Math.max(best, 1);
}

describe.each(['r50k_base', 'cl100k_base', 'o200k_base'])('%s grows linearly', (name) => {
  const enc = getEncoding(name);
  it.each(Object.entries(WORST_CASES))('%s', (_label, unit) => {
    const small = repeatToBytes(unit, SMALL);
    const large = repeatToBytes(unit, LARGE);
    enc.encode(small); // warm up
    const ratio = fastest(() => enc.encode(large)) / fastest(() => enc.encode(small));
    expect(ratio).toBeLessThan(MAX_RATIO);
    expect(enc.count(large)).toBe(enc.encode(large).length);
  });
});

it('1 MB of one repeated letter encodes and round-trips', () => {
  const enc = getEncoding('o200k_base');
  const text = repeatToBytes('a', 1 << 20);
  expect(enc.decode(enc.encode(text))).toBe(text);
});
