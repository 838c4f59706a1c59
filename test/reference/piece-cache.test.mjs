// The per-thread piece cache answers a piece only with what the merge gave for the same bytes:
// thousands of distinct merged pieces (more than the cache's 4096 slots), each coming back several
// times in a shuffled order, so that every way of a set is hit, moved to the front and evicted,
// and pieces of one length and similar bytes share sets. Each result must equal tiktoken's, the
// second and third time (answered from the cache) as well as the first.
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { reference, sameIds, describeMismatch } from '../support/reference.mjs';
import { rng } from '../support/random-text.mjs';

const SYLLABLES = ['get', 'set', 'El', 'ement', 'By', 'Id', 'qu', 'ux', 'Zor', 'vex', 'Pl', 'omb', 'ara', 'Tik',
  'ish', 'Nov', 'elt', 'yr', 'Quo', 'ff', 'Gl', 'ym', 'Wr', 'enth', 'ix', 'Bra', 'ock', 'Ur', 'zy', 'Pha'];
const LEADS = [' ', '.', ' ', '_', ' ', '(', ' '];
const SEPARATORS = ['', ';', '\n', '(', ')', ', ', ' = ', '\n  '];

// Identifiers of 2-6 syllables (most merge into 2-8 tokens, at most 32 bytes), distinct.
function identifiers(random, count) {
  const seen = new Set();
  while (seen.size < count) {
    let word = LEADS[Math.floor(random() * LEADS.length)];
    const parts = 2 + Math.floor(random() * 5);
    for (let i = 0; i < parts; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    seen.add(word);
  }
  return [...seen];
}

function shuffled(random, list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe.each(['cl100k_base', 'o200k_base'])('%s: the piece cache', (name) => {
  it('answers repeated pieces, past its capacity, with the merge result', () => {
    const random = rng(26);
    const words = identifiers(random, 6000);
    const sep = () => SEPARATORS[Math.floor(random() * SEPARATORS.length)];
    // Three rounds: the first merges, the later ones hit, miss after eviction, or hit a later way.
    const text = [0, 1, 2].map(() => shuffled(random, words).map((w) => w + sep()).join('')).join('\n');
    const ours = getEncoding(name);
    const ref = reference(name).encode_ordinary(text);
    // Twice: the second call starts with the cache the first left.
    for (let round = 0; round < 2; round++) {
      const ids = ours.encodeOrdinary(text);
      expect(sameIds(ids, ref) ? '' : describeMismatch(name, ids, ref, text)).toBe('');
    }
    // Each identifier alone, after the text filled the cache: the same ids as the reference's.
    const failures = [];
    for (const word of words.slice(0, 500)) {
      const alone = ours.encodeOrdinary(word);
      const expected = reference(name).encode_ordinary(word);
      if (!sameIds(alone, expected)) failures.push(word);
    }
    expect(failures).toEqual([]);
  });
});

// Pieces of 33-256 bytes have a table of their own (direct-mapped, whole pieces as keys): long
// lowercase words (one piece in both encodings) that share their first 40+ bytes and differ
// after, runs of box-drawing characters (past 128 bytes the tree merge), and runs of 64 emoji
// (256 bytes, more tokens than a slot holds), each several times in a shuffled order, far more
// distinct pieces than slots. The same text in both encodings in turn: a slot names its
// vocabulary.
const LOWER = ['qu', 'ux', 'zor', 'vex', 'plomb', 'ara', 'tik', 'ish', 'nov', 'elt', 'yr', 'quo', 'ff', 'glym',
  'wrenth', 'ix', 'brao', 'ck', 'urzy', 'pha'];
const BOX = ['─', '┼', '├', '┤', '═', '│', '╪', '┬'];
const EMOJI = ['🦀', '🧪', '🪐', '🫧', '🦩', '🧿', '🪗', '🫠', '🦜', '🪸'];

function longPieces(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const seen = new Set();
  const stems = Array.from({ length: 6 }, () => {
    let s = '';
    while (s.length < 40) s += pick(LOWER);
    return s;
  });
  while (seen.size < 300) {
    let w = pick(stems);
    const target = 33 + Math.floor(random() * 220);
    while (w.length < target) w += pick(LOWER);
    seen.add(' ' + w);
  }
  while (seen.size < 450) {
    let s = ' ';
    const target = 12 + Math.floor(random() * 72);
    while (s.length < target) s += pick(BOX).repeat(1 + Math.floor(random() * 8));
    seen.add(s);
  }
  while (seen.size < 500) {
    let s = ' ';
    for (let i = 0; i < 64; i++) s += pick(EMOJI);
    seen.add(s.slice(1));
  }
  return [...seen];
}

describe('the piece cache for 33-256-byte pieces', () => {
  it('answers repeated long pieces with the merge result, in each encoding in turn', () => {
    const random = rng(2026);
    const pieces = longPieces(random);
    const text = [0, 1, 2].map(() => shuffled(random, pieces).map((p) => p + (random() < 0.5 ? 'x1\n' : '\n')).join('')).join('');
    const names = ['cl100k_base', 'o200k_base'];
    const refs = Object.fromEntries(names.map((n) => [n, reference(n).encode_ordinary(text)]));
    for (let round = 0; round < 2; round++) {
      for (const name of names) {
        const ids = getEncoding(name).encodeOrdinary(text);
        expect(sameIds(ids, refs[name]) ? '' : describeMismatch(name, ids, refs[name], text)).toBe('');
        expect(getEncoding(name).count(text)).toBe(refs[name].length);
      }
    }
    const failures = [];
    for (const name of names) {
      for (const piece of pieces.slice(0, 200)) {
        if (!sameIds(getEncoding(name).encodeOrdinary(piece), reference(name).encode_ordinary(piece))) failures.push([name, piece]);
      }
    }
    expect(failures).toEqual([]);
  });
});
