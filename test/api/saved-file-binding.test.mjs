// The addon's entries for Encoding.load (native/binding/saved_file_binding.cpp): largeBuffer serves
// sizes from 4 MiB on and answers undefined for anything else; checkProgram takes a Uint32Array
// only and gives the core's fault. Native only: the WebAssembly backend has neither (the loader
// reads as readFileSync does there and calls tt_check_program).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { errorCode } from '../support/saved-file.mjs';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');
const MiB = 1 << 20;

const code = errorCode;

describe("the addon's entries for Encoding.load", () => {
  it('is the addon', () => expect(native.backend).toBe('native'));


  it('largeBuffer gives an ArrayBuffer of the size asked from 4 MiB on, and undefined for anything else', () => {
    const b = native.largeBuffer(4 * MiB + 3);
    expect(b).toBeInstanceOf(ArrayBuffer);
    expect(b.byteLength).toBe(4 * MiB + 3);
    new Uint8Array(b).fill(7, 0, 16);
    expect(new Uint8Array(b)[15]).toBe(7);
    for (const bad of [4 * MiB - 1, 0, -1, NaN, Infinity, 2 ** 40, '5000000', undefined, null, {}, 5000000n]) {
      expect([String(bad), native.largeBuffer(bad)]).toEqual([String(bad), undefined]);
    }
  });

  it('checkProgram takes only a Uint32Array, and says undefined for a program the core loads', () => {
    for (const bad of [undefined, [1, 0, 0, 0, 0], new Int32Array(5), new Uint8Array(20)]) {
      expect(code(() => native.checkProgram(bad))).toBe('ERR_INVALID_ARG_TYPE');
    }
    expect(native.checkProgram(Uint32Array.of(1, 0, 0, 0, 0))).toBe(undefined);
    expect(native.checkProgram(Uint32Array.of(1, 0, 42, 0, 0))).toEqual([5, 0]);
  });
});
