// The RegExp path's Unicode properties are the reference's whatever the engine's Unicode version
// (src/unicode-pin.ts). Every code point up to U+3FFFF and in plane 14, in contexts where letter,
// number, mark and word classes decide the pieces, encodes as tiktoken encodes it. Node 20.20 has
// Unicode 17.0 and the reference 16.0: with the engine's own \p{...}, 4,657 of these code points
// got other ids under cl100k_base's pattern.
import { describe, expect, it } from 'vitest';
import { Encoding } from '../index.mjs';
import { PATTERNS, rankEntries, referenceFor, tiktokenText } from './support/custom-vocab.mjs';

// r50k_base's first 3000 ranks: every byte plus common merges, so piece boundaries show in the ids.
const ranks = tiktokenText(rankEntries('r50k_base').slice(0, 3000));

const CASES = {
  // Not byte-identical to the shipped patterns, so they take the RegExp path.
  'cl100k_base\'s pattern': PATTERNS.cl100k + '|zzzzqqqq',
  'o200k_base\'s pattern': PATTERNS.o200k + '|zzzzqqqq',
  qwen2: PATTERNS.qwen2,
  'word, digit and negated classes': String.raw`\w+|\d+|[\p{Lu}\p{M}]+|\P{L}+|[^\s\p{N}\p{L}]+|\W|\s+`,
};

const CHUNK = 8192;

/** Code points of the sweep, CHUNK at a time. */
function* codePointChunks() {
  let chunk = [];
  const ranges = [[0x80, 0x3ffff], [0xe0000, 0xe01ef]];
  for (const [lo, hi] of ranges) {
    for (let cp = lo; cp <= hi; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      chunk.push(cp);
      if (chunk.length === CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length) yield chunk;
}

// After a letter, doubled, before a digit, after a space, before a contraction.
const snippet = (cp) => {
  const c = String.fromCodePoint(cp);
  return `a${c}${c}1 ${c}'s`;
};

describe.each(Object.entries(CASES))('the RegExp path with %s', (_label, pattern) => {
  it(`encodes every code point as tiktoken does (engine Unicode ${process.versions.unicode})`, () => {
    const encoding = new Encoding({ name: 'sweep', pattern, ranks });
    expect(encoding.patternKind).toBe('regexp');
    const reference = referenceFor(ranks, {}, pattern);
    const differing = [];
    try {
      for (const cps of codePointChunks()) {
        const text = cps.map(snippet).join('\n');
        const ours = Buffer.from(encoding.encode(text).buffer);
        if (ours.equals(Buffer.from(reference.encode_ordinary(text).buffer))) continue;
        for (const cp of cps) {
          const one = snippet(cp);
          if (!Buffer.from(encoding.encode(one).buffer).equals(Buffer.from(reference.encode_ordinary(one).buffer))) differing.push(cp);
        }
      }
    } finally {
      reference.free();
    }
    expect(differing.length, `first: ${differing.slice(0, 8).map((cp) => 'U+' + cp.toString(16).toUpperCase()).join(' ')}`).toBe(0);
  });
});
