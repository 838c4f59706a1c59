// Seeded random strings mixing scripts, whitespace runs, digits, punctuation, contractions,
// combining marks, emoji/ZWJ sequences and special-token text: token-for-token equal to tiktoken
// for every shipped encoding, with and without special tokens allowed. The reference's ids come
// from committed digests (test/support/reference-digests.mjs).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { ENCODINGS } from '../support/reference.mjs';
import { randomTexts } from '../support/reference-cases.mjs';
import { referenceMismatch } from '../support/reference-digests.mjs';
import { randomText, rng } from '../support/random-text.mjs';

describe.each(ENCODINGS)('%s on seeded random strings', (name) => {
  const ours = getEncoding(name);

  it('encodeOrdinary matches encode_ordinary', () => {
    const failures = [];
    for (const text of randomTexts(name, 'ordinary')) {
      const a = ours.encodeOrdinary(text);
      const mismatch = referenceMismatch(name, 'ordinary', text, a);
      if (mismatch) failures.push(mismatch);
      else if (ours.count(text, { disallowedSpecial: [] }) !== a.length) failures.push(`count differs for ${JSON.stringify(text)}`);
      if (failures.length >= 3) break;
    }
    expect(failures).toEqual([]);
  });

  it("encode with allowedSpecial 'all' matches encode(text, 'all')", () => {
    const failures = [];
    for (const text of randomTexts(name, 'all')) {
      const mismatch = referenceMismatch(name, 'all', text, ours.encode(text, { allowedSpecial: 'all' }));
      if (mismatch) failures.push(mismatch);
      if (failures.length >= 3) break;
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
