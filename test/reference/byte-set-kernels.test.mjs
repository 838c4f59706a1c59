// The pattern matcher's skip over text where no match can start is a kernel's byte-set search
// (native/core/text/byte_set.h: scalar, AVX2): every kernel must give the scalar kernel's pieces
// on patterns whose matches start at few bytes, with a start byte at every offset of a 32-byte
// block and past it (test/support/byte-set-check.mjs runs with TURBOTOKEN_KERNEL forced).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernels } from '../../index.mjs';
import { runJsonChild } from '../support/json-child.mjs';

const script = fileURLToPath(new URL('../support/byte-set-check.mjs', import.meta.url));
const run = (kernel) => runJsonChild(script, [], { TURBOTOKEN_KERNEL: kernel });

describe('the byte-set search of every kernel', () => {
  const scalar = run('scalar');

  it('finds matches on the scalar kernel', () => {
    expect(scalar.backend).toMatch(/-scalar$/);
    expect(scalar.pieces.length).toBeGreaterThan(10_000);
    // Not only empty results: most texts hold a start byte the search must find.
    expect(scalar.pieces.filter((p) => p.length > 2).length).toBeGreaterThan(5_000);
  });

  it.each(kernels.filter((k) => k !== 'scalar'))('%s gives the scalar kernel\'s pieces', (kernel) => {
    const ours = run(kernel);
    expect(ours.backend).toMatch(new RegExp(`-${kernel}$`));
    expect(ours.pieces.length).toBe(scalar.pieces.length);
    const differing = [];
    for (let k = 0; k < scalar.pieces.length && differing.length < 5; k++) {
      if (JSON.stringify(ours.pieces[k]) !== JSON.stringify(scalar.pieces[k])) differing.push(k);
    }
    expect(differing).toEqual([]);
  });
});
