// The addon's encodeSplit(splitter, text): the core cuts the text with a PatternSplitter and merges
// the pieces in one call, the path of a tokenizer.json's Split pattern (Qwen3), a Sequence of
// Splits (DeepSeek-V3) and new Encoding({ pattern }). It must give exactly what the pieces did
// when they went through JavaScript (split, then encodePieces), for contiguous pieces, pieces with
// gaps (tiktoken drops unmatched text, Removed drops matches) and ill-formed bytes; and it must
// refuse anything that is not a splitter, including another wrapped native object.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getEncoding } from '../../index.mjs';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');
const { packVocabulary } = require('../../dist/cjs/vocab-file.js');
const { compilePattern } = require('../../dist/cjs/pattern-program.js');
const { createSplitter, SplitMode } = require('../../dist/cjs/pattern-matcher.js');

const QWEN2 = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

// r50k_base's ranks under 6000: every byte, and pieces that need merging.
function core() {
  const r50k = getEncoding('r50k_base');
  const entries = [];
  for (let rank = 0; rank < 6000; rank++) entries.push({ bytes: r50k.tokenBytes(rank), rank, where: `rank ${rank}` });
  return new native.NativeEncoding(packVocabulary(entries).blob, 0, ['<|x|>'], [6000]);
}

// What the JavaScript path did: the splitter's [start, end) pairs, the matched bytes packed, then encodePieces.
function throughJs(enc, splitter, bytes) {
  const pairs = [...splitter.split(bytes)];
  const pieces = pairs.filter((_, k) => k % 2 === 0).map((start, k) => Buffer.from(bytes.subarray(start, pairs[2 * k + 1])));
  let end = 0;
  const ends = Uint32Array.from(pieces, (piece) => (end += piece.length));
  return enc.encodePieces(new Uint8Array(Buffer.concat(pieces)), ends);
}

function random(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const ALPHABET = ['a', 'Z', 'é', 'ß', 'Ж', '中', '😀', '٣', '7', ' ', '  ', '\n', '\r\n', '\t', "'s", "'LL", '.', '!?', '-', '\u0301', '\u3000', '\uD800'];

function randomText(rand, length) {
  let text = '';
  for (let k = 0; k < length; k++) text += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return text;
}

const enc = core();
const SPLITTERS = {
  'Isolated (a tokenizer.json Split)': createSplitter([{ program: compilePattern(QWEN2), mode: SplitMode.Isolated }]),
  'matches only (tiktoken drops the rest)': createSplitter([{ program: compilePattern(String.raw`\p{L}+|\p{N}`), mode: SplitMode.Matches }]),
  'Sequence with Removed and Isolated steps': createSplitter([
    { program: compilePattern(String.raw`\s+`), mode: SplitMode.Removed },
    { program: compilePattern(String.raw`\p{N}{1,2}`), mode: SplitMode.Isolated },
    { program: compilePattern(String.raw`[^\p{L}\p{N}]+`), mode: SplitMode.MergedWithNext },
  ]),
};

describe('encodeSplit', () => {
  for (const [name, splitter] of Object.entries(SPLITTERS)) {
    it(`equals split + encodePieces: ${name}`, () => {
      const rand = random(name.length * 7919);
      let mismatches = 0;
      for (let n = 0; n < 300; n++) {
        const text = randomText(rand, 1 + Math.floor(rand() * 60));
        const expected = throughJs(enc, splitter, Buffer.from(text, 'utf8'));
        if (!expected.every((id, k) => id === enc.encodeSplit(splitter, text)[k]) || enc.encodeSplit(splitter, text).length !== expected.length) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  }

  it('reads ill-formed bytes as the string decoder does (U+FFFD), and the empty text', () => {
    const splitter = SPLITTERS['Isolated (a tokenizer.json Split)'];
    const bytes = Uint8Array.of(0x61, 0xff, 0x20, 0xe4, 0xb8, 0x20, 0x62, 0xc3);
    const asText = new TextDecoder().decode(bytes);
    expect([...enc.encodeSplit(splitter, bytes)]).toEqual([...enc.encodeSplit(splitter, asText)]);
    expect([...enc.encodeSplit(splitter, asText)]).toEqual([...throughJs(enc, splitter, Buffer.from(asText))]);
    expect(enc.encodeSplit(splitter, '').length).toBe(0);
  });

  // Strings of 65,536 units and more are converted by the core's transcoder, not V8's writer.
  it('equals split + encodePieces on a long two-byte string with lone surrogates', () => {
    const splitter = SPLITTERS['Isolated (a tokenizer.json Split)'];
    const text = randomText(random(5), 60_000);
    expect(text.length).toBeGreaterThan(65_536);
    const ids = enc.encodeSplit(splitter, text);
    expect(ids.length).toBeGreaterThan(10_000);
    expect([...ids]).toEqual([...throughJs(enc, splitter, Buffer.from(text, 'utf8'))]);
  });

  it('refuses what is not a PatternSplitter, including another wrapped object, with a code', () => {
    const text = 'some text';
    const fake = Object.create(native.PatternSplitter.prototype);
    const otherWrap = core();
    Object.setPrototypeOf(otherWrap, native.PatternSplitter.prototype);
    for (const bad of [undefined, null, 1, 'x', {}, fake, otherWrap, new Uint32Array(4)]) {
      expect(() => enc.encodeSplit(bad, text)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
    for (const badText of [undefined, 1, {}, new Uint16Array(2)]) {
      expect(() => enc.encodeSplit(SPLITTERS['Isolated (a tokenizer.json Split)'], badText)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
  });
});
