// Tokens of 64 KiB (the core's longest, Vocab::kMaxTokenLength) in a vocabulary of one's own, from
// a Map and from .tiktoken text: whole, merged from their parts inside longer pieces, decoded, and
// counted, held to an independent BPE (test/support/long-token-vocab.mjs), itself held to
// tiktoken on short pieces. The limit is refused naming the token.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { LONGEST, longTokenVocabulary, referenceBpe } from '../support/long-token-vocab.mjs';
import { rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { Tiktoken } = require('tiktoken');

// Pieces as long as the text allows: runs of letters, and runs of anything else.
const PATTERN = String.raw`[a-z]+|[^a-z]+`;
const { entries, runToken, pairToken, randomToken } = longTokenVocabulary();
const ranks = new Map(entries.map(([bytes, rank]) => [Buffer.from(bytes).toString('latin1'), rank]));
const text = entries.map(([bytes, rank]) => `${Buffer.from(bytes).toString('base64')} ${rank}`).join('\n');
const fromMap = new Encoding({ name: 'long_map', pattern: PATTERN, ranks: new Map(entries) });
const fromText = new Encoding({ name: 'long_text', pattern: PATTERN, ranks: text });

/** The reference's ids of a text of letters and other bytes, piece by piece. */
function reference(s) {
  const out = [];
  for (const m of s.matchAll(new RegExp(PATTERN, 'g'))) out.push(...referenceBpe(ranks, Buffer.from(m[0], 'latin1')));
  return out;
}

const latin1 = (b) => Buffer.from(b).toString('latin1');

describe('64 KiB tokens', () => {
  it('encode whole, decode back and count as one', () => {
    for (const enc of [fromMap, fromText]) {
      for (const token of [runToken, pairToken, randomToken]) {
        expect(token.length).toBe(LONGEST);
        const id = ranks.get(latin1(token));
        expect([...enc.encode(latin1(token))]).toEqual([id]);
        expect(enc.count(latin1(token))).toBe(1);
        expect(Buffer.from(enc.tokenBytes(id)).equals(token)).toBe(true);
        expect(enc.decode([id, 97, id])).toBe(`${latin1(token)}a${latin1(token)}`);
        expect(Buffer.from(enc.decodeBytes([98, id])).equals(Buffer.concat([Buffer.from('b'), token]))).toBe(true);
      }
    }
  });

  it('the reference BPE matches tiktoken on short pieces of this vocabulary', () => {
    // tiktoken's Tiktoken over the tokens of up to 64 bytes (its merge is quadratic in a piece).
    const short = entries.filter(([bytes]) => bytes.length <= 64);
    const shortRanks = new Map(short.map(([b, r]) => [latin1(b), r]));
    const tiktoken = new Tiktoken(short.map(([b, r]) => `${Buffer.from(b).toString('base64')} ${r}`).join('\n'), {}, PATTERN);
    const next = rng(7);
    const failures = [];
    for (let k = 0; k < 300; k++) {
      const at = Math.floor(next() * (LONGEST - 200));
      const piece = latin1(randomToken.subarray(at, at + 1 + Math.floor(next() * 150))) + 'ab'.repeat(Math.floor(next() * 40));
      const a = referenceBpe(shortRanks, Buffer.from(piece, 'latin1'));
      const b = [...tiktoken.encode(piece)];
      if (a.join() !== b.join()) failures.push({ piece: piece.slice(0, 40), a, b });
    }
    tiktoken.free();
    expect(failures).toEqual([]);
  });

  it('match the reference inside longer pieces', () => {
    const next = rng(0x10c4);
    const r = latin1(randomToken);
    const texts = [
      'a'.repeat(LONGEST - 1), `x${'a'.repeat(LONGEST + 1)}.`, 'ab'.repeat(LONGEST / 2 + 3), `b${'ab'.repeat(LONGEST / 2)}`,
      `${r}c`, `c${r}`, r.slice(1) + r.slice(0, 1), `${r.slice(0, 40000)} ${r.slice(40000)}`, r + 'ab'.repeat(LONGEST / 4),
    ];
    for (let k = 0; k < 2; k++) {
      const from = Math.floor(next() * LONGEST);
      texts.push(r.slice(from, from + 20000) + r.slice(0, Math.floor(next() * 5000)));
    }
    const failures = [];
    for (const s of texts) {
      const want = reference(s);
      for (const enc of [fromMap, fromText]) {
        const ours = [...enc.encode(s)];
        if (ours.join() !== want.join()) failures.push({ encoding: enc.name, text: s.slice(0, 30), length: s.length, ours: ours.slice(0, 8), want: want.slice(0, 8) });
        if (enc.count(s) !== want.length) failures.push({ encoding: enc.name, text: s.slice(0, 30), count: enc.count(s), want: want.length });
      }
      if (fromMap.decode(want) !== s) failures.push({ decode: s.slice(0, 30) });
    }
    expect(failures).toEqual([]);
  });

  it('refuses a token past 64 KiB, naming its rank', () => {
    const tooLong = new Uint8Array(LONGEST + 1).fill(0x61);
    const bytes = Array.from({ length: 256 }, (_, b) => [Uint8Array.of(b), b]);
    const call = () => new Encoding({ name: 'too_long', pattern: PATTERN, ranks: new Map([...bytes, [tooLong, 300]]) });
    expect(call).toThrow(expect.objectContaining({ code: 'ERR_INVALID_VOCABULARY', message: expect.stringMatching(/rank 300.*65537 bytes; at most 65536/) }));
    const packed = `! 0 ${bytes.map(([b]) => Buffer.from(b).toString('base64')).join(' ')} ${Buffer.from(tooLong).toString('base64')}`;
    const call2 = () => new Encoding({ name: 'too_long', pattern: PATTERN, ranks: packed });
    expect(call2).toThrow(expect.objectContaining({ code: 'ERR_INVALID_VOCABULARY', message: expect.stringMatching(/the token of rank 256\): the token has 65537 bytes/) }));
  });
});
