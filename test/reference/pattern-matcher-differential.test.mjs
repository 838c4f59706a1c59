// The core's linear-time pattern matcher (native/core/regex/, compiled by src/pattern-program.ts)
// against JavaScript's RegExp running the same translated pattern, on seeded random patterns of
// the supported dialect and short random strings (short, so that the backtracking reference stays
// fast): the matches must be the same, start and end, with the same handling of empty matches.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { randomPattern, randomSubject } from '../support/random-pattern.mjs';
import { rng } from '../support/random-text.mjs';
import { compileOrRefused, regexpMatches } from '../support/regexp-matches.mjs';

const require = createRequire(import.meta.url);
const { compilePattern } = require('../../dist/cjs/pattern-program.js');
const { findMatches } = require('../../dist/cjs/pattern-matcher.js');
const { translatePattern } = require('../../dist/cjs/pattern.js');

describe('pattern matcher', () => {
  it('finds the matches RegExp finds, on random patterns and strings', () => {
    const next = rng(0x5eed);
    let compared = 0;
    let refused = 0;
    for (let p = 0; p < 200; p++) {
      const pattern = randomPattern(next);
      const program = compileOrRefused(pattern);
      if (!program) {
        refused++;
        continue;
      }
      const re = translatePattern(pattern);
      for (let t = 0; t < 50; t++) {
        const text = randomSubject(next);
        const expected = regexpMatches(re, text);
        const actual = [...findMatches(program, Buffer.from(text, 'utf8'))];
        if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ pattern, text, actual }).toEqual({ pattern, text, actual: expected });
        compared++;
      }
    }
    // Most patterns compile: refusals are the rare atomic forms outside the linear subset.
    expect(refused).toBeLessThan(20);
    expect(compared).toBeGreaterThan(9000);
  });

  it('reads the text as the core does: U+FFFD for ill-formed bytes, a byte at a time', () => {
    const program = compilePattern('\\x{FFFD}+|a');
    expect([...findMatches(program, Uint8Array.of(0x61, 0xff, 0xc3, 0x61, 0xe2, 0x82))]).toEqual([0, 1, 1, 3, 3, 4, 4, 6]);
  });

  it('refuses a malformed program with a typed error, never a crash', () => {
    const bad = [
      Uint32Array.of(), Uint32Array.of(1), Uint32Array.of(1, 0, 9, 0, 0), Uint32Array.of(1, 0, 2, 5, 0),
      Uint32Array.of(2, 1, 1, 0, 2, 0, 0, 0, 5, 3), Uint32Array.of(2, 2, 1, 0, 2, 0, 0, 0, 5, 9, 1, 3),
      Uint32Array.of(1, 0, 1, 0, 0), Uint32Array.of(0xffffffff, 0xffffffff),
    ];
    for (const words of bad) expect(() => findMatches({ words }, Buffer.from('abc'))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PATTERN' }));
  });
});
