// encodeBatch / countBatch: many texts on several native threads; the flat result equals
// encoding each text alone, whatever the thread count.
import { describe, expect, it } from 'vitest';
import { TurbotokenError, getEncoding, splitBatch } from '../../index.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const enc = getEncoding('cl100k_base');

function texts(seed, n) {
  const next = rng(seed);
  return Array.from({ length: n }, (_, i) => (i % 7 === 3 ? Buffer.from(randomText(next, 20)) : randomText(next, 1 + Math.floor(next() * 80))));
}

describe('batches', () => {
  it('equal per-text encoding, for every thread count', () => {
    const list = [...texts(1, 300), '', Buffer.alloc(0), Buffer.from([0xff, 0xfe, 0x41])];
    const expected = list.map((t) => [...enc.encode(t, { allowedSpecial: 'all' })]);
    for (const threads of [1, 2, 3, 8]) {
      const result = enc.encodeBatch(list, { allowedSpecial: 'all', threads });
      expect(result.offsets.length).toBe(list.length + 1);
      expect(splitBatch(result).map((ids) => [...ids])).toEqual(expected);
      expect([...enc.countBatch(list, { allowedSpecial: 'all', threads })]).toEqual(expected.map((ids) => ids.length));
    }
    expect(enc.encodeBatch([]).tokens.length).toBe(0);
  });

  it('use every core by default and give the same bytes', () => {
    const list = texts(2, 200);
    const a = enc.encodeBatch(list, { disallowedSpecial: [] });
    const b = enc.encodeBatch(list, { disallowedSpecial: [], threads: 1 });
    expect(Buffer.from(a.tokens.buffer, a.tokens.byteOffset, a.tokens.byteLength).equals(Buffer.from(b.tokens.buffer, b.tokens.byteOffset, b.tokens.byteLength))).toBe(true);
    expect([...a.offsets]).toEqual([...b.offsets]);
  });

  it('report a disallowed special token as encode does', () => {
    expect(() => enc.encodeBatch(['fine', 'not <|endoftext|> fine'])).toThrow(TurbotokenError);
    expect(() => enc.countBatch(['<|fim_prefix|>'], { threads: 2 })).toThrow(/fim_prefix/);
  });

  it('check their arguments', () => {
    expect(() => enc.encodeBatch('text')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => enc.encodeBatch(['ok', 5])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('texts[1]') }));
    expect(() => enc.encodeBatch(['ok'], { threads: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => enc.encodeBatch(['ok'], { threads: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
