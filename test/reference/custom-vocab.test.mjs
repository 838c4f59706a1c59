// new Encoding({ name, pattern, ranks, specialTokens }) against tiktoken's Tiktoken constructor
// given the same ranks, special tokens and pattern: the shipped patterns must run on the native
// scanners, any other pattern on the RegExp path, both with the reference's ids. tiktoken's
// answers come from committed digests (test/support/custom-vocab-cases.mjs lists the cases);
// a case without one, or with an answer other than the digest's, runs tiktoken itself.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, TurbotokenError } from '../../index.mjs';
import { PATTERNS } from '../support/custom-vocab.mjs';
import {
  BYTES, FAMILIES, FIRSTS_PLAIN, FIRSTS_TEXT, GENERATOR_PATTERN, MIXED_SPECIALS, PROTO_SPECIALS, PROTO_TEXT, REGEXP_KEYS, SP_TEXT,
  SPECIALS, WHITESPACE_PATTERN, WHITESPACE_TEXTS, generatorText, gappedEntries, shippedEntries, vocabReference, vocabTexts, vocabText,
} from '../support/custom-vocab-cases.mjs';
import { THREW, outcome } from '../support/answer-digests.mjs';
import { thrownBy } from '../support/thrown.mjs';

const texts = vocabTexts();
const cl100k = shippedEntries('cl100k_base');
const cl100kText = vocabText('cl100k_base');

function expectSameAsReference(encoding, reference, list = texts) {
  let mismatches = 0;
  let first;
  for (const text of list) {
    const ours = encoding.encode(text, { allowedSpecial: 'all' });
    const mismatch = reference.mismatch('all', text, ours) ?? reference.mismatch('ordinary', text, encoding.encodeOrdinary(text));
    if (mismatch) {
      mismatches++;
      first ??= { text, mismatch };
    }
    expect(encoding.count(text, { allowedSpecial: 'all' })).toBe(ours.length);
  }
  expect(first).toBeUndefined();
  expect(mismatches).toBe(0);
}

describe('a vocabulary of your own', () => {
  for (const [family, shipped, specials] of FAMILIES) {
    it(`runs the ${family} pattern on the native scanner, with tiktoken's ids`, () => {
      const encoding = new Encoding({ name: `my_${family}`, pattern: PATTERNS[family], ranks: vocabText(shipped), specialTokens: specials });
      expect(encoding.patternKind).toBe(family);
      expect(encoding.name).toBe(`my_${family}`);
      expectSameAsReference(encoding, vocabReference(shipped, specials, PATTERNS[family]), texts.slice(0, 120));
    });
  }

  for (const key of REGEXP_KEYS) {
    it(`runs the pattern ${key} through RegExp, with tiktoken's ids`, () => {
      const encoding = new Encoding({ name: key, pattern: PATTERNS[key], ranks: cl100kText, specialTokens: SPECIALS });
      expect(encoding.patternKind).toBe('regexp');
      expectSameAsReference(encoding, vocabReference('cl100k_base', SPECIALS, PATTERNS[key]));
    });
  }

  it('offers async, batch and streaming calls on every path, equal to encode()', async () => {
    const list = texts.slice(0, 30).map((t) => t.replaceAll('<|', '<'));
    for (const pattern of [PATTERNS.cl100k, PATTERNS.qwen2]) {
      const encoding = new Encoding({ name: 'calls', pattern, ranks: cl100kText, specialTokens: SPECIALS });
      const expected = list.map((t) => [...encoding.encode(t)]);
      const batch = encoding.encodeBatch(list, { threads: 2 });
      list.forEach((_, k) => expect([...batch.tokens.subarray(batch.offsets[k], batch.offsets[k + 1])]).toEqual(expected[k]));
      expect([...encoding.countBatch(list)]).toEqual(expected.map((ids) => ids.length));
      expect([...(await encoding.encodeAsync(list[3]))]).toEqual(expected[3]);
      expect(await encoding.countAsync(list[4])).toBe(expected[4].length);
      expect(await encoding.decodeAsync(expected[5])).toBe(encoding.decode(expected[5]));
      const whole = list.join('\n');
      expect([...encoding.encodeGenerator(whole)].flatMap((c) => [...c])).toEqual([...encoding.encode(whole)]);
    }
  });

  it('reads ranks from a path, a Uint8Array, text or a Map, all alike', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-vocab-'));
    const file = path.join(dir, 'cl100k.tiktoken');
    writeFileSync(file, cl100kText);
    const map = new Map(cl100k.map(([r, bytes]) => [bytes, r]));
    const sources = [file, Buffer.from(cl100kText), cl100kText, map];
    const sample = texts.slice(0, 20).join(' ');
    const results = sources.map((ranks) => [...new Encoding({ name: 'x', pattern: PATTERNS.cl100k, ranks }).encodeOrdinary(sample)]);
    for (const ids of results) expect(ids).toEqual(results[0]);
    expect(results[0].length).toBeGreaterThan(100);
  });

  it('allows gaps in the ranks and decodes every id', () => {
    // Every 7th multi-byte token dropped: ranks keep their values, so they have gaps, as tiktoken allows.
    const gapped = gappedEntries();
    const ranks = vocabText('gapped');
    for (const pattern of [PATTERNS.cl100k, PATTERNS.qwen2]) {
      const encoding = new Encoding({ name: 'gapped', pattern, ranks, specialTokens: SPECIALS });
      expectSameAsReference(encoding, vocabReference('gapped', SPECIALS, pattern), texts.slice(0, 60));
      for (const [r, bytes] of gapped.slice(0, 3000)) expect(encoding.tokenBytes(r)).toEqual(new Uint8Array(bytes));
      expect(() => encoding.tokenBytes(cl100k.find(([r, b]) => b.length > 1 && r % 7 === 3)[0])).toThrow(RangeError);
      const all = Uint32Array.from(gapped, ([r]) => r);
      expect(encoding.decodeBytes(all).length).toBe(gapped.reduce((n, [, b]) => n + b.length, 0));
    }
  });

  it('fails cleanly, not with a crash, when the text needs a byte the vocabulary lacks', async () => {
    // Without the token "z" alone; "zz" and other tokens holding z stay.
    const ranks = vocabText('no_z');
    for (const pattern of [PATTERNS.cl100k, PATTERNS.words]) {
      const encoding = new Encoding({ name: 'no_z', pattern, ranks });
      expect(vocabReference('no_z', {}, pattern).mismatch('plain', 'hello world', encoding.encode('hello world'))).toBeNull();
      // "z" alone is a piece under both patterns, and no merge covers a lone byte.
      for (const call of [() => encoding.encode('1\nz\n'), () => encoding.count('1\nz\n'), () => encoding.encodeOrdinary('ok\nz')]) {
        let error;
        try { call(); } catch (e) { error = e; }
        expect(error).toBeInstanceOf(TurbotokenError);
        expect(error.code).toBe('ERR_BYTE_NOT_IN_VOCABULARY');
      }
      await expect(encoding.encodeAsync('\nz')).rejects.toMatchObject({ code: 'ERR_BYTE_NOT_IN_VOCABULARY' });
      expect(() => encoding.encodeBatch(['ok', '\nz'])).toThrow(/not a token of this vocabulary/);
      // A byte that a merge covers is fine: "zz" is a token of cl100k.
      expect(encoding.encode('zz').length).toBe(1);
    }
  });

  it('handles special tokens as the shipped encodings do on the RegExp path', () => {
    const encoding = new Encoding({ name: 'sp', pattern: PATTERNS.words, ranks: cl100kText, specialTokens: SPECIALS });
    const ref = vocabReference('cl100k_base', SPECIALS, PATTERNS.words);
    const text = SP_TEXT;
    const error = thrownBy(() => encoding.encode(text));
    expect(error).toBeInstanceOf(TurbotokenError);
    expect(error).toMatchObject({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN', message: expect.stringContaining('<|endoftext|>') });
    expect(ref.mismatch({ allowed: ['<|fim_prefix|>'], disallowed: [] }, text, encoding.encode(text, { allowedSpecial: ['<|fim_prefix|>'], disallowedSpecial: [] }))).toBeNull();
    expect(() => encoding.encode(text, { allowedSpecial: ['<|endoftext|>'] })).toThrow(/<\|fim_prefix\|>/);
    expect(ref.mismatch('all', text, encoding.encode(text, { allowedSpecial: 'all' }))).toBeNull();
    expect(encoding.decode(encoding.encode(text, { allowedSpecial: 'all' }))).toBe(text);
  });

  // Every shipped special token starts with '<', and the search jumps between '<' bytes; tokens
  // with different first bytes take the byte-by-byte search. Both must find the same tokens.
  it('finds special tokens whose first bytes differ, as tiktoken does', () => {
    const encoding = new Encoding({ name: 'firsts', pattern: PATTERNS.cl100k, ranks: cl100kText, specialTokens: MIXED_SPECIALS });
    expect(encoding.patternKind).toBe('cl100k');
    const ref = vocabReference('cl100k_base', MIXED_SPECIALS, PATTERNS.cl100k);
    const text = FIRSTS_TEXT;
    expect(ref.mismatch('all', text, encoding.encode(text, { allowedSpecial: 'all' }))).toBeNull();
    expect(ref.mismatch({ allowed: ['[SEP]'], disallowed: [] }, text, encoding.encode(text, { allowedSpecial: ['[SEP]'], disallowedSpecial: [] }))).toBeNull();
    expect(() => encoding.encode('plain [CLS] text')).toThrow(/\[CLS\]/);
    // No special token in the text: the default call's ids are those of encode(text, 'all').
    const plain = encoding.encode(FIRSTS_PLAIN);
    expect(ref.mismatch('all', FIRSTS_PLAIN, plain)).toBeNull();
    expect(encoding.count(FIRSTS_PLAIN)).toBe(plain.length);
  });

  // A plain object would drop it: assigning "__proto__" sets the prototype instead of a key.
  it('keeps a special token named "__proto__", from a Map or a parsed JSON object', () => {
    const named = PROTO_SPECIALS;
    const ref = vocabReference('cl100k_base', named, PATTERNS.cl100k);
    const text = PROTO_TEXT;
    for (const specialTokens of [named, new Map(Object.entries(named))]) {
      const encoding = new Encoding({ name: 'proto', pattern: PATTERNS.cl100k, ranks: cl100kText, specialTokens });
      expect(Object.entries(encoding.specialTokens)).toEqual([['__proto__', 100300], ['<x>', 100301]]);
      expect(ref.mismatch('all', text, encoding.encode(text, { allowedSpecial: 'all' }))).toBeNull();
      expect(encoding.encode(text, { allowedSpecial: 'all' })).toContain(100300);
      expect(encoding.decode([100300])).toBe('__proto__');
      expect(() => encoding.encode(text)).toThrow(expect.objectContaining({ constructor: TurbotokenError, code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    }
  });

  it('encodes Uint8Array input and lone surrogates as the shipped encodings do', () => {
    const encoding = new Encoding({ name: 'b', pattern: PATTERNS.qwen2, ranks: cl100kText });
    const native = new Encoding({ name: 'n', pattern: PATTERNS.cl100k, ranks: cl100kText });
    const ref = vocabReference('cl100k_base', {}, PATTERNS.qwen2);
    expect(ref.mismatch('plain', new TextDecoder().decode(BYTES), encoding.encode(BYTES))).toBeNull();
    expect([...encoding.encode('a\ud800b')]).toEqual([...native.encode('a\ud800b')]);
  });

  it('never cuts a RegExp-path text in encodeGenerator; the chunks join to encode()', () => {
    const encoding = new Encoding({ name: 'g', pattern: GENERATOR_PATTERN, ranks: cl100kText });
    const text = generatorText();
    const chunks = [...encoding.encodeGenerator(text)];
    expect(chunks.length).toBe(1);
    expect([...chunks[0]]).toEqual([...encoding.encode(text)]);
    expect(vocabReference('cl100k_base', {}, GENERATOR_PATTERN).mismatch('plain', text, chunks[0])).toBeNull();
  });

  it('translates \\s as the reference reads it: U+0085 is whitespace, U+FEFF is not', () => {
    const encoding = new Encoding({ name: 'ws', pattern: WHITESPACE_PATTERN, ranks: cl100kText });
    const ref = vocabReference('cl100k_base', {}, WHITESPACE_PATTERN);
    for (const text of WHITESPACE_TEXTS) {
      expect(ref.mismatch('plain', text, encoding.encode(text))).toBeNull();
    }
  });

  // Last: tiktoken panics inside its WebAssembly module here, which may leave that module unusable
  // (when its answer is not in the book and it runs).
  it('matches tiktoken, which also fails when a lone byte is not a token', () => {
    const encoding = new Encoding({ name: 'no_z', pattern: PATTERNS.cl100k, ranks: vocabText('no_z') });
    expect(() => encoding.encode('1\nz\n')).toThrow(TurbotokenError);
    expect(vocabReference('no_z', {}, PATTERNS.cl100k).mismatch('plain', '1\nz\n', outcome(() => encoding.encode('1\nz\n')))).toBeNull();
    expect(outcome(() => encoding.encode('1\nz\n'))).toBe(THREW);
  });
});
