// A long piece that is one byte repeated (a run of spaces, of newlines, of one letter, of '-') is
// merged on run lengths (native/core/bpe/bpe_run.cpp) instead of part by part. Held to the reference
// on every ASCII byte, at lengths where the run's tokens change (around powers of two), alone and
// between other text (the texts: test/support/reference-cases.mjs; the reference's ids: committed
// digests). Its speed is measured in bench/ (the 1 MB worst cases).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { ENCODINGS } from '../support/reference.mjs';
import { asciiRuns, commonRuns } from '../support/reference-cases.mjs';
import { referenceMismatch } from '../support/reference-digests.mjs';

describe.each(ENCODINGS)('%s on runs of one byte', (name) => {
  const ours = getEncoding(name);
  const compare = (texts) => {
    const failures = [];
    for (const text of texts) {
      const mismatch = referenceMismatch(name, 'ordinary', text, ours.encodeOrdinary(text));
      if (mismatch) failures.push(`${JSON.stringify(text.slice(0, 20))}: ${mismatch.split('\n  text:')[0]}`);
    }
    return failures;
  };

  it('matches on every ASCII byte repeated', () => {
    expect(compare(asciiRuns())).toEqual([]);
  });

  it('matches on common bytes at many lengths, alone and between other text', () => {
    expect(compare(commonRuns())).toEqual([]);
  });
});
