// The RegExp path's translation of the reference's regex dialect, held to tiktoken: seeded random
// patterns built from the constructs it translates, each compared with tiktoken's Tiktoken given
// the same small vocabulary (so that piece boundaries change the ids) on seeded random text.
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { rankEntries, referenceFor, tiktokenText } from '../support/custom-vocab.mjs';
import { randomText, rng } from '../support/random-text.mjs';

// r50k_base's first 3000 ranks: every byte plus common merges, quick to load in both tokenizers.
const ranks = tiktokenText(rankEntries('r50k_base').slice(0, 3000));

// Constructs that never match empty text (an empty match's handling is not part of the test).
const ATOMS = [
  String.raw`\p{L}+`, String.raw`\p{N}{1,3}`, String.raw`\s+(?!\S)`, String.raw`\s+`, String.raw` ?[^\s\p{L}\p{N}]+`,
  String.raw`(?i:'s|'t|'re|'ll)`, String.raw`[a-z]+`, String.raw`\d`, String.raw`\w+`, String.raw`.`, String.raw`[^\r\n]{2}`,
  String.raw`\p{L}++`, String.raw`(?>\p{L}+|\p{N})`, String.raw`\p{L}+?`, String.raw`\S+`, String.raw`\x{41}+`,
  String.raw`[\s\p{P}]`, String.raw`\pL\pN`, String.raw`[^\s\p{L}]+[\r\n]*`, String.raw`\s*[\r\n]+`, String.raw`(?i:[a-c]x)`,
  String.raw`[\p{Lu}\p{Lt}]*[\p{Ll}\p{M}]+`, String.raw`\p{N}+?\p{N}`, String.raw`[A-Za-z]{1,2}+`,
  String.raw`\D+`, String.raw`\W`, String.raw`'[sS]`, String.raw`\u{3000}|\x85`, String.raw`[^\n]`,
];

function randomPattern(next) {
  const count = 2 + Math.floor(next() * 5);
  const parts = [];
  for (let k = 0; k < count; k++) {
    let part = ATOMS[Math.floor(next() * ATOMS.length)];
    if (next() < 0.2) part += ATOMS[Math.floor(next() * ATOMS.length)];
    parts.push(part);
  }
  return parts.join('|');
}

describe('pattern translation', () => {
  it('splits exactly as tiktoken for random patterns of the translated constructs', () => {
    const next = rng(0x9a77);
    const texts = Array.from({ length: 25 }, () => randomText(next, 30).replaceAll('<|', '<'));
    let compared = 0;
    for (let p = 0; p < 80; p++) {
      const pattern = randomPattern(next);
      const ours = new Encoding({ name: 'fuzz', pattern, ranks });
      expect(ours.patternKind).toBe('regexp');
      const ref = referenceFor(ranks, {}, pattern);
      for (const text of texts) {
        const a = [...ours.encode(text)];
        const b = [...ref.encode(text)];
        if (JSON.stringify(a) !== JSON.stringify(b)) expect({ pattern, text, a }).toEqual({ pattern, text, a: b });
        compared++;
      }
      ref.free();
    }
    expect(compared).toBe(2000);
  });
});
