// Adversarial inputs compared with the reference: long runs (in sizes the reference can still
// handle; it is quadratic on them and crashes near 1 MB) and tricky boundaries. The reference's
// ids come from committed digests (test/support/reference-digests.mjs).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { ENCODINGS } from '../support/reference.mjs';
import { TRICKY, heapPathTexts, worstCaseRuns } from '../support/reference-cases.mjs';
import { referenceMismatch } from '../support/reference-digests.mjs';
import { WORST_CASES } from '../support/worst-cases.mjs';

describe.each(ENCODINGS)('%s on adversarial input', (name) => {
  const ours = getEncoding(name);

  it('matches on tricky short strings', () => {
    const failures = [];
    for (const text of TRICKY) {
      const all = referenceMismatch(name, 'all', text, ours.encode(text, { allowedSpecial: 'all' }));
      if (all) failures.push(all);
      const ordinary = referenceMismatch(name, 'ordinary', text, ours.encodeOrdinary(text));
      if (ordinary) failures.push(ordinary);
    }
    expect(failures).toEqual([]);
  });

  it.each(Object.entries(WORST_CASES))('matches on 16 KB of %s, with and without neighbours', (_label, unit) => {
    for (const text of worstCaseRuns(unit)) {
      const mismatch = referenceMismatch(name, 'ordinary', text, ours.encodeOrdinary(text));
      expect(mismatch, mismatch ?? '').toBe(null);
    }
  });

  it('matches on long pieces that take the heap merge path', () => {
    // Random letters make long pieces whose merges the vocabulary rarely completes early.
    for (const text of heapPathTexts()) {
      const mismatch = referenceMismatch(name, 'ordinary', text, ours.encodeOrdinary(text));
      expect(mismatch, mismatch ?? '').toBe(null);
    }
  });
});
