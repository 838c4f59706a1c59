// The pattern matcher on texts long enough for its lazy DFA (native/core/regex/lazy_dfa.*, used
// from 256 bytes on, with the Pike VM where a search gives up) against JavaScript's RegExp running
// the same translated pattern: random patterns of the dialect on long random strings, the
// give-up paths, and the Qwen3 and DeepSeek-V3 patterns on every code point in several contexts.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { randomPattern, randomSubject } from '../support/random-pattern.mjs';
import { rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { compilePattern } = require('../../dist/cjs/pattern-program.js');
const { findMatches } = require('../../dist/cjs/pattern-matcher.js');
const { translatePattern } = require('../../dist/cjs/pattern.js');

/** RegExp's non-empty matches as [start, end) UTF-8 offsets, as the RegExp path finds them. */
function regexpMatches(re, text) {
  const out = [];
  re.lastIndex = 0;
  let bytes = 0;
  let upTo = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
      continue;
    }
    bytes += Buffer.byteLength(text.slice(upTo, m.index), 'utf8');
    const length = Buffer.byteLength(m[0], 'utf8');
    out.push(bytes, bytes + length);
    bytes += length;
    upTo = m.index + m[0].length;
  }
  return out;
}

function firstDifference(pattern, text) {
  const ours = findMatches(compilePattern(pattern), Buffer.from(text, 'utf8'));
  const theirs = regexpMatches(translatePattern(pattern), text);
  if (ours.length === theirs.length && ours.every((v, k) => v === theirs[k])) return undefined;
  const at = [...ours].findIndex((v, k) => v !== theirs[k]);
  const from = Math.max(0, (at < 0 ? theirs.length : at) - 4);
  return { pattern, pairs: [ours.length / 2, theirs.length / 2], ours: [...ours.slice(from, from + 8)], theirs: theirs.slice(from, from + 8) };
}


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
