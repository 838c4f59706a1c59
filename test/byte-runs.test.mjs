// A long piece that is one byte repeated (a run of spaces, of newlines, of one letter, of '-') is
// merged on run lengths (native/core/bpe_run.cpp) instead of part by part. Held to the reference
// on every ASCII byte, at lengths where the run's tokens change (around powers of two), alone and
// between other text. Its speed is measured in bench/ (the 1 MB worst cases).
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../index.mjs';
import { ENCODINGS, describeMismatch, reference, sameIds } from './support/reference.mjs';

const ASCII = Array.from({ length: 128 }, (_, b) => String.fromCharCode(b));
const COMMON = [' ', '\n', '\t', '\r', 'a', 'Z', '-', '=', '*', '#', '.', '_', '/', '!', '~'];
// Pieces over 128 bytes take the run merge; the reference is quadratic on runs, so no more than a
// few thousand bytes.
const ALL_LENGTHS = [129, 256, 1025];
const COMMON_LENGTHS = [...Array.from({ length: 16 }, (_, k) => 129 + k), 255, 257, 511, 512, 513, 2049, 4097];

describe.each(ENCODINGS)('%s on runs of one byte', (name) => {
  const ours = getEncoding(name);
  const ref = reference(name);
  const compare = (texts) => {
    const failures = [];
    for (const text of texts) {
      const a = ours.encodeOrdinary(text);
      const b = ref.encode_ordinary(text);
      if (!sameIds(a, b)) failures.push(describeMismatch(name, a, b, JSON.stringify(text.slice(0, 20))));
    }
    return failures;
  };

  it('matches on every ASCII byte repeated', () => {
    const texts = ASCII.flatMap((c) => ALL_LENGTHS.map((n) => c.repeat(n)));
    expect(compare(texts)).toEqual([]);
  });

  it('matches on common bytes at many lengths, alone and between other text', () => {
    const texts = COMMON.flatMap((c) =>
      COMMON_LENGTHS.flatMap((n) => {
        const run = c.repeat(n);
        return [run, `x${run}y`, `hello ${run}world`, `${run}\n${run}`];
      }),
    );
    expect(compare(texts)).toEqual([]);
  });
});
