// The sweep of test/reference/pattern-unicode-version.test.mjs: every code point up to U+3FFFF and
// in plane 14, CHUNK at a time, under character classes and whole patterns that take the RegExp
// path. Shared with scripts/make-pattern-unicode-digests.mjs, which writes the reference's ids of
// each chunk as digests (test/data/pattern-unicode-digests.json) so that the test runs tiktoken
// only on a chunk whose ids differ from its digest; tiktoken's matcher is most of the sweep's cost,
// and the test runs on both backends.
import { readFileSync } from 'node:fs';
import { PATTERNS, rankEntries, referenceFor, tiktokenText } from './custom-vocab.mjs';

export const DIGEST_FILE = new URL('../data/pattern-unicode-digests.json', import.meta.url);

// r50k_base's first 3000 ranks: every byte plus common merges, so piece boundaries show in the ids.
export const ranks = tiktokenText(rankEntries('r50k_base').slice(0, 3000));
export const byteRanks = tiktokenText(Array.from({ length: 256 }, (_, b) => [b, Uint8Array.of(b)]));

export const CASES = {
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
export const CLASSES = [
  String.raw`\p{L}`, String.raw`[^\r\n\p{L}\p{N}]`, String.raw`[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`, String.raw`\w`, String.raw`\W`,
  String.raw`\d`, String.raw`\P{N}`, String.raw`\p{Extended_Pictographic}`, String.raw`[^\p{Pattern_Syntax}]`,
  String.raw`\P{ExtPict}`, String.raw`[\p{DI}\p{NChar}]`,
];

const CHUNK = 8192;

/** Code points of the sweep, CHUNK at a time. */
export function* codePointChunks() {
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
export const snippet = (cp) => {
  const c = String.fromCodePoint(cp);
  return `a${c}${c}1 ${c}'s`;
};

/** A chunk's text under a whole pattern (CASES). */
export const caseText = (cps) => cps.map(snippet).join('\n');

/** tiktoken for a class of CLASSES; a special token keeps it off its slower path for an empty special-token set. */
export const classReference = (pattern) => referenceFor(byteRanks, { '<|probe|>': 256 }, pattern);
export const caseReference = (pattern) => referenceFor(ranks, {}, pattern);

/** The reference's ids of a chunk's text under a class (its matched characters as UTF-8 bytes). */
export const classIds = (reference, text) => reference.encode(text, [], []);

let table;
/** The committed digests of the reference's ids, chunk by chunk: `{ classes, cases }`, each pattern -> digests. */
export function sweepDigests() {
  table ??= JSON.parse(readFileSync(DIGEST_FILE, 'utf8'));
  return table;
}
