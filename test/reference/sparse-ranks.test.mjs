// Ranks far apart cost memory by the number of tokens, not by the largest rank (issue 21, item 5):
// the core's rank arrays are dense only over a prefix of the ranks that the tokens fill, and the
// ranks past it are kept in a sorted list. Ranks go up to 2^24 - 1 and special-token ids up to
// 2^32 - 2 (docs/api.md). Results are held to what the .tiktoken lines themselves say (the bytes of
// each rank) and to tiktoken built from the same lines.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { referenceFor, tiktokenText } from '../support/custom-vocab.mjs';
import { rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const entry = path.resolve(require.resolve('../../dist/cjs/index.js'));
const { native } = require('../../dist/cjs/native.js');
const { FAMILY_CODE } = require('../../dist/cjs/pattern.js');

const MAX_RANK = 2 ** 24 - 1;
// Far ranks, some far apart and one the largest allowed; tokens of 2 bytes (the pair table), of
// 3-12 bytes (the hash table's key) and past 12 (compared byte by byte through their rank). Each
// merge chain reaches its last token: 'hello' from 'he' + 'll', then 'o'; 16 a's by doublings.
const FAR = [
  ['ab', 1_000_003],
  ['abc', 1_000_000],
  ['he', MAX_RANK],
  ['ll', 5_000_000],
  ['hell', 2 ** 23],
  ['hello', 2 ** 23 + 1],
  [' w', 9_999_999],
  ['or', 10_000_000],
  ['ld', 10_000_001],
  [' wor', 10_000_002],
  [' world', 12_345_678],
  ['aa', MAX_RANK - 4],
  ['aaaa', MAX_RANK - 3],
  ['a'.repeat(8), MAX_RANK - 2],
  ['a'.repeat(16), MAX_RANK - 1],
  ['abcdefghijklmnopqrstuvwxyz', 7_777_777],
];
const SPECIALS = { '<|mid|>': 2 ** 31, '<|far|>': 2 ** 32 - 2 };

/** [rank, bytes] of the 256 single bytes at ranks 0..255 and the far tokens. */
function sparseEntries() {
  const out = [];
  for (let b = 0; b < 256; b++) out.push([b, Uint8Array.of(b)]);
  for (const [text, rank] of FAR) out.push([rank, Buffer.from(text, 'latin1')]);
  return out;
}

// The same pattern as gpt2: a native scanner, so no RegExp path takes part.
const PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;
const TEXT = `hello world ${'a'.repeat(16)} ${'a'.repeat(27)} abc ab he hell<|mid|>x<|far|> abcdefghijklmnopqrstuvwxyz`;

// Loads the sparse vocabulary in a fresh process after a dense one of the same size (which
// brings in everything the backend allocates once), and reports the resident-memory growth of
// the second load and its calls.
const CHILD = `
const t = require(${JSON.stringify(entry)});
const [dense, sparse, pattern, text, specialTokens] = JSON.parse(process.argv[1]);
const run = (ranks) => {
  const enc = new t.Encoding({ name: 'v', pattern, ranks, specialTokens });
  const ids = enc.encode(text, { allowedSpecial: 'all' });
  const ranksOfLines = ranks.trim().split('\\n').map((l) => Number(l.split(' ')[1]));
  return {
    ids: Array.from(ids),
    text: enc.decode(ids),
    bytes: Buffer.from(enc.decodeBytes(ids)).toString('latin1'),
    single: ranks.trim().split('\\n').map((l) => enc.encodeSingleToken(Buffer.from(l.split(' ')[0], 'base64'))),
    tokenBytes: ranksOfLines.map((r) => Buffer.from(enc.tokenBytes(r)).toString('base64')),
    specials: Object.keys(specialTokens).map((s) => [enc.encodeSingleToken(s), Buffer.from(enc.tokenBytes(specialTokens[s])).toString()]),
    max: enc.maxTokenValue,
  };
};
run(dense);
global.gc();
const before = process.memoryUsage().rss;
const out = run(sparse);
global.gc();
out.growthMB = (process.memoryUsage().rss - before) / 2 ** 20;
process.stdout.write(JSON.stringify(out));
`;

describe('ranks far apart', () => {
  it('load with memory that follows the tokens, and encode and decode as their lines say', () => {
    const entries = sparseEntries();
    const sparse = tiktokenText(entries);
    const dense = tiktokenText(entries.map(([, bytes], k) => [k, bytes]));
    const out = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '-e', CHILD, JSON.stringify([dense, sparse, PATTERN, TEXT, SPECIALS])], {
        encoding: 'utf8',
      }),
    );
    // Each line's bytes give its rank and its rank gives its bytes.
    expect(out.single).toEqual(entries.map(([rank]) => rank));
    expect(out.tokenBytes).toEqual(entries.map(([, bytes]) => Buffer.from(bytes).toString('base64')));
    expect(out.specials).toEqual(Object.entries(SPECIALS).map(([text, id]) => [id, text]));
    expect(out.max).toBe(2 ** 32 - 2);
    // The merges, from the lines' ranks: each far token where BPE reaches it.
    const ref = referenceFor(sparse, SPECIALS, PATTERN);
    const expected = Array.from(ref.encode(TEXT, 'all'));
    ref.free();
    expect(out.ids).toEqual(expected);
    expect(out.ids).toEqual(
      expect.arrayContaining([2 ** 23, 2 ** 23 + 1, 12_345_678, MAX_RANK, MAX_RANK - 1, MAX_RANK - 2, MAX_RANK - 4, 1_000_000, 1_000_003, 2 ** 31, 2 ** 32 - 2]),
    );
    expect(out.text).toBe(TEXT);
    expect(out.bytes).toBe(TEXT);
    // Dense rank arrays up to 2^24 - 1 took 117 MB in the core, and the packing 80 MB more.
    expect(out.growthMB).toBeLessThan(8);
  });

  it('match tiktoken on random vocabularies whose ranks spread up to 2^24 - 1', () => {
    const next = rng(0x5a25e);
    const failures = [];
    let compared = 0;
    for (let v = 0; v < 6; v++) {
      const tokens = new Set();
      while (tokens.size < 300) {
        let t = '';
        const len = 2 + Math.floor(next() * 16);
        for (let k = 0; k < len; k++) t += 'abcd '[Math.floor(next() * 5)];
        tokens.add(t);
      }
      // Bytes at low ranks; the rest at distinct random ranks, shorter tokens first (BPE reaches
      // a token only through a pair of tokens that merges first).
      const far = new Set();
      while (far.size < tokens.size) far.add(256 + Math.floor(next() * (MAX_RANK - 256)));
      const farRanks = [...far].sort((a, b) => a - b);
      const entries = [];
      for (let b = 0; b < 256; b++) entries.push([b, Uint8Array.of(b)]);
      [...tokens].sort((a, b) => a.length - b.length).forEach((t, k) => entries.push([farRanks[k], Buffer.from(t, 'latin1')]));
      const ranks = tiktokenText(entries);
      const ours = new Encoding({ name: `spread_${v}`, pattern: String.raw`[^\n]+|\n`, ranks });
      const ref = referenceFor(ranks, {}, String.raw`[^\n]+|\n`);
      for (let p = 0; p < 30; p++) {
        let text = '';
        const len = 1 + Math.floor(next() * 300);
        for (let k = 0; k < len; k++) text += 'abcd e'[Math.floor(next() * 6)];
        const a = Array.from(ours.encode(text));
        const b = Array.from(ref.encode(text));
        compared++;
        // Where each token starts: the lengths of the tokens before it (ASCII text).
        const starts = [];
        a.reduce((at, id) => (starts.push(at), at + ours.tokenBytes(id).length), 0);
        const withOffsets = ours.encodeWithOffsets(text);
        if (
          a.join() !== b.join() ||
          ours.decode(a) !== text ||
          ours.count(text) !== a.length ||
          Array.from(withOffsets.tokens).join() !== a.join() ||
          Array.from(withOffsets.byteOffsets).join() !== starts.join()
        ) {
          failures.push({ vocabulary: v, text, ours: a.slice(0, 12), tiktoken: b.slice(0, 12) });
        }
      }
      for (const [rank, bytes] of entries) {
        if (ours.encodeSingleToken(bytes) !== rank || Buffer.compare(ours.tokenBytes(rank), bytes) !== 0) failures.push({ vocabulary: v, rank });
      }
      let gap = farRanks[0] + 1;
      while (far.has(gap)) gap++;
      expect(() => ours.tokenBytes(gap)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_TOKEN_ID' }));
      expect(() => ours.decode([farRanks[1], gap])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_TOKEN_ID' }));
      ref.free();
    }
    expect(compared).toBe(180);
    expect(failures).toEqual([]);
  });

  it('a TTV1 blob with a far rank loads into the same layout', () => {
    // The shipped format, one length byte per rank up to the largest: 3 tokens at 0, 1 and 2^24 - 1.
    const slots = MAX_RANK + 1;
    const blob = new Uint8Array(8 + slots + 4);
    blob.set([0x54, 0x54, 0x56, 0x31]);
    new DataView(blob.buffer).setUint32(4, slots, true);
    blob[8] = 1;
    blob[9] = 1;
    blob[8 + MAX_RANK] = 2;
    blob.set(Buffer.from('abab'), 8 + slots);
    const handle = new native.NativeEncoding(blob, FAMILY_CODE.gpt2, [], []);
    expect(Array.from(handle.encode('abab', null, null))).toEqual([MAX_RANK, MAX_RANK]);
    expect(Buffer.from(handle.decodeBytes(Uint32Array.of(0, MAX_RANK, 1))).toString()).toBe('aabb');
    expect(() => handle.decodeBytes(Uint32Array.of(MAX_RANK - 1))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_TOKEN_ID' }));
  });

  it('a TTV2 blob out of order, out of range or cut short is refused', () => {
    const ttv2 = (ranks, lengths, bytes) => {
      const blob = new Uint8Array(8 + 5 * ranks.length + bytes.length);
      const view = new DataView(blob.buffer);
      blob.set([0x54, 0x54, 0x56, 0x32]);
      view.setUint32(4, ranks.length, true);
      ranks.forEach((r, k) => view.setUint32(8 + 4 * k, r, true));
      blob.set(lengths, 8 + 4 * ranks.length);
      blob.set(bytes, 8 + 5 * ranks.length);
      return blob;
    };
    const load = (blob) => () => new native.NativeEncoding(blob, FAMILY_CODE.gpt2, [], []);
    expect(load(ttv2([0, 7], [1, 1], Buffer.from('ab')))).not.toThrow();
    for (const blob of [
      ttv2([7, 0], [1, 1], Buffer.from('ab')), // descending
      ttv2([7, 7], [1, 1], Buffer.from('ab')), // a rank twice
      ttv2([0, 2 ** 24], [1, 1], Buffer.from('ab')), // past the largest rank
      ttv2([0, 2 ** 32 - 1], [1, 1], Buffer.from('ab')),
      ttv2([0, 7], [1, 0], Buffer.from('a')), // an empty token
      ttv2([0, 7], [1, 2], Buffer.from('ab')), // fewer bytes than the lengths say
      ttv2([0, 7], [1, 1], Buffer.from('abc')), // more
      ttv2([0, 7], [1, 1], Buffer.from('ab')).subarray(0, 14), // cut inside the ranks
    ]) {
      expect(load(blob)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_VOCABULARY' }));
    }
  });
});
