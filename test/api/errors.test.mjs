// Bad input gets a typed error with a code; it never crashes the process or returns silently.
import { describe, expect, it } from 'vitest';
import { Encoding, TurbotokenError, encodingForModel, getEncoding, splitBatch } from '../../index.mjs';

const enc = getEncoding('cl100k_base');
const err = (Type, code) => expect.objectContaining({ constructor: Type, code });

describe('bad arguments', () => {
  it('unknown encodings list the valid names', () => {
    for (const name of ['cl100k', 'hasOwnProperty', '__proto__', 'toString', '']) {
      expect(() => getEncoding(name)).toThrow(err(TurbotokenError, 'ERR_UNKNOWN_ENCODING'));
    }
    expect(() => getEncoding('nope')).toThrow(/cl100k_base/);
  });

  it('names must be strings', () => {
    expect(() => getEncoding(42)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => encodingForModel(undefined)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });

  it('text must be a string or a Uint8Array', () => {
    for (const bad of [undefined, null, 42, {}, [1, 2], new Uint16Array(2), Symbol('x'), 10n]) {
      expect(() => enc.encode(bad)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
      expect(() => enc.count(bad)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
      expect(() => enc.encodeOrdinary(bad)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    }
  });

  it('options must be well-formed', () => {
    expect(() => enc.encode('x', 'all')).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('x', { allowedSpecial: 'some' })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('x', { allowedSpecial: [1] })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('x', { disallowedSpecial: 5 })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });

  it('decode rejects ids that are not integers', () => {
    for (const bad of [[1.5], [-1], [NaN], [Infinity], ['1'], [null], [2 ** 32]]) {
      expect(() => enc.decode(bad)).toThrow(expect.objectContaining({ code: expect.stringMatching(/ERR_INVALID_ARG_TYPE|ERR_OUT_OF_RANGE/) }));
    }
    expect(() => enc.decode('hello')).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.decode(42)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });

  it('decode rejects ids that are not tokens, naming the id and its index', () => {
    expect(() => enc.decode([1, 2, 100261])).toThrow(err(RangeError, 'ERR_INVALID_TOKEN_ID'));
    expect(() => enc.decode([1, 2, 100261])).toThrow(/100261 at index 2/);
    expect(() => enc.decode(new Uint32Array([4294967295]))).toThrow(err(RangeError, 'ERR_INVALID_TOKEN_ID'));
    expect(() => enc.decodeBytes([999999])).toThrow(err(RangeError, 'ERR_INVALID_TOKEN_ID'));
    expect(() => enc.tokenBytes(100261)).toThrow(err(RangeError, 'ERR_INVALID_TOKEN_ID'));
    expect(() => enc.tokenBytes(1.5)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });

  it('encodeSingleToken rejects text that is not exactly one token', () => {
    expect(() => enc.encodeSingleToken('hello world, friends')).toThrow(err(TurbotokenError, 'ERR_NOT_A_TOKEN'));
    expect(() => enc.encodeSingleToken('')).toThrow(err(TurbotokenError, 'ERR_NOT_A_TOKEN'));
    expect(() => enc.encodeSingleToken(5)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
  });

  it('a sparse array of texts names its first hole', () => {
    for (const call of [() => enc.encodeBatch(['a', , 'b']), () => enc.countBatch(['a', , 'b'])]) {
      expect(call).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
      expect(call).toThrow(/"texts\[1\]"/);
    }
  });

  it('splitBatch takes only an encodeBatch result', () => {
    for (const bad of [undefined, null, {}, { tokens: [1], offsets: [0, 1] }, 'x']) {
      expect(() => splitBatch(bad)).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    }
    expect(splitBatch(enc.encodeBatch(['a b', 'c'])).map((ids) => [...ids])).toEqual([[...enc.encode('a b')], [...enc.encode('c')]]);
  });

  it('new Encoding reads its first argument as options however many arguments it is given', () => {
    const handle = { info: () => ({ maxTokenValue: 1 }) };
    expect(() => new Encoding('x', handle, {}, 'pattern')).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => new Encoding({ name: 'x', pattern: 'a' }, undefined, undefined, undefined)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_/) }));
  });

  it('threads is checked when maxTokens is given too', () => {
    expect(() => enc.encode('a b', { maxTokens: 1, threads: 'x' })).toThrow(err(TypeError, 'ERR_INVALID_ARG_TYPE'));
    expect(() => enc.encode('a b', { maxTokens: 1, threads: 0 })).toThrow(err(RangeError, 'ERR_OUT_OF_RANGE'));
  });

  // A transferred buffer's views have length 0, and read as empty (as TextDecoder reads them).
  it('views of a detached ArrayBuffer read as empty on every backend', () => {
    const detached = (Type) => {
      const view = new Type(8);
      structuredClone(view.buffer, { transfer: [view.buffer] });
      return view;
    };
    expect([...enc.encode(detached(Uint8Array))]).toEqual([]);
    expect(enc.count(detached(Uint8Array))).toBe(0);
    expect([...enc.countBatch([detached(Uint8Array), 'a b'])]).toEqual([0, 2]);
    expect(enc.decode(detached(Uint32Array))).toBe('');
    expect([...enc.decodeBytes(detached(Uint32Array))]).toEqual([]);
  });

  it('errors carry stacks that point at the caller', () => {
    try {
      enc.decode([100261]);
    } catch (e) {
      expect(e.stack).toContain('errors.test');
    }
    expect.assertions(1);
  });
});
