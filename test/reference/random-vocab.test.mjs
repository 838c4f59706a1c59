// The merge definition on vocabularies whose ranks follow no training order: random tokens over
// a small alphabet with random ranks, where merging a pair often creates a pair of lower rank.
// That is the case the rank passes of the run and periodic merges must detect and hand back, and
// that the shipped vocabularies rarely or never reach. Held token for token to tiktoken's Tiktoken
// built from the same ranks, on pieces short (direct merge) and long (the tree merge).
import { describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';
import { referenceFor, tiktokenText } from '../support/custom-vocab.mjs';
import { rng } from '../support/random-text.mjs';

// One piece per run of letters: the RegExp path, so the pieces are exactly the runs.
const PATTERN = String.raw`[a-d]+|[^a-d]+`;

function randomVocabulary(next) {
  const tokens = new Set();
  for (let b = 0; b < 256; b++) tokens.add(String.fromCharCode(b));
  const extra = 10 + Math.floor(next() * 80);
  while (tokens.size < 256 + extra) {
    let t = '';
    const len = 2 + Math.floor(next() * 6);
    for (let k = 0; k < len; k++) t += 'abcd'[Math.floor(next() * 4)];
    tokens.add(t);
  }
  const list = [...tokens];
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list.map((t, rank) => [rank, Buffer.from(t, 'latin1')]);
}

function randomPiece(next) {
  const alphabet = next() < 0.5 ? 'ab' : 'abcd';
  const len = 2 + Math.floor(next() * (next() < 0.5 ? 60 : 600));
  let s = '';
  for (let k = 0; k < len; k++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

describe('random vocabularies', () => {
  it('match tiktoken on short and long pieces', () => {
    const next = rng(0x7a11);
    const failures = [];
    let pieces = 0;
    for (let v = 0; v < 40 && failures.length < 3; v++) {
      const ranks = tiktokenText(randomVocabulary(next));
      const ours = new Encoding({ name: `random_${v}`, pattern: PATTERN, ranks });
      const ref = referenceFor(ranks, {}, PATTERN);
      for (let p = 0; p < 40; p++) {
        const text = randomPiece(next);
        pieces++;
        const a = [...ours.encode(text)];
        const b = [...ref.encode(text)];
        if (a.join() !== b.join()) failures.push({ vocabulary: v, text, ours: a.slice(0, 20), tiktoken: b.slice(0, 20) });
      }
    }
    expect(pieces).toBeGreaterThan(1500);
    expect(failures).toEqual([]);
  });
});
