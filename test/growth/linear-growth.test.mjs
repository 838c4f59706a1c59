// Never quadratic: for one long piece with no split point, 4x the input takes about 4x the time
// (the merge for long pieces is at worst O(n log n); a quadratic merge would take 16x).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { WORST_CASES, repeatToBytes } from '../support/worst-cases.mjs';

const SMALL = 2 * 1024 * 1024;
const LARGE = 4 * SMALL;
// 2 MB to 8 MB: both sizes are past the CPU caches (the merge keeps ~20 bytes per input byte),
// so the ratio shows the algorithm, not the step from cache to memory (from 256 KB to 1 MB that
// step alone takes the ratio to 5.5-8.2x).
//
// User CPU time only: the kernel's time is mostly page faults, and glibc hands the two sizes
// memory differently. The 8 MB text's merge arrays are over its largest mmap threshold (32 MB),
// so every call maps fresh pages and faults them in (50-100 ms of system time per call); the
// 2 MB text's arrays come from the heap, reused warm from the call before (0-4 ms). With system
// time counted, r50k_base's spaces reach 8-10x; user time alone stays at 2.4-5.5x on every case.
// r50k_base's space+newline (no merge applies: one piece of single-byte tokens) reaches 6.5x on a
// quiet machine, its 2 MB text's arrays staying in the host's L3 and the 8 MB text's not, and
// over 9x on a loaded one. A quadratic merge takes 16x, and more under the same load: 12x still
// fails it and leaves room for a loaded machine.
const MAX_RATIO = 12;

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
    // cpuGrowth measures again when a ratio is over the bound: a burst of load on the machine
    // passes on a retry, a quadratic merge (16x) fails every attempt. The fastest of three calls
    // per size, as the pattern growth tests take: 36 cases of 10 MB each run on both backends.
    const ratio = cpuGrowth(() => enc.count(small, one), () => enc.count(large, one), { bound: MAX_RATIO, runs: 3 });
    expect(ratio).toBeLessThan(MAX_RATIO);
    // count() on the same 8 MB texts equals encode().length in test/reference/worst-case-count
    // (60% of this file's CPU time, which needs no core of its own).
  });
});

it('1 MB of one repeated letter encodes and round-trips', () => {
  const enc = getEncoding('o200k_base');
  const text = repeatToBytes('a', 1 << 20);
  expect(enc.decode(enc.encode(text))).toBe(text);
});
