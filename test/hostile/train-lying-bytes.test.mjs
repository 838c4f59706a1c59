// A training document given as a Uint8Array is read through its internal slots: an own `length`
// or a subclass's length, byteLength, byteOffset and buffer getters claiming a billion bytes change
// nothing (they once sent a billion-byte document end to the core: a wrong "not UTF-8" error on the
// addon, a 4 GiB allocation and 25 s on WebAssembly).
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';

class LyingBytes extends Uint8Array {
  get length() { return 1e9; }
  get byteLength() { return 1e9; }
  get byteOffset() { return 123456789; }
  get buffer() { return new ArrayBuffer(1); }
}

const text = 'hello world hello there hello world';
const bytes = () => new TextEncoder().encode(text);
const lyingOwn = () => Object.defineProperty(bytes(), 'length', { get: () => 1e9 });
const lyingSubclass = () => new LyingBytes(bytes());
const options = { vocabSize: 262 };

describe('train reads a Uint8Array document by its internal slots', () => {
  const expected = train(text, options).merges;

  it('gives the merges of the same text, alone or in a list', () => {
    expect(expected.length).toBeGreaterThan(5);
    for (const make of [lyingOwn, lyingSubclass]) {
      expect(train(make(), options).merges).toEqual(expected);
      expect(train([make()], options).merges).toEqual(expected);
    }
  });

  it('trainAsync too', async () => {
    for (const make of [lyingOwn, lyingSubclass]) {
      expect((await trainAsync(make(), options)).merges).toEqual(expected);
      expect((await trainAsync([make()], options)).merges).toEqual(expected);
    }
  });
});
