// The lazy DFA's skip over text where no match can start (native/core/regex/lazy_dfa.cpp,
// build_start_bytes): a byte table that passes ASCII that cannot start a match, UTF-8 lead bytes of
// which no code point can, and continuation bytes when U+FFFD cannot start one. Patterns whose
// matches start only at some non-ASCII characters, on texts of mixed scripts with ill-formed UTF-8
// bytes (each read as one U+FFFD), against RegExp on the same text with U+FFFD in their place.
import { describe, expect, it } from 'vitest';
import { rng } from '../support/random-text.mjs';
import { compilePattern, regexpMatches } from '../support/regexp-matches.mjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { findMatches } = require('../../dist/cjs/pattern-matcher.js');
const { translatePattern } = require('../../dist/cjs/pattern.js');

const VALID = [
  'a', 'Z', ' ', '\n', '7', '.', 'é', 'ÿ', 'ß', 'Ж', 'я', '٣', '中', '龥', 'ぁ', 'ア', '〇', '７', '😀', '🙏',
  '𝟘', '\u0301', '\u00a0', '\u3000',
].map((s) => Buffer.from(s, 'utf8'));
// Ill-formed: a lone continuation byte, bytes that never lead, a truncated CJK character, an
// encoded surrogate, an overlong form. Each byte reads as one U+FFFD.
const ILL_FORMED = [[0x80], [0xbf], [0xc0], [0xc1], [0xf5], [0xff], [0xe4, 0xb8], [0xed, 0xa0, 0x80], [0xe0, 0x80, 0x80], [0xf0, 0x9f, 0x98]];

/**
 * A random text of `units` units (3 in 40 ill-formed, adjacent ones may join into a character;
 * 1 in 40 a valid one repeated 60-260 times, so that pieces run past the DFA's 256-byte reach
 * checks in the middle of multi-byte characters).
 */
function randomText(next, units) {
  const bytes = [];
  for (let k = 0; k < units; k++) {
    const pick = next() % 40;
    if (pick === 0) bytes.push(...Array(60 + (next() % 200)).fill(VALID[next() % VALID.length]));
    else bytes.push(pick % 12 === 0 ? Buffer.from(ILL_FORMED[next() % ILL_FORMED.length]) : VALID[next() % VALID.length]);
  }
  return Buffer.concat(bytes);
}

const cont = (b) => b !== undefined && (b & 0xc0) === 0x80;

/**
 * The bytes read as the matchers read them (native/core/regex/utf8_read.h: a well-formed sequence
 * is its code point, anything else one U+FFFD per byte): the string, and for each UTF-8 offset of
 * the string the byte offset it stands for.
 */
function readAsMatchers(bytes) {
  let text = '';
  const at = new Map([[0, 0]]);
  let s = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let cp = 0xfffd;
    let len = 1;
    if (b < 0x80) (cp = b), (len = 1);
    else if (b >= 0xc2 && b <= 0xdf && cont(bytes[i + 1])) (cp = ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f)), (len = 2);
    else if (b >= 0xe0 && b <= 0xef && cont(bytes[i + 1]) && cont(bytes[i + 2])) {
      const c = ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
      if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) (cp = c), (len = 3);
    } else if (b >= 0xf0 && b <= 0xf4 && cont(bytes[i + 1]) && cont(bytes[i + 2]) && cont(bytes[i + 3])) {
      const c = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
      if (c >= 0x10000 && c <= 0x10ffff) (cp = c), (len = 4);
    }
    const ch = String.fromCodePoint(cp);
    text += ch;
    s += Buffer.byteLength(ch, 'utf8');
    i += len;
    at.set(s, i);
  }
  return { text, at };
}

/** RegExp's matches on the bytes read as the matchers read them, as byte offsets. */
function expected(pattern, bytes) {
  const { text, at } = readAsMatchers(bytes);
  return regexpMatches(translatePattern(pattern), text).map((v) => at.get(v));
}

describe('the lazy DFA skips where no match can start', () => {
  const patterns = [
    '\\p{N}{1,3}', // DeepSeek-V3's first step: U+FFFD cannot start, continuation bytes skipped
    '[一-龥぀-ゟ゠-ヿ]+', // its second: only some three-byte lead bytes may start
    '[à-ÿ]+|ß', // two-byte lead bytes C3 only
    '[😀-🙏]+', // four-byte F0 only
    '\\p{Lu}\\p{Ll}*|\\s+(?!\\S)', // many lead bytes, and a lookahead
    '[^a-z\\s]+', // U+FFFD can start: the skip stops at every byte from 0x80
  ];
  for (const pattern of patterns) {
    it(pattern, () => {
      const random = rng(pattern.length * 7919 + 1);
      const next = () => Math.floor(random() * 2 ** 32);
      compilePattern(pattern);
      let pieces = 0;
      for (let t = 0; t < 40; t++) {
        const bytes = randomText(next, 50 + (next() % 400));
        const ours = [...findMatches(compilePattern(pattern), bytes)];
        const theirs = expected(pattern, bytes);
        if (ours.join() !== theirs.join()) expect({ pattern, bytes: bytes.toString('hex'), ours, theirs }).toBeUndefined();
        pieces += ours.length / 2;
      }
      // Each pattern matches somewhere: the comparison is not of two empty lists.
      expect(pieces).toBeGreaterThan(40);
    });
  }
});
