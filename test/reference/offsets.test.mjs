// encodeWithOffsets: the ids of encode() plus where each token starts. The definition tested here
// (docs/api.md): byteOffsets[k] is the index in the text's UTF-8 (for bytes: after U+FFFD repair)
// of token k's first byte; offsets[k] is the UTF-16 index of the character that contains that
// byte, so a token starting inside a multi-byte character gets that character's index.
import { describe, expect, it } from 'vitest';
import { TurbotokenError, getEncoding } from '../../index.mjs';
import { ENCODINGS } from '../support/reference.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// For the string the tokens were made from: UTF-8 bytes and, per byte, the UTF-16 index of the
// character holding it. Written independently of the core, from the definition.
function byteToUnit(text) {
  const string = typeof text === 'string' ? text : decoder.decode(text);
  const units = [];
  let unit = 0;
  for (const ch of string) {
    // A lone surrogate is written as U+FFFD, 3 bytes, one UTF-16 unit: as encode() reads it.
    const cp = ch.codePointAt(0);
    const bytes = cp >= 0xd800 && cp <= 0xdfff ? 3 : Buffer.byteLength(ch);
    for (let b = 0; b < bytes; b++) units.push(unit);
    unit += ch.length;
  }
  return { string, utf8: Buffer.from(string.toWellFormed ? string.toWellFormed() : string, 'utf8'), units };
}

function check(enc, text, options) {
  const result = enc.encodeWithOffsets(text, options);
  const { tokens, offsets, byteOffsets } = result;
  expect([...tokens]).toEqual([...enc.encode(text, options)]);
  expect(offsets.length).toBe(tokens.length);
  expect(byteOffsets.length).toBe(tokens.length);
  const { utf8, units } = byteToUnit(text);
  // Tokens laid end to end from byteOffsets reproduce the text's bytes.
  let at = 0;
  for (let k = 0; k < tokens.length; k++) {
    expect(byteOffsets[k]).toBe(at);
    const bytes = enc.tokenBytes(tokens[k]);
    expect(Buffer.from(bytes).equals(utf8.subarray(at, at + bytes.length))).toBe(true);
    expect(offsets[k]).toBe(units[at]);
    at += bytes.length;
  }
  expect(at).toBe(utf8.length);
  return result;
}

describe.each(ENCODINGS)('encodeWithOffsets on %s', (name) => {
  const enc = getEncoding(name);

  it('follows the definition on random text, bytes and paragraphs', () => {
    const next = rng(0x0ff5 + name.length);
    const list = [...PARAGRAPHS.slice(0, 5), ''];
    for (let i = 0; i < 80; i++) list.push(i % 4 === 0 ? Buffer.from(randomText(next, 20)) : randomText(next, 1 + Math.floor(next() * 50)));
    for (const text of list) {
      check(enc, text, { allowedSpecial: 'all' });
      check(enc, text, { disallowedSpecial: [] });
    }
  });

  it('gives a token inside a character the index of that character', () => {
    // Tokens of byte-level BPE often start inside a character: rare CJK, emoji, Gothic.
    const text = 'a 𐌰𐌱𐌲 😀🙈 \u{2a6d6}\u{2a6d7} ꦗꦮ';
    const { tokens, offsets, byteOffsets } = check(enc, text);
    const { utf8 } = byteToUnit(text);
    const inside = [...byteOffsets].filter((b) => (utf8[b] & 0xc0) === 0x80).length;
    expect(inside).toBeGreaterThan(0);
    for (let k = 0; k < tokens.length; k++) {
      const cp = text.codePointAt(offsets[k]);
      expect(cp >= 0xdc00 && cp <= 0xdfff).toBe(false); // never points at a low surrogate
    }
  });

  it('counts a surrogate pair as two units and a lone surrogate as one (U+FFFD)', () => {
    const text = 'x\ud800y\udc00 z 😀\ud83d😀 end\udfff';
    const { offsets, tokens } = check(enc, text);
    expect(offsets[offsets.length - 1]).toBeLessThan(text.length);
    expect(enc.decode(tokens)).toBe(text.toWellFormed ? text.toWellFormed() : text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  });

  it('reads invalid bytes as encode does: after repair', () => {
    const bytes = Buffer.from([0x61, 0xff, 0x20, 0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xc0, 0x80]);
    check(enc, bytes);
  });

  it('places special tokens and rejects disallowed ones', () => {
    const special = Object.keys(enc.specialTokens)[0];
    const text = `é${special}ü 😀${special}`;
    const { tokens, offsets, byteOffsets } = check(enc, text, { allowedSpecial: 'all' });
    const k = tokens.indexOf(enc.specialTokens[special]);
    expect(offsets[k]).toBe(1);
    expect(byteOffsets[k]).toBe(2);
    expect(() => enc.encodeWithOffsets(text)).toThrow(TurbotokenError);
    expect(() => enc.encodeWithOffsets(5)).toThrow(TypeError);
  });
});
