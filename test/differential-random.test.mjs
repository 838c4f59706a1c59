// Seeded random strings mixing scripts, whitespace runs, digits, punctuation, contractions,
// combining marks, emoji/ZWJ sequences and special-token text: token-for-token equal to tiktoken
// for every shipped encoding, with and without special tokens allowed.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { ENCODINGS, describeMismatch, reference, sameIds } from './support/reference.mjs';
import { randomText, rng } from './support/random-text.mjs';

const CASES = 1500;

describe.each(ENCODINGS)('%s on seeded random strings', (name) => {
  const ours = getEncoding(name);
  const ref = reference(name);

  it('encodeOrdinary matches encode_ordinary', () => {
    const next = rng(0xC0FFEE ^ name.length);
    const failures = [];
    for (let i = 0; i < CASES && failures.length < 3; i++) {
      const text = randomText(next, 5 + Math.floor(next() * 60));
      const a = ours.encodeOrdinary(text);
      const b = ref.encode_ordinary(text);
      if (!sameIds(a, b)) failures.push(describeMismatch(name, a, b, text));
      else if (ours.count(text, { disallowedSpecial: [] }) !== a.length) failures.push(`count differs for ${JSON.stringify(text)}`);
    }
    expect(failures).toEqual([]);
  });

  it("encode with allowedSpecial 'all' matches encode(text, 'all')", () => {
    const next = rng(0xBEEF + name.length);
    const failures = [];
    for (let i = 0; i < CASES && failures.length < 3; i++) {
      const text = randomText(next, 5 + Math.floor(next() * 60));
      const a = ours.encode(text, { allowedSpecial: 'all' });
      const b = ref.encode(text, 'all');
      if (!sameIds(a, b)) failures.push(describeMismatch(name, a, b, text));
    }
    expect(failures).toEqual([]);
  });

  it('decode(encode(x)) === x for well-formed text', () => {
    const next = rng(7 + name.length);
    for (let i = 0; i < 300; i++) {
      const text = randomText(next, 40);
      expect(ours.decode(ours.encode(text, { allowedSpecial: 'all' }))).toBe(text);
    }
  });
});
