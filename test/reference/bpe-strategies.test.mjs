// Every BPE merge implementation (direct, heap, long, run, and the long merge in 64-byte windows)
// holds to the definition on every piece, not just on the piece lengths the default picks them
// for: TURBOTOKEN_BPE forces one of them.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runJsonChild } from '../support/json-child.mjs';

const script = fileURLToPath(new URL('../support/check-against-reference.mjs', import.meta.url));

function runWith(strategy) {
  return runJsonChild(script, ['r50k_base,cl100k_base,o200k_base', '400'], { TURBOTOKEN_BPE: strategy });
}

describe.each(['direct', 'heap', 'long', 'run', 'windows', 'auto'])('TURBOTOKEN_BPE=%s', (strategy) => {
  it('matches the reference', () => {
    const result = runWith(strategy);
    expect(result.checked).toBeGreaterThan(1000);
    expect(result.mismatches).toEqual([]);
  });
});

it('rejects an unknown strategy at load with a clear error', () => {
  expect(() => runWith('fast')).toThrow(/'auto', 'direct', 'heap', 'long', 'run' or 'windows'/);
});
