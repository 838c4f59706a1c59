// The lazy DFA's folded piece ends (native/core/regex/lazy_dfa.cpp, fold_boundary): where a search
// dies on a character with a match ending before it, the table entry becomes the next search's
// transition on that character, flagged, and the end is written without a branch. Entries are
// per class, and a class can hold ASCII and non-ASCII code points ('a' and 'é' in \p{L}), so an
// entry folded on an ASCII byte is read on a decoded character and the other way round; one kept
// DFA serves every call, so later texts walk entries that earlier ones folded. Against RegExp.
import { describe, expect, it } from 'vitest';
import { rng } from '../support/random-text.mjs';
import { compilePattern, regexpMatches } from '../support/regexp-matches.mjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { findMatches } = require('../../dist/cjs/pattern-matcher.js');
const { translatePattern } = require('../../dist/cjs/pattern.js');

const UNITS = ['a', 'Z', 'q', 'é', 'ß', 'Ж', '中', 'ア', '😀', '7', '٣', ' ', '  ', '\n', '\r\n', '.', "'s", '-', '\u00a0', '\u0301'];

/** Random text of `n` units; 1 in 30 a unit repeated 100-400 times (runs across the 256-byte chunks). */
function randomText(next, n) {
  let s = '';
  for (let k = 0; k < n; k++) {
    const u = UNITS[next() % UNITS.length];
    s += next() % 30 === 0 ? u.repeat(100 + (next() % 300)) : u;
  }
  return s;
}

describe('folded piece ends in the lazy DFA', () => {
  const patterns = [
    '.', // a piece per character: a folded end at every byte of an ASCII chunk
    '.|\\s', // the same, newlines included
    '\\p{L}+|\\p{N}|[^\\p{L}\\p{N}]+', // classes that hold ASCII and non-ASCII letters alike
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", // Qwen3
    '\\s+(?!\\S)|\\s+|\\S', // ends before the dying character (not folded) among folded ones
    '[a-zé]+|[^a-zé]', // one class of ASCII and one two-byte letter
  ];
  for (const pattern of patterns) {
    it(pattern, () => {
      const random = rng(pattern.length * 104729 + 3);
      const next = () => Math.floor(random() * 2 ** 32);
      const program = compilePattern(pattern);
      const re = translatePattern(pattern);
      let pieces = 0;
      for (let t = 0; t < 30; t++) {
        const text = randomText(next, 20 + (next() % 300));
        // The same program each time: its kept DFA carries the entries earlier texts folded.
        const ours = [...findMatches(program, Buffer.from(text, 'utf8'))];
        const theirs = regexpMatches(re, text);
        if (ours.join() !== theirs.join()) expect({ pattern, text, ours, theirs }).toBeUndefined();
        pieces += ours.length / 2;
      }
      expect(pieces).toBeGreaterThan(300);
    });
  }
});
