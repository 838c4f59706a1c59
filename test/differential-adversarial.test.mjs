// Adversarial inputs compared with the reference: long runs (in sizes the reference can still
// handle; it is quadratic on them and crashes near 1 MB) and tricky boundaries.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { ENCODINGS, describeMismatch, reference, sameIds } from './support/reference.mjs';
import { WORST_CASES, repeatToBytes } from './support/worst-cases.mjs';

const TRICKY = [
  '', ' ', '\n', '  ', ' \n ', '\r\n', '\r\r\n\n', 'a ', ' a', 'a  ', 'a\n\n  b', 'a \t\n b', '\u00a0\u00a0x',
  "it's", "IT'S", "'s", "'ſ", "x'ſt", "''s", "'", "'''", "don't'll", "he'LL", "'re'", "a'b'c",
  '1', '12', '123', '1234', '12345678901', ' 123', '½²³', 'x1y22z333', '٣٤٥٦',
  'hello/world', 'a//b\n/', '!!!\n\n', '...\r\n', '?\n/', ' !?\n', '(\u0301)',
  'HELLOworld', 'helloWORLD', 'ǅungla', 'ʰello', 'ÉCOLE école', 'ΣΑΣ σας',
  '\u0301', '\u0301a', 'a\u0301', '\u0301\u0301A', ' \u0301', '\t\u0301x',
  '\u0000', '\u0000\u0000 x', '\ufeffhello', '\u200bx\u200b', '\u0085', 'a\u0085b', '\u0085\u0085 x', '\u2028\u2029',
  'hasOwnProperty', 'constructor', '__proto__', 'toString',
  '<|endoftext|>', '<|endoftext', 'endoftext|>', '<|<|endoftext|>|>', '<||>', '<|endoftext|><|endoftext|>',
];

describe.each(ENCODINGS)('%s on adversarial input', (name) => {
  const ours = getEncoding(name);
  const ref = reference(name);

  it('matches on tricky short strings', () => {
    const failures = [];
    for (const text of TRICKY) {
      const a = ours.encode(text, { allowedSpecial: 'all' });
      const b = ref.encode(text, 'all');
      if (!sameIds(a, b)) failures.push(describeMismatch(name, a, b, text));
      const c = ours.encodeOrdinary(text);
      const d = ref.encode_ordinary(text);
      if (!sameIds(c, d)) failures.push(describeMismatch(name, c, d, text));
    }
    expect(failures).toEqual([]);
  });

  it.each(Object.entries(WORST_CASES))('matches on 16 KB of %s, with and without neighbours', (_label, unit) => {
    const run = repeatToBytes(unit, 16 * 1024);
    for (const text of [run, `x${run}y`, ` ${run} `, `${run}\n`, `1${run}!`]) {
      const a = ours.encodeOrdinary(text);
      const b = ref.encode_ordinary(text);
      expect(sameIds(a, b), describeMismatch(name, a, b, text)).toBe(true);
    }
  });

  it('matches on long pieces that take the heap merge path', () => {
    // Random letters make long pieces whose merges the vocabulary rarely completes early.
    let seed = 1;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const size of [129, 300, 1000, 5000]) {
      let text = '';
      for (let i = 0; i < size; i++) text += 'abcdefghijklmnopqrstuvwxyzé中ابΩ'[Math.floor(next() * 31)];
      const a = ours.encodeOrdinary(text);
      const b = ref.encode_ordinary(text);
      expect(sameIds(a, b), describeMismatch(name, a, b, text)).toBe(true);
    }
  });
});
