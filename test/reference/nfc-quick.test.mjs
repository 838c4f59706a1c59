// src/nfc-quick.ts: NFC that normalizes only the runs of code points from U+0300 up (with the
// character before each run) must equal String.prototype.normalize('NFC') on every input. Its
// premise, that nothing below U+0300 changes or combines with what follows it alone, is checked on
// every such code point; the boundary is checked to be tight (U+0300 does combine).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { nfc } = require('../../dist/cjs/nfc-quick.js');

function random(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('nfc (quick check)', () => {
  it('the premise: every code point below U+0300 is NFC alone, before a letter and after one; U+0300 is not inert', () => {
    const changed = [];
    for (let cp = 0; cp < 0x300; cp++) {
      const c = String.fromCodePoint(cp);
      for (const s of [c, c + 'a', 'e' + c, c + c]) if (s.normalize('NFC') !== s) changed.push(cp.toString(16));
    }
    expect(changed).toEqual([]);
    expect('e\u0300'.normalize('NFC')).toBe('\u00e8');
  });

  // Planes 0-3 and 14: planes 4-13 are unassigned and 15-16 private use, none with a decomposition
  // or a combining class.
  it('equals normalize on every assigned-plane code point in contexts that compose, reorder and decompose', () => {
    const contexts = [(c) => 'e' + c + '\u0301', (c) => 'x\u0327' + c + '\u0300y', (c) => '\u1100' + c + '\u1161\u11a8', (c) => c + '\u0308\u0323 a'];
    const bad = [];
    for (let cp = 0; cp <= 0xe0fff; cp++) {
      if (cp === 0x40000) cp = 0xe0000;
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      for (const ctx of contexts) {
        const s = ctx(c);
        if (nfc(s) !== s.normalize('NFC')) bad.push(`${cp.toString(16)} in ${JSON.stringify(s)}`);
      }
      if (bad.length > 10) break;
    }
    expect(bad).toEqual([]);
  });

  it('equals normalize on seeded random strings of letters, marks, jamo, decomposables and ASCII', () => {
    const alphabet = ['a', 'e', 'A', ' ', '\n', 'é', 'e\u0301', '\u0301', '\u0327', '\u0323', '\u0308', '\u212b', 'A\u030a', '\u1100', '\u1161', '\u11a8', '\uac00', '中', '\u0958', '\u0915\u093c', '𝅗𝅥', '\u{1d15e}', '\u0344', '\u0f73', 'ÿ', '\u02ff', '\u0300', 'ﬁ', '\u3099', 'か', '\u00c5'];
    const rand = random(23);
    const bad = [];
    for (let n = 0; n < 5000; n++) {
      let s = '';
      const length = 1 + Math.floor(rand() * 24);
      for (let k = 0; k < length; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
      if (nfc(s) !== s.normalize('NFC')) bad.push(JSON.stringify(s));
    }
    expect(bad).toEqual([]);
    const long = 'plain ASCII text '.repeat(1000) + 'Cafe\u0301 ' + '中文'.repeat(100) + ' end';
    expect(nfc(long)).toBe(long.normalize('NFC'));
  });
});
