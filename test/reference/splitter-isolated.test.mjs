// A single Split "Isolated" step (Qwen3's pre-tokenizer, `new Encoding` with a tokenizer.json's
// one Split) writes the matches straight out when they tile the text, and falls back to adding the
// text between them otherwise (native/core/regex/splitter.cpp). Against RegExp's matches with the
// gaps added in JS: patterns that cover every character, patterns that leave gaps, and texts of
// ASCII and non-ASCII (the DFA leaves its ASCII loop on a byte from 0x80 on) on both sides.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { randomSubject } from '../support/random-pattern.mjs';
import { rng } from '../support/random-text.mjs';
import { compilePattern, regexpMatches } from '../support/regexp-matches.mjs';

const require = createRequire(import.meta.url);
const { createSplitter, SplitMode } = require('../../dist/cjs/pattern-matcher.js');
const { translatePattern } = require('../../dist/cjs/pattern.js');

const QWEN3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const PATTERNS = [QWEN3, '\\p{N}{1,3}', '[a-z]+', '\\p{L}+|\\s+', '\\s+(?!\\S)|\\S+', '[一-龥぀-ゟ゠-ヿ]+', 'x|\\p{Lo}+|[^x\\p{Lo}]'];

/** Isolated pieces from RegExp: every match and every stretch between matches, empty ones dropped. */
function isolatedReference(matches, text) {
  const size = Buffer.byteLength(text, 'utf8');
  const out = [];
  let last = 0;
  for (let k = 0; k < matches.length; k += 2) {
    if (matches[k] > last) out.push(last, matches[k]);
    out.push(matches[k], matches[k + 1]);
    last = matches[k + 1];
  }
  if (last < size) out.push(last, size);
  return out;
}

function texts() {
  const next = rng(0x150);
  const out = ['', 'a', '1', ' ', 'hello world  again\n\n x', 'é', '中文 and ASCII 123456 ', 'ab12cd  \u00a0 x', 'x'.repeat(700), 'x中'.repeat(400)];
  for (let n = 0; n < 120; n++) {
    let t = '';
    const target = n % 3 === 0 ? 600 : 40;
    while (Buffer.byteLength(t) < target) t += randomSubject(next, 30);
    out.push(t);
  }
  return out;
}

describe('a single Isolated split step', () => {
  it('gives every match and every gap, as Hugging Face Split Isolated does', () => {
    const all = texts();
    const bad = [];
    let gapped = 0;
    let tiled = 0;
    for (const pattern of PATTERNS) {
      const splitter = createSplitter([{ program: compilePattern(pattern), mode: SplitMode.Isolated }]);
      const re = translatePattern(pattern);
      for (const text of all) {
        const ours = [...splitter.split(Buffer.from(text, 'utf8'))];
        const matches = regexpMatches(re, text);
        const want = isolatedReference(matches, text);
        if (ours.length !== want.length || ours.some((v, k) => v !== want[k])) bad.push({ pattern, text: text.slice(0, 80), ours: ours.slice(0, 12), want: want.slice(0, 12) });
        if (matches.length === want.length) tiled++;
        else gapped++;
      }
    }
    expect(bad.slice(0, 3)).toEqual([]);
    // Both paths ran: texts the matches tile and texts with gaps.
    expect(tiled).toBeGreaterThan(100);
    expect(gapped).toBeGreaterThan(100);
  });

  it('the same splitter on a text whose matches leave a gap only at its end, then one they tile', () => {
    const splitter = createSplitter([{ program: compilePattern('[a-z]+| '), mode: SplitMode.Isolated }]);
    expect([...splitter.split(Buffer.from('ab cd9'))]).toEqual([0, 2, 2, 3, 3, 5, 5, 6]);
    expect([...splitter.split(Buffer.from('9ab'))]).toEqual([0, 1, 1, 3]);
    expect([...splitter.split(Buffer.from('ab cd'))]).toEqual([0, 2, 2, 3, 3, 5]);
  });
});
