// The native binding's batch() against hostile lists (issue 21, items 3 and 10): it reads the
// list's length once and each element once, in order, so a getter runs once, a getter that
// throws gives its own error (before the fix: "FATAL ERROR: Error::ThrowAsJavaScriptException
// napi_throw" and exit 134, from a second throw over the pending one), and a getter that grows the
// list does not change what is encoded. The binding is reachable without the facade's checks, so
// these call it directly; on the WebAssembly backend, which has no batch(), the facade's
// encodeBatch is held to the same outcomes where they do not depend on how often it reads.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { backend, getEncoding } from '../../index.mjs';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');
const { FAMILY_CODE } = require('../../dist/cjs/pattern.js');
const enc = getEncoding('cl100k_base');

function handle() {
  const blob = readFileSync(new URL('../../data/cl100k_base.tkv', import.meta.url));
  return new native.NativeEncoding(blob, FAMILY_CODE.cl100k, ['<|endoftext|>'], [100257]);
}

function withGetter(values, index, get) {
  const list = [...values];
  Object.defineProperty(list, index, { get, enumerable: true, configurable: true });
  return list;
}

describe('a getter in the list of encodeBatch', () => {
  it('that always throws gives its own error, from encodeBatch and countBatch', () => {
    const boom = () => {
      throw new RangeError('boom from the getter');
    };
    expect(() => enc.encodeBatch(withGetter(['a', 'b'], 1, boom))).toThrow('boom from the getter');
    expect(() => enc.countBatch(withGetter(['a', 'b'], 0, boom))).toThrow('boom from the getter');
    expect([...enc.countBatch(['a', 'b'])]).toEqual([1, 1]); // and the process goes on
  });

  it('an empty list gives empty results', () => {
    expect(enc.encodeBatch([]).tokens.length).toBe(0);
    expect([...enc.countBatch([])]).toEqual([]);
  });

  if (backend.startsWith('native')) {
    it('binding: each element and the length are read once', () => {
      const h = handle();
      let reads = 0;
      const once = withGetter(['a', 'b'], 0, () => {
        if (++reads > 1) throw new Error('read twice');
        return 'a';
      });
      expect([...h.batch(once, null, null, 1, true)]).toEqual([1, 1]);
      expect(reads).toBe(1);
      const grows = withGetter(['a', 'b'], 0, () => {
        grows.push('c');
        return 'a';
      });
      const result = h.batch(grows, null, null, 2, false);
      expect([...result.counts]).toEqual([1, 1]);
      expect(grows.length).toBe(3);
    });

    it('binding: a throwing getter, a bad element after it, and every thread count', () => {
      const h = handle();
      for (const threads of [1, 2, 4]) {
        const list = withGetter(['a', 5, 'b'], 0, () => {
          throw new TypeError('own error');
        });
        expect(() => h.batch(list, null, null, threads, false)).toThrow('own error');
        expect(() => h.batch(['a', 5], null, null, threads, false)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      }
    });

    it('binding: an empty list', () => {
      const h = handle();
      expect(h.batch([], null, null, 4, true).length).toBe(0);
      const { tokens, counts } = h.batch([], null, null, 1, false);
      expect([tokens.length, counts.length]).toEqual([0, 0]);
    });
  }
});

describe('encodeSingleToken of a detached view', () => {
  it('is ERR_NOT_A_TOKEN on every backend', () => {
    const bytes = new Uint8Array(4);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect(() => enc.encodeSingleToken(bytes)).toThrow(expect.objectContaining({ code: 'ERR_NOT_A_TOKEN' }));
  });
});
