// Peak memory of the long-piece merge: at most 8 bytes per byte of the piece on every worst case,
// from the core's count of the bytes the long merges hold at once (longMergePeak, native addon).
// By default the worst cases that repeat a short unit take the run and periodic merges, which
// hold no state per byte; TURBOTOKEN_BPE=long's strategy puts every piece through the tree merge,
// whose state is 5 bytes per byte of its window (the rank passes it replaced held 14-32). Pieces
// of 256 KiB are one window: there bytes per input byte are bytes per byte of the window.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';
import { WORST_CASES, repeatToBytes } from '../support/worst-cases.mjs';

const { native } = createRequire(import.meta.url)('../../dist/cjs/native.js');
const LIMIT = 8;

function randomLetters(n) {
  let x = 12345;
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = 97 + ((x >>> 16) % 26);
  }
  return b.toString('latin1');
}

const CASES = { ...WORST_CASES, 'invalid UTF-8 (as U+FFFD)': '\ufffd' };

/** Bytes per input byte the long merges held at their peak while encoding text. */
function peakPerByte(enc, text) {
  native.longMergePeak();
  enc.encodeOrdinary(text);
  return native.longMergePeak() / Buffer.byteLength(text);
}

describe('long-piece merge memory', () => {
  afterAll(() => native.setMergeStrategy('auto'));

  for (const name of ['cl100k_base', 'o200k_base']) {
    it(`${name}: at most ${LIMIT} bytes per byte on 1 MB worst cases and random letters`, () => {
      native.setMergeStrategy('auto');
      const enc = getEncoding(name);
      const perByte = {};
      for (const [label, unit] of Object.entries(CASES)) perByte[label] = peakPerByte(enc, repeatToBytes(unit, 1 << 20));
      perByte['random letters'] = peakPerByte(enc, randomLetters(1 << 20));
      expect(perByte['random letters']).toBeGreaterThan(0);  // the count sees the tree merge
      expect(Object.entries(perByte).filter(([, b]) => b > LIMIT)).toEqual([]);
    });

    it(`${name}: at most ${LIMIT} bytes per byte of one window, every worst case through the tree merge`, () => {
      native.setMergeStrategy('long');
      try {
        const enc = getEncoding(name);
        const perByte = {};
        for (const [label, unit] of Object.entries(CASES)) perByte[label] = peakPerByte(enc, repeatToBytes(unit, 256 << 10));
        perByte['random letters'] = peakPerByte(enc, randomLetters(256 << 10));
        expect(perByte['one letter']).toBeGreaterThan(4);  // one piece of 256 KiB: the whole window counted
        expect(Object.entries(perByte).filter(([, b]) => b > LIMIT)).toEqual([]);
      } finally {
        native.setMergeStrategy('auto');
      }
    });
  }
});
