// A Sequence's Isolated steps write a piece's matches straight into the step's output (the lazy
// DFA's scan with the piece's offset added, native/core/regex/splitter.cpp): kept as they are
// where they tile the piece, taken back through the general ranges where they leave gaps, and run
// again on the general path where the DFA gives up within a piece. Against the steps run one by
// one, each piece split by a one-step splitter of its own (a text per piece), on pieces longer
// than the short-piece memo's 8 bytes: matches that tile, matches with gaps, a search the DFA
// cannot decide within its reach (`\w+x|\w` over long runs of letters), lookahead and anchors at
// the piece's edges, and random patterns.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { randomPattern, randomSubject } from '../support/random-pattern.mjs';
import { rng } from '../support/random-text.mjs';
import { compileOrRefused, compilePattern } from '../support/regexp-matches.mjs';
import { compareWithSteps, stepByStep } from '../support/splitter-steps.mjs';

const require = createRequire(import.meta.url);
const { SplitMode } = require('../../dist/cjs/pattern-matcher.js');

/** Words, spaces, punctuation, CJK and accents with digit groups between, now and then a long run of letters. */
function texts(seed, count) {
  const next = rng(seed);
  const out = [];
  for (let n = 0; n < count; n++) {
    let t = '';
    const target = 300 + Math.floor(next() * 1500);
    while (Buffer.byteLength(t) < target) {
      t += randomSubject(next, 12);
      if (next() < 0.4) t += String(Math.floor(next() * 1000));
      if (next() < 0.05) t += 'ab'.repeat(200 + Math.floor(next() * 400));
    }
    out.push(Buffer.from(t, 'utf8'));
  }
  return out;
}

const isolated = (pattern) => ({ program: compilePattern(pattern), mode: SplitMode.Isolated });

describe("a Sequence's Isolated steps, the matches written in place", () => {
  const all = texts(0x5e1, 30);
  const cases = {
    'matches that tile every piece': '\\p{L}+|\\s+|[^\\p{L}\\s]+',
    'matches with gaps between them': '\\p{L}{2,}',
    'a match now and then': '[xq]\\p{L}*',
    'a search the DFA gives up on (\\w+x|\\w over long runs)': '\\w+x|\\w',
    'lookahead at the piece end': '\\s+(?!\\S)|\\s+|\\S+',
    'anchors at the piece edges': '^\\p{L}+|\\p{L}+$|\\s',
  };
  for (const [name, pattern] of Object.entries(cases)) {
    it(name, () => {
      for (const first of ['\\p{N}{1,3}', '[.,;]']) {
        const steps = [isolated(first), isolated(pattern)];
        expect(compareWithSteps(steps, all)).toEqual([]);
        expect(compareWithSteps([...steps, isolated('\\p{L}{1,4}')], all)).toEqual([]);
      }
    });
  }

  it('the cases reach pieces longer than the short-piece memo keeps, with and without gaps', () => {
    const steps = [isolated('\\p{N}{1,3}'), isolated('\\p{L}{2,}')];
    const pieces = stepByStep(steps.slice(0, 1), Buffer.concat(all));
    let long = 0;
    for (let k = 0; k < pieces.length; k += 2) if (pieces[k + 1] - pieces[k] > 8) long++;
    expect(long).toBeGreaterThan(200);
  });

  it('a later step that reads to the piece end before it decides ([ab]*a[ab]{17} over 6,000 letters)', () => {
    const next = rng(0x5e3);
    let t = '';
    while (t.length < 120_000) {
      for (let k = 0; k < 6000; k++) t += next() < 0.5 ? 'a' : 'b';
      t += String(Math.floor(next() * 1000));
    }
    const steps = [isolated('\\p{N}{1,3}'), isolated('[ab]*a[ab]{17}')];
    expect(compareWithSteps(steps, [Buffer.from(t)])).toEqual([]);
  });

  it('random patterns as the later step', () => {
    const next = rng(0x5e2);
    const some = all.slice(0, 8);
    const bad = [];
    for (let n = 0; n < 60; n++) {
      const pattern = randomPattern(next);
      const program = compileOrRefused(pattern);
      if (!program) continue;
      const steps = [isolated(n % 2 ? '\\p{N}{1,3}' : '\\s'), { program, mode: SplitMode.Isolated, invert: n % 5 === 2 }];
      bad.push(...compareWithSteps(steps, some).map((b) => ({ pattern, ...b })));
    }
    expect(bad.slice(0, 3)).toEqual([]);
  });
});
