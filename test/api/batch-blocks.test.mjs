// encodeBatch over many 64 KB blocks: the native threads place each block's ids into the result
// while they encode, at offsets known only once every block before it is done. The result must
// equal encoding each text alone whatever the thread count, including texts whose ids outnumber
// their bytes' bound for strings (ill-formed bytes of a Uint8Array: one U+FFFD each) and long
// strings read through the binding's other path.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const enc = getEncoding('cl100k_base');

describe('batches of many blocks', () => {
  it('equal per-text encoding for 1, 2 and 3 threads', () => {
    const next = rng(5);
    const list = [];
    for (let i = 0; i < 1500; i++) {
      if (i % 97 === 5) list.push(Buffer.from(Array.from({ length: 200 }, (_, k) => (k % 3 ? 0xff : 0x80))));
      else if (i % 500 === 7) list.push('Ελληνικά κείμενο, '.repeat(1200));  // 21.6K units, two-byte
      else list.push(randomText(next, 50 + Math.floor(next() * 700)));
    }
    const each = list.map((t) => enc.encode(t, { allowedSpecial: 'all' }));
    const offsets = [0];
    for (const ids of each) offsets.push(offsets[offsets.length - 1] + ids.length);
    const expected = Buffer.concat(each.map((ids) => Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength)));
    for (const threads of [1, 2, 3]) {
      const result = enc.encodeBatch(list, { allowedSpecial: 'all', threads });
      expect(result.tokens.byteLength).toBe(expected.length);
      expect(Buffer.from(result.tokens.buffer, result.tokens.byteOffset, result.tokens.byteLength).equals(expected)).toBe(true);
      expect([...result.offsets]).toEqual(offsets);
    }
  });
});
