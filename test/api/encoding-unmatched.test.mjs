// new Encoding's `unmatched` option: text that no match of the pattern covers is dropped ('drop',
// the default, as the tiktoken package drops it) or is a piece of its own ('keep', as Hugging
// Face's Split "Isolated" keeps it). Checked against the tiktoken package and against encoding
// each piece alone; the choice survives save and load; a bad value is a typed error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Tiktoken } from 'tiktoken/lite';
import { afterAll, describe, expect, it } from 'vitest';
import { Encoding } from '../../index.mjs';

const PATTERN = '\\p{L}+|\\p{N}';
const utf8 = new TextEncoder();
// Every byte, then a few merges of letters, spaces and punctuation.
const tokens = [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), ...['ab', 'ba', 'abab', ', ', '  ', 'é', '😀'].map((t) => utf8.encode(t))];
const ranks = new Map(tokens.map((t, rank) => [t, rank]));
const tiktokenText = tokens.map((t, rank) => `${Buffer.from(t).toString('base64')} ${rank}`).join('\n');

const TEXTS = ['ab, ba  abab 12!', '  leading and trailing  ', ', , ,', 'é😀ab😀', '', 'ab\nba\r\n\tx'];

/** The pieces of a text as Hugging Face's Split "Isolated" makes them: matches and the text between. */
function isolated(text) {
  const pieces = [];
  let at = 0;
  for (const m of text.matchAll(new RegExp(PATTERN, 'gu'))) {
    if (m.index > at) pieces.push(text.slice(at, m.index));
    pieces.push(m[0]);
    at = m.index + m[0].length;
  }
  if (text.length > at) pieces.push(text.slice(at));
  return pieces;
}

describe('new Encoding({ unmatched })', () => {
  const drop = new Encoding({ name: 'drop', pattern: PATTERN, ranks });
  const keep = new Encoding({ name: 'keep', pattern: PATTERN, ranks, unmatched: 'keep' });
  const whole = new Encoding({ name: 'whole', pattern: '(?:.|\\n)+', ranks });
  const dir = mkdtempSync(path.join(tmpdir(), 'unmatched-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("'drop' (the default) gives the tiktoken package's ids", () => {
    const reference = new Tiktoken(tiktokenText, {}, PATTERN);
    try {
      for (const text of TEXTS) expect(Array.from(drop.encode(text))).toEqual(Array.from(reference.encode(text)));
      expect(new Encoding({ name: 'd', pattern: PATTERN, ranks, unmatched: 'drop' }).encode(TEXTS[0])).toEqual(drop.encode(TEXTS[0]));
    } finally {
      reference.free();
    }
  });

  it("'keep' encodes the text between matches as pieces of their own, and round-trips", () => {
    for (const text of TEXTS) {
      const expected = isolated(text).flatMap((piece) => Array.from(whole.encode(piece)));
      expect(Array.from(keep.encode(text))).toEqual(expected);
      expect(keep.decode(keep.encode(text))).toBe(text);
      expect(keep.count(text)).toBe(expected.length);
    }
    expect(keep.encode(TEXTS[0]).length).toBeGreaterThan(drop.encode(TEXTS[0]).length);
  });

  it('save and load keep the choice', () => {
    for (const [enc, file] of [[keep, 'keep.ttk'], [drop, 'drop.ttk']]) {
      enc.save(path.join(dir, file));
      const loaded = Encoding.load(path.join(dir, file));
      for (const text of TEXTS) expect(loaded.encode(text)).toEqual(enc.encode(text));
    }
  });

  it('anything but the two words is ERR_INVALID_ARG_TYPE; an inherited property is not read', () => {
    for (const bad of ['Keep', true, 1, null, {}]) {
      expect(() => new Encoding({ name: 'x', pattern: PATTERN, ranks, unmatched: bad })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
    const inherited = Object.assign(Object.create({ unmatched: 'keep' }), { name: 'x', pattern: PATTERN, ranks });
    expect(new Encoding(inherited).encode(TEXTS[0])).toEqual(drop.encode(TEXTS[0]));
  });
});
