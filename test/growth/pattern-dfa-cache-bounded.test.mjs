// The lazy DFA that a compiled pattern keeps across calls (native/core/regex/splitter.h): its
// memory stays under the cap (LazyDfa::kMaxCacheBytes of states plus the class table) on a
// pattern whose DFA has far more states than fit, call after call, and the matches stay those of
// JavaScript's RegExp while the cache fills, empties and refills. Short texts run on the kept DFA.
import { describe, expect, it } from 'vitest';
import { createSplitter, SplitMode } from '../../dist/cjs/pattern-matcher.js';
import { compilePattern } from '../../dist/cjs/pattern-program.js';
import { rng } from '../support/random-text.mjs';

// native/core/regex/lazy_dfa.h: 8 MiB of states, and at most 4,352 two-byte block entries plus
// 4,352 blocks of 256 two-byte classes.
const STATE_CAP = 8 * 2 ** 20;
const CLASS_TABLE_CAP = 4352 * 2 + 4352 * 256 * 2;

function regexpPairs(source, text) {
  const out = [];
  for (const m of text.matchAll(new RegExp(source, 'gu'))) if (m[0].length) out.push(m.index, m.index + m[0].length);
  return out;
}

// a/b words: the DFA of [ab]*a[ab]{N} has a state per window of the last N+1 letters (2^(N+1)
// of them), and long words visit many: without the cap the states pass 19 MB in one call here.
function abText(seed, bytes) {
  const next = rng(seed);
  let s = '';
  while (s.length < bytes) {
    const n = 150 + Math.floor(next() * 250);
    for (let k = 0; k < n; k++) s += next() < 0.5 ? 'a' : 'b';
    s += ' ';
  }
  return s;
}

describe('the kept DFA', () => {
  it('stays under its cap on a pattern with 2^18 states, and matches as RegExp does throughout', () => {
    const source = '[ab]*a[ab]{17}';
    const splitter = createSplitter([{ program: compilePattern(source), mode: SplitMode.Matches }]);
    let peak = 0;
    for (let round = 0; round < 2; round++) {
      const text = abText(0x5eed + round, 100_000);
      const got = Array.from(splitter.split(Buffer.from(text)));
      expect(got).toEqual(regexpPairs(source, text));
      peak = Math.max(peak, splitter.memoryBytes());
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(STATE_CAP + CLASS_TABLE_CAP);
  });

  it('is kept between calls: short texts reuse the states that a long one built', () => {
    const source = "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    const splitter = createSplitter([{ program: compilePattern(source), mode: SplitMode.Matches }]);
    const fresh = splitter.memoryBytes();
    const long = 'The quick brown fox, 1234 jumps — über den Zaun. '.repeat(40);
    splitter.split(Buffer.from(long));
    const after = splitter.memoryBytes();
    // The states the long text built are still there.
    expect(after).toBeGreaterThan(fresh);
    // Pieces of the long text: the same characters after the same ones, so the same states.
    for (const short of ['The quick', ' brown fox,', ' 1234 jumps', ' über den']) {
      const bytes = Buffer.from(short);
      const got = Array.from(splitter.split(bytes));
      const want = regexpPairs(source, short).map((i) => Buffer.byteLength(short.slice(0, i)));
      expect(got).toEqual(want);
    }
    // The short texts read states the long one built: nothing was added.
    expect(splitter.memoryBytes()).toBe(after);
  });

  it('a Sequence keeps one DFA per step, each under the cap', () => {
    const steps = ['[ab]*a[ab]{16}', '\\p{L}+', '[ab]{1,3}'].map((s, k) => ({ program: compilePattern(s), mode: k === 0 ? SplitMode.Isolated : SplitMode.Contiguous }));
    const splitter = createSplitter(steps);
    for (let round = 0; round < 2; round++) {
      const pairs = splitter.split(Buffer.from(abText(0x77 + round, 50_000)));
      expect(pairs.length).toBeGreaterThan(0);
      expect(splitter.memoryBytes()).toBeLessThanOrEqual(3 * (STATE_CAP + CLASS_TABLE_CAP));
    }
  });
});
