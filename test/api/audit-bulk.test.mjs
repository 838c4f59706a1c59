// audit() where the core reads the whole vocabulary in one call (native/core/vocab/vocabulary_table.h):
// the core's reachability bits, its UTF-8 check and the holes between ids are held to the brute
// force over every id, on o200k_base and on small vocabularies split by a shipped pattern (the
// core's own encode) and by a custom one (a JavaScript split: the bytes come from the core, the
// reachability from encode).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { audit, Encoding, getEncoding } from '../../index.mjs';
import { auditByBruteForce, expectSameAudit, unreachableByBatch } from '../support/audit-reference.mjs';
const { vocabularyTable } = createRequire(import.meta.url)('../../dist/cjs/encoding.js');

const utf8 = (s) => new TextEncoder().encode(s);

// Every category, ids with a wide gap, and special tokens inside the gap and past the last rank.
function categories(pattern, gapEnd, lastSpecial = gapEnd + 100) {
  const ranks = new Map();
  for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
  ranks.set(utf8('ab'), 256);
  ranks.set(utf8('a b'), 257); // the split makes 'a', ' b': unreachable under both patterns
  ranks.set(utf8(' b'), 258);
  ranks.set(Uint8Array.of(0xe2, 0x82), 259); // the first two bytes of '€': partial UTF-8
  ranks.set(utf8('\ufeff'), 260); // U+FEFF: reachable, and not the empty text
  ranks.set(Uint8Array.of(0xed, 0xa0, 0x80), 261); // a surrogate's UTF-8: not UTF-8
  ranks.set(Uint8Array.of(0xc0, 0x80), 262); // overlong
  ranks.set(utf8('€'), 263);
  ranks.set(utf8('xy'), gapEnd);
  ranks.set(utf8('€€'), gapEnd + 1);
  const specialTokens = { '<s>': 300, ab: gapEnd + 5, '<|end|>': lastSpecial };
  return new Encoding({ name: `categories-${gapEnd}`, pattern, ranks, specialTokens });
}

const shippedPattern = () => getEncoding('cl100k_base').patternSource;

describe('audit through the core bulk call', () => {
  it('finds the unreachable and partial tokens of o200k_base that encodeBatch of every token finds', () => {
    const enc = getEncoding('o200k_base');
    const a = audit(enc);
    const b = unreachableByBatch(enc);
    expect(a.unreachable).toEqual(b.unreachable);
    expect(a.partialUtf8).toEqual(b.partialUtf8);
    expect(a.unreachable.length).toBe(12); // docs/analysis.md
    const special = new Set(Object.values(enc.specialTokens));
    const holeIds = a.holes.flatMap(([x, y]) => Array.from({ length: y - x + 1 }, (_, k) => x + k));
    expect(holeIds.length).toBe(a.holeCount);
    for (const id of holeIds) {
      expect(special.has(id)).toBe(false);
      expect(() => enc.tokenBytes(id)).toThrow();
    }
    expect(a.ordinaryTokens + special.size + a.holeCount).toBe(enc.nVocab);
  });

  for (const [label, pattern] of [['a shipped pattern (the core encodes)', shippedPattern], ['a custom pattern (JavaScript splits)', () => String.raw` ?\S+|\s+`]]) {
    it(`matches the brute force on a small vocabulary with ${label}`, () => {
      const enc = categories(pattern(), 1000);
      const a = audit(enc);
      expectSameAudit(expect, enc, a, auditByBruteForce(enc));
      expect(a.unreachable.map((u) => u.id)).toEqual([257]);
      expect(a.unreachable[0].encodesTo).toEqual([97, 258]);
      expect(a.partialUtf8).toEqual([...Array.from({ length: 128 }, (_, k) => 128 + k), 259, 261, 262]);
      expect(a.holes).toEqual([[264, 299], [301, 999], [1002, 1004], [1006, 1099]]);
      expect(a.duplicates).toEqual([{ bytes: '6162', ids: [256, 1005] }]);
    });
  }

  it('finds the holes of ids spread up to 2^31 without visiting them', () => {
    const far = 2 ** 24 - 16; // ranks stop at 2^24 - 1; special tokens go on
    const last = 2 ** 31;
    const enc = categories(shippedPattern(), far, last);
    const a = audit(enc);
    expect(a.holes).toEqual([[264, 299], [301, far - 1], [far + 2, far + 4], [far + 6, last - 1]]);
    expect(a.holeCount).toBe(last + 1 - 266 - 3);
    expect(a.ordinaryTokens).toBe(266);
    expect(a.unreachable.map((u) => u.id)).toEqual([257]);
  });

  it('leaves the core\'s table out of the public Encoding (an internal of the package)', () => {
    for (const name of ['vocabularyTable', 'measuredBatch', 'isEncoding']) expect(name in Encoding).toBe(false);
  });

  it('vocabularyTable gives every ordinary token, its bytes and flags', () => {
    const enc = getEncoding('cl100k_base');
    const t = vocabularyTable(enc, false);
    expect(t.reachability).toBe(false);
    expect(t.ids.length).toBe(100256);
    expect(t.starts.length).toBe(t.ids.length + 1);
    expect(t.starts[t.ids.length]).toBe(t.bytes.length);
    for (const k of [0, 1, 255, 5000, 100255]) {
      expect(Buffer.from(t.bytes.subarray(t.starts[k], t.starts[k + 1]))).toEqual(Buffer.from(enc.tokenBytes(t.ids[k])));
    }
    expect(t.flags.every((f) => (f & 2) === 0)).toBe(true);
    const r = vocabularyTable(enc, true);
    expect(r.reachability).toBe(true);
    expect(r.flags.some((f) => (f & 2) !== 0)).toBe(true);
  });
});
