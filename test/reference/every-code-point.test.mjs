// Every Unicode scalar value, each in several contexts, through each pre-tokenizer family:
// token-for-token equal to tiktoken. This checks the generated class tables and the scanners
// together on the whole code space, not on a sample. The reference's ids come from committed
// digests (test/support/reference-digests.mjs), one per chunk of 8192 code points.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { FAMILIES, codePointText, scalarValueChunks } from '../support/reference-cases.mjs';
import { referenceMismatch } from '../support/reference-digests.mjs';
import { describeMismatch, reference, sameIds } from '../support/reference.mjs';

// Finds the first code point of a failing chunk whose contexts alone already differ.
function firstBadCodePoint(name, cps) {
  const ours = getEncoding(name);
  for (const cp of cps) {
    const text = codePointText([cp]);
    if (!sameIds(ours.encodeOrdinary(text), reference(name).encode_ordinary(text))) return cp;
  }
  return undefined;
}

describe.each(FAMILIES)('%s on every code point', (name) => {
  it('matches the reference', () => {
    const ours = getEncoding(name);
    const failures = [];
    let checked = 0;
    for (const chunk of scalarValueChunks()) {
      checked += chunk.length;
      const text = codePointText(chunk);
      const a = ours.encodeOrdinary(text);
      const mismatch = referenceMismatch(name, 'ordinary', text, a);
      if (mismatch) {
        const cp = firstBadCodePoint(name, chunk);
        const shown = cp === undefined ? mismatch : describeMismatch(name, ours.encodeOrdinary(codePointText([cp])), reference(name).encode_ordinary(codePointText([cp])), codePointText([cp]));
        failures.push(`U+${(cp ?? chunk[0]).toString(16).toUpperCase().padStart(4, '0')}: ${shown}`);
      }
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(0x110000 - 0x800);
  });
});
