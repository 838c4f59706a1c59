// The RegExp path's Unicode properties are the reference's whatever the engine's Unicode version
// (src/unicode-pin.ts). Every code point up to U+3FFFF and in plane 14, in contexts where letter,
// number, mark and word classes decide the pieces, encodes as tiktoken encodes it. Node 20.20 has
// Unicode 17.0 and the reference 16.0: with the engine's own \p{...}, 4,657 of these code points
// got other ids under cl100k_base's pattern.
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { PATTERNS, rankEntries, referenceFor, tiktokenText } from '../support/custom-vocab.mjs';

// r50k_base's first 3000 ranks: every byte plus common merges, so piece boundaries show in the ids.
const ranks = tiktokenText(rankEntries('r50k_base').slice(0, 3000));

const CASES = {
  // Not byte-identical to the shipped patterns, so they take the RegExp path.
  'cl100k_base\'s pattern': PATTERNS.cl100k + '|zzzzqqqq',
  'o200k_base\'s pattern': PATTERNS.o200k + '|zzzzqqqq',
  qwen2: PATTERNS.qwen2,
  'word, digit and negated classes': String.raw`\w+|\d+|[\p{Lu}\p{M}]+|\P{L}+|[^\s\p{N}\p{L}]+|\W|\s+`,
};

// One class as the whole pattern, over a vocabulary of the 256 bytes (rank = byte): text the
// pattern does not match is dropped, so the ids are exactly the characters in the class. Held to
// the reference on every character it reads as unassigned. (Characters both versions have keep the
// engine's properties: from 16.0 to 17.0, U+0295 went from Ll to Lo and 672 characters left
// Extended_Pictographic; docs/api.md.) The last four are properties that some unassigned code
// points have, by block (new emoji were reserved Extended_Pictographic in 16.0, U+2B96 reserved
// Pattern_Syntax).
const CLASSES = [
  String.raw`\p{L}`, String.raw`[^\r\n\p{L}\p{N}]`, String.raw`[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`, String.raw`\w`, String.raw`\W`,
  String.raw`\d`, String.raw`\P{N}`, String.raw`\p{Extended_Pictographic}`, String.raw`[^\p{Pattern_Syntax}]`,
  String.raw`\P{ExtPict}`, String.raw`[\p{DI}\p{NChar}]`,
];
const byteRanks = tiktokenText(Array.from({ length: 256 }, (_, b) => [b, Uint8Array.of(b)]));

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

/** The characters of `text` that tiktoken's pattern `pattern` matches (see CLASSES). */
function referenceMatches(pattern, texts) {
  // A special token keeps tiktoken off its slower path for an empty special-token set.
  const reference = referenceFor(byteRanks, { '<|probe|>': 256 }, pattern);
  try {
    return new Set(texts.flatMap((text) => [...Buffer.from(reference.encode(text, [], [])).toString('utf8')]));
  } finally {
    reference.free();
  }
}

let sweep;
/** The sweep's code points as texts, and those the reference reads as unassigned (found once). */
function sweepTexts() {
  if (!sweep) {
    const texts = [...codePointChunks()].map((cps) => String.fromCodePoint(...cps));
    sweep = { texts, unassigned: referenceMatches(String.raw`\p{Cn}`, texts) };
  }
  return sweep;
}

describe.each(CLASSES)('the class %s on the RegExp path', (pattern) => {
  it('holds the characters that tiktoken\'s holds, of those it reads as unassigned', () => {
    const { texts, unassigned } = sweepTexts();
    const theirs = referenceMatches(pattern, texts);
    const encoding = new Encoding({ name: 'class', pattern, ranks: byteRanks });
    const ours = new Set(texts.flatMap((text) => [...Buffer.from(encoding.encode(text)).toString('utf8')]));
    const differing = [...unassigned].filter((ch) => ours.has(ch) !== theirs.has(ch)).map((ch) => ch.codePointAt(0));
    expect(unassigned.size).toBeGreaterThan(4803); // the sweep reaches past the new characters
    expect(differing.length, `first: ${differing.slice(0, 8).map((cp) => 'U+' + cp.toString(16).toUpperCase()).join(' ')}`).toBe(0);
  });
});

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
