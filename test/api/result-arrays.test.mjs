// Results are typed arrays of their own: each call returns fresh memory of exactly its size, even
// though the native backend reuses its working buffers from call to call.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { arrayDifference } from '../support/arrays.mjs';

const enc = getEncoding('cl100k_base');
const big = 'Results own their memory. Ελληνικά και Русский текст, 中文字符 and code: x += 1;\n'.repeat(40000);
const small = 'a short line';

const ownsExactly = (array) => {
  expect(array.byteOffset).toBe(0);
  expect(array.buffer.byteLength).toBe(array.byteLength);
};

describe('result arrays', () => {
  it('encode returns a plain Uint32Array of exactly its ids', () => {
    const ids = enc.encode(big);
    expect(Object.getPrototypeOf(ids)).toBe(Uint32Array.prototype);
    ownsExactly(ids);
    ownsExactly(enc.encode(small));
  });

  it('consecutive large encodes do not share memory', () => {
    const a = enc.encode(big);
    const b = enc.encode(big);
    expect(a.buffer).not.toBe(b.buffer);
    expect(arrayDifference(b, a)).toBe(null);
    const first = a[0];
    a[0] = first + 1;
    expect(b[0]).toBe(first);
  });

  it('a small call after a large one, and a large one after it, give the same ids as alone', () => {
    const alone = enc.encode(small);
    enc.encode(big);
    expect(arrayDifference(enc.encode(small), alone)).toBe(null);
    const bigAlone = enc.encode(big);
    enc.encode(small);
    expect(arrayDifference(enc.encode(big), bigAlone)).toBe(null);
  });

  it('decodeBytes returns a plain Uint8Array (not a Buffer) of exactly its bytes', () => {
    const ids = enc.encode(big);
    const bytes = enc.decodeBytes(ids);
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(Buffer.isBuffer(bytes)).toBe(false);
    ownsExactly(bytes);
    expect(new TextDecoder().decode(bytes)).toBe(big);
    const again = enc.decodeBytes(ids);
    expect(again.buffer).not.toBe(bytes.buffer);
    ownsExactly(enc.decodeBytes(enc.encode(small)));
  });
});
