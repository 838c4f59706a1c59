// The rank table: the bytes of every token give back its rank, for every shipped encoding. The
// table keeps a token's first 8 bytes and, past 8 bytes, its last 4 inline (past 12 bytes, where
// its bytes start); tokens that share their first 8 bytes and their length (" developer" and
// " developed") land on the same home slot and must still be told apart.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { ENCODINGS } from '../support/reference.mjs';

describe.each(ENCODINGS)('%s rank table', (name) => {
  const enc = getEncoding(name);
  const tokens = [];
  for (let id = 0; id < enc.nVocab; id++) {
    try { tokens.push([id, enc.tokenBytes(id)]); } catch {}
  }

  it('gives every token its own rank', () => {
    const wrong = tokens.filter(([id, bytes]) => enc.encodeSingleToken(bytes) !== id).map(([id]) => id);
    expect(wrong).toEqual([]);
  });

  it('tells apart tokens with the same first 8 bytes and length, of every length past 8', () => {
    const groups = new Map();
    for (const [id, bytes] of tokens) {
      if (bytes.length <= 8) continue;
      const key = `${bytes.length}:${Buffer.from(bytes.subarray(0, 8)).toString('hex')}`;
      groups.set(key, [...(groups.get(key) ?? []), id]);
    }
    const siblings = [...groups.values()].filter((ids) => ids.length > 1).flat();
    expect(siblings.length).toBeGreaterThan(100);  // the shipped vocabularies have many
    for (const id of siblings) expect(enc.encodeSingleToken(enc.tokenBytes(id))).toBe(id);
    // A token's bytes with the last one changed are some other token or none, never this one.
    for (const id of siblings.slice(0, 500)) {
      const bytes = Uint8Array.from(enc.tokenBytes(id));
      bytes[bytes.length - 1] ^= 0x01;
      let other = -1;
      try { other = enc.encodeSingleToken(bytes); } catch {}
      expect(other).not.toBe(id);
      if (other >= 0) expect(Buffer.from(enc.tokenBytes(other)).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
