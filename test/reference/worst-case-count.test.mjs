// count() equals encode().length on the 8 MB worst-case texts whose growth
// test/growth/linear-growth times (one long piece, runs of one byte, whitespace): count() takes
// paths of its own there (a run counted on its run lengths, no ids kept) that must give encode()'s
// number. Apart from the growth file, so that it runs beside other files rather than in the
// one-at-a-time timing tail.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { WORST_CASES, repeatToBytes } from '../support/worst-cases.mjs';

const LARGE = 8 * 1024 * 1024;

describe.each(['r50k_base', 'cl100k_base', 'o200k_base'])('%s', (name) => {
  const enc = getEncoding(name);
  it.each(Object.entries(WORST_CASES))('%s: count() of 8 MB equals encode().length', (_label, unit) => {
    const large = repeatToBytes(unit, LARGE);
    expect(enc.count(large)).toBe(enc.encode(large).length);
  });
});
