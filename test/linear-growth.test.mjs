// Never quadratic: for one long piece with no split point, 4x the input takes about 4x the time
// (the merge for long pieces is at worst O(n log n); a quadratic merge would take 16x).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { WORST_CASES, repeatToBytes } from './support/worst-cases.mjs';

const SMALL = 2 * 1024 * 1024;
const LARGE = 4 * SMALL;
// 2 MB to 8 MB: both sizes are past the CPU caches (the merge keeps ~20 bytes per input byte),
// so the ratio shows the algorithm, not the step from cache to memory (from 256 KB to 1 MB that
// step alone took the ratio to 5.5-8.2x once the merge got faster). Both are also past glibc's
// largest mmap threshold (32 MB of merge arrays), so both get fresh pages from the kernel: from
// 1 MB to 4 MB only the large text did, while the small one reused freed heap memory warm, and
// its page faults alone took r50k_base's spaces and space + newline to 9-10.8x (4.4-4.6x with a
// fixed mmap threshold; 2 MB to 8 MB: 3.1-5.3x). 10x leaves room for the process's CPU clock also
// counting V8's background threads and for a loaded machine, and is still well below a quadratic
// merge (16x).
const MAX_RATIO = 10;

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
    // One thread: texts of 1 MiB and more are otherwise split over threads where they have safe
    // cuts, and thread start-up and the split then blur the CPU-time ratio. count() runs the
    // same scanner and merges without allocating the result, whose allocation wakes V8's GC.
    const one = { threads: 1 };
    enc.count(small, one); // warm up
    const measure = () => fastest(() => enc.count(large, one)) / fastest(() => enc.count(small, one));
    // A second measurement when the first is over the bound: a burst of load on the machine (CI
    // measured 10.3x once, with other test files running beside this one) passes on a retry, a
    // quadratic merge (16x) fails both.
    let ratio = measure();
    if (ratio >= MAX_RATIO) ratio = Math.min(ratio, measure());
    expect(ratio).toBeLessThan(MAX_RATIO);
    expect(enc.count(large)).toBe(enc.encode(large).length);
  });
});

it('1 MB of one repeated letter encodes and round-trips', () => {
  const enc = getEncoding('o200k_base');
  const text = repeatToBytes('a', 1 << 20);
  expect(enc.decode(enc.encode(text))).toBe(text);
});
