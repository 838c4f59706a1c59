// Never quadratic with 64 KiB tokens: one long piece that merges into such tokens (a run of one
// byte, "ab" repeated) takes about 4x the time for 4x the text,
// and no more per byte than the same text with only the vocabulary's tokens of up to 255 bytes
// (the seams between the long merge's windows then sit inside long tokens, where checking a
// seam once merged two such tokens with the direct merge, quadratic in their length).
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { longTokenVocabulary } from '../support/long-token-vocab.mjs';

const PATTERN = String.raw`[a-z]+|[^a-z]+`;
const { entries } = longTokenVocabulary();
const enc = new Encoding({ name: 'long_tokens', pattern: PATTERN, ranks: new Map(entries) });
const short = new Encoding({ name: 'short_tokens', pattern: PATTERN, ranks: new Map(entries.filter(([b]) => b.length <= 255)) });
const SMALL = 1 << 19;
const CASES = {
  'a run': (n) => 'a'.repeat(n),
  'ab repeated': (n) => 'ab'.repeat(n / 2),
};
// As test/growth/linear-growth.test.mjs: a quadratic merge takes 16x; 12 leaves room for load.
const MAX_RATIO = 12;
const one = { threads: 1 };

// A run is counted on its run lengths in well under a millisecond, below what process.cpuUsage()
// resolves: each measurement repeats the call until the small text's calls take 20 ms or more.
function repeatsFor(work) {
  const start = performance.now();
  let n = 0;
  do {
    work();
    n++;
  } while (performance.now() - start < 20 && n < 100_000);
  return n;
}
const repeated = (n, work) => () => {
  for (let k = 0; k < n; k++) work();
};

describe('pieces that merge into 64 KiB tokens', () => {
  it.each(Object.entries(CASES))('%s grows linearly', (_label, make) => {
    const small = make(SMALL);
    const large = make(4 * SMALL);
    const n = repeatsFor(() => enc.count(small, one));
    const ratio = cpuGrowth(repeated(n, () => enc.count(small, one)), repeated(n, () => enc.count(large, one)), { bound: MAX_RATIO });
    expect(ratio).toBeLessThan(MAX_RATIO);
  });

  it.each(Object.entries(CASES))('%s costs no more per byte than with tokens of up to 255 bytes', (_label, make) => {
    const text = make(2 * SMALL);
    expect(enc.count(text, one)).toBeLessThan(short.count(text, one));
    const n = repeatsFor(() => short.count(text, one));
    const ratio = cpuGrowth(repeated(n, () => short.count(text, one)), repeated(n, () => enc.count(text, one)), { bound: 4 });
    expect(ratio).toBeLessThan(4);
  });
});
