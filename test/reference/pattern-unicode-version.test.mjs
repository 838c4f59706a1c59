// The RegExp path's Unicode properties are the reference's whatever the engine's Unicode version
// (src/unicode-pin.ts). Every code point up to U+3FFFF and in plane 14, in contexts where letter,
// number, mark and word classes decide the pieces, encodes as tiktoken encodes it. Node 20.20 has
// Unicode 17.0 and the reference 16.0: with the engine's own \p{...}, 4,657 of these code points
// got other ids under cl100k_base's pattern.
//
// The reference's ids of each chunk come from committed digests
// (scripts/make-pattern-unicode-digests.mjs, checked against tiktoken by CI); tiktoken itself runs
// only on a chunk whose ids differ from its digest, and decides there as before.
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { idsDigest } from '../support/reference-digests.mjs';
import {
  byteRanks, CASES, caseReference, caseText, classIds, classReference, CLASSES, codePointChunks, ranks, snippet, sweepDigests,
} from '../support/pattern-unicode-sweep.mjs';

/** The characters of a class's output (its ids are the UTF-8 bytes of the characters it matched). */
const characters = (ids) => [...Buffer.from(ids).toString('utf8')];

let sweep;
/** The sweep's code points as texts, and those the reference reads as unassigned (found once). */
function sweepTexts() {
  if (!sweep) {
    const texts = [...codePointChunks()].map((cps) => String.fromCodePoint(...cps));
    const reference = classReference(String.raw`\p{Cn}`);
    try {
      sweep = { texts, unassigned: new Set(texts.flatMap((text) => characters(classIds(reference, text)))) };
    } finally {
      reference.free();
    }
  }
  return sweep;
}

describe.each(CLASSES)('the class %s on the RegExp path', (pattern) => {
  it('holds the characters that tiktoken\'s holds, of those it reads as unassigned', () => {
    const { texts, unassigned } = sweepTexts();
    const digests = sweepDigests().classes[pattern] ?? [];
    const encoding = new Encoding({ name: 'class', pattern, ranks: byteRanks });
    let reference;
    const differing = [];
    try {
      texts.forEach((text, k) => {
        const oursIds = encoding.encode(text);
        // The same ids as the reference's on this chunk: the same characters matched.
        if (idsDigest(oursIds) === digests[k]) return;
        reference ??= classReference(pattern);
        // A code point is in one chunk only, so the chunks are compared one by one.
        const ours = new Set(characters(oursIds));
        const theirs = new Set(characters(classIds(reference, text)));
        for (const ch of text) if (unassigned.has(ch) && ours.has(ch) !== theirs.has(ch)) differing.push(ch.codePointAt(0));
      });
    } finally {
      reference?.free();
    }
    expect(unassigned.size).toBeGreaterThan(4803); // the sweep reaches past the new characters
    expect(differing.length, `first: ${differing.slice(0, 8).map((cp) => 'U+' + cp.toString(16).toUpperCase()).join(' ')}`).toBe(0);
  });
});

describe.each(Object.entries(CASES))('the RegExp path with %s', (_label, pattern) => {
  it(`encodes every code point as tiktoken does (engine Unicode ${process.versions.unicode})`, () => {
    const encoding = new Encoding({ name: 'sweep', pattern, ranks });
    expect(encoding.patternKind).toBe('regexp');
    const digests = sweepDigests().cases[pattern] ?? [];
    let reference;
    const differing = [];
    try {
      [...codePointChunks()].forEach((cps, k) => {
        const text = caseText(cps);
        const oursIds = encoding.encode(text);
        if (idsDigest(oursIds) === digests[k]) return;
        reference ??= caseReference(pattern);
        if (Buffer.from(oursIds.buffer).equals(Buffer.from(reference.encode_ordinary(text).buffer))) return;
        for (const cp of cps) {
          const one = snippet(cp);
          if (!Buffer.from(encoding.encode(one).buffer).equals(Buffer.from(reference.encode_ordinary(one).buffer))) differing.push(cp);
        }
      });
    } finally {
      reference?.free();
    }
    expect(differing.length, `first: ${differing.slice(0, 8).map((cp) => 'U+' + cp.toString(16).toUpperCase()).join(' ')}`).toBe(0);
  });
});
