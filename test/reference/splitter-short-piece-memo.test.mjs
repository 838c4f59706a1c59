// A Sequence's later steps replay what they kept of a short piece (up to 8 bytes) when the same
// bytes came before in the call (native/core/regex/splitter.cpp, ShortPieceMemo): exact only if
// replaying equals running the step on the piece again. Against the steps run one by one, each
// piece split by a one-step splitter of its own (the step-by-step path, a text per piece), on
// texts cut into many short repeating pieces of mixed verdicts (kept whole, cut, dropped), every
// behavior and `invert`, random second steps, and DeepSeek-V3's three Splits.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { randomPattern, randomSubject } from '../support/random-pattern.mjs';
import { rng } from '../support/random-text.mjs';
import { compileOrRefused, compilePattern } from '../support/regexp-matches.mjs';
import { compareWithSteps, stepByStep } from '../support/splitter-steps.mjs';

const require = createRequire(import.meta.url);
const { SplitMode } = require('../../dist/cjs/pattern-matcher.js');

const MODES = [SplitMode.Removed, SplitMode.Isolated, SplitMode.MergedWithPrevious, SplitMode.MergedWithNext, SplitMode.Contiguous];
const DEEPSEEK_V3 = ['\\p{N}{1,3}', '[一-龥぀-ゟ゠-ヿ]+', "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"];

/** How many pieces reach a later step with the bytes of an earlier piece of that step (8 bytes or fewer). */
function repeatedShortPieces(steps, bytes) {
  let repeats = 0;
  for (let s = 1; s < steps.length; s++) {
    const seen = new Set();
    const pieces = stepByStep(steps.slice(0, s), bytes);
    for (let k = 0; k < pieces.length; k += 2) {
      if (pieces[k + 1] - pieces[k] > 8) continue;
      const key = Buffer.from(bytes.subarray(pieces[k], pieces[k + 1])).toString('latin1');
      if (seen.has(key)) repeats++;
      seen.add(key);
    }
  }
  return repeats;
}

/** Texts of short runs over a small alphabet: digits, letters, spaces, punctuation, CJK, an accent. */
function texts(seed, count) {
  const next = rng(seed);
  const out = [];
  for (let n = 0; n < count; n++) {
    let t = '';
    const target = 200 + Math.floor(next() * 1200);
    while (Buffer.byteLength(t) < target) {
      t += randomSubject(next, 6);
      if (next() < 0.5) t += String(Math.floor(next() * 10_000));
    }
    out.push(Buffer.from(t, 'utf8'));
  }
  return out;
}

describe("a Sequence's later steps on short repeating pieces", () => {
  it("DeepSeek-V3's three Splits give the pieces of the steps run one by one", () => {
    const steps = DEEPSEEK_V3.map((p) => ({ program: compilePattern(p), mode: SplitMode.Isolated }));
    const all = texts(0x23a, 40);
    expect(compareWithSteps(steps, all)).toEqual([]);
    expect(all.reduce((n, b) => n + repeatedShortPieces(steps, b), 0)).toBeGreaterThan(2000);
  });

  it('every behavior and invert, after a first step that cuts short pieces', () => {
    const next = rng(0x23b);
    const all = texts(0x23c, 6);
    const firsts = ['\\p{N}{1,3}', '[ab]+|\\s', '\\S{1,2}'];
    const bad = [];
    let repeats = 0;
    for (let n = 0; n < 60; n++) {
      const first = { program: compilePattern(firsts[n % firsts.length]), mode: MODES[n % MODES.length], invert: n % 7 === 3 };
      const pattern = randomPattern(next);
      const mode = MODES[Math.floor(next() * MODES.length)];
      const invert = next() < 0.3;
      const program = compileOrRefused(pattern);
      if (!program) continue;
      const second = { program, mode, invert };
      const steps = n % 2 ? [first, second] : [first, second, { program: compilePattern('\\p{L}+|\\s+|.'), mode: MODES[(n >> 1) % MODES.length] }];
      bad.push(...compareWithSteps(steps, all).map((b) => ({ pattern, ...b })));
      if (n < 10) repeats += all.reduce((k, b) => k + repeatedShortPieces(steps, b), 0);
    }
    expect(bad.slice(0, 3)).toEqual([]);
    expect(repeats).toBeGreaterThan(500);
  });

  it('a short piece cut into as many ranges as it has bytes (every word of a replay is one of its ranges)', () => {
    const next = rng(0x23d);
    const words = ['ab', 'a,b', 'a,b,c', 'ab,cd,e', 'a.b.c.d', 'a,b,c,d', 'x-y-z-w', 'q.r,s-t'];
    const all = [];
    for (let n = 0; n < 8; n++) {
      let t = '';
      while (t.length < 600) t += words[Math.floor(next() * words.length)] + (next() < 0.2 ? '  ' : ' ');
      all.push(Buffer.from(t, 'utf8'));
    }
    for (const mode of [SplitMode.Isolated, SplitMode.Removed]) {
      const steps = [
        { program: compilePattern('\\S+'), mode: SplitMode.Isolated },
        { program: compilePattern('[a-z]|[,.-]'), mode },
      ];
      expect(compareWithSteps(steps, all).slice(0, 3)).toEqual([]);
      expect(all.reduce((k, b) => k + repeatedShortPieces(steps, b), 0)).toBeGreaterThan(500);
    }
  });
});
