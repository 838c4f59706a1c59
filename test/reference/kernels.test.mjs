// Every pre-tokenizer kernel this build and CPU have (scalar, sse2, avx2, avx512 natively;
// scalar and simd128 in WebAssembly) gives the reference's tokens: TURBOTOKEN_KERNEL forces one.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backend, kernels } from '../../index.mjs';
import { runJsonChild } from '../support/json-child.mjs';

const script = fileURLToPath(new URL('../support/kernel-check.mjs', import.meta.url));
const family = process.env.TURBOTOKEN_BACKEND === 'wasm' ? 'wasm' : 'native';

function runWith(kernel) {
  return runJsonChild(script, ['r50k_base,cl100k_base,o200k_base', '300'], { TURBOTOKEN_KERNEL: kernel });
}

it('lists scalar first and runs the last (fastest) kernel by default', () => {
  expect(kernels[0]).toBe('scalar');
  expect(kernels.length).toBeGreaterThan(1);
  expect(Object.isFrozen(kernels)).toBe(true);
  if (!process.env.TURBOTOKEN_KERNEL) expect(backend).toBe(`${family}-${kernels.at(-1)}`);
});

describe.each(kernels)('TURBOTOKEN_KERNEL=%s', (kernel) => {
  it('matches the reference and names itself in backend', () => {
    const result = runWith(kernel);
    expect(result.backend).toBe(`${family}-${kernel}`);
    expect(result.checked).toBeGreaterThan(3000);
    expect(result.mismatches).toEqual([]);
  });
});

it('rejects an unknown kernel at load with an error naming the kernels there are', () => {
  expect(() => runWith('avx9000')).toThrow(/Unknown or unsupported kernel 'avx9000'.*scalar/);
});
