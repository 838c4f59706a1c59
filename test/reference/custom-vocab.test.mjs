// new Encoding({ name, pattern, ranks, specialTokens }) against tiktoken's Tiktoken constructor
// given the same ranks, special tokens and pattern: the shipped patterns must run on the native
// scanners, any other pattern on the RegExp path, both with the reference's ids.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, TurbotokenError } from '../../index.mjs';
import { comparisonTexts, PATTERNS, rankEntries, referenceFor, tiktokenText } from '../support/custom-vocab.mjs';
import { thrownBy } from '../support/thrown.mjs';

const texts = comparisonTexts();
const cl100k = rankEntries('cl100k_base');
const cl100kText = tiktokenText(cl100k);
const SPECIALS = { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|endofprompt|>': 100276 };

function expectSameAsReference(encoding, reference, list = texts) {
  let mismatches = 0;
  let first;
  for (const text of list) {
    const ours = [...encoding.encode(text, { allowedSpecial: 'all' })];
    const ref = [...reference.encode(text, 'all')];
    const ordinary = [...encoding.encodeOrdinary(text)];
    const refOrdinary = [...reference.encode_ordinary(text)];
    if (JSON.stringify(ours) !== JSON.stringify(ref) || JSON.stringify(ordinary) !== JSON.stringify(refOrdinary)) {
      mismatches++;
      first ??= { text, ours: ours.slice(0, 30), ref: ref.slice(0, 30) };
    }
    expect(encoding.count(text, { allowedSpecial: 'all' })).toBe(ours.length);
  }
  expect(first).toBeUndefined();
  expect(mismatches).toBe(0);
}

describe('a vocabulary of your own', () => {
  const cases = [
    ['gpt2', 'r50k_base', { '<|endoftext|>': 50256 }],
    ['cl100k', 'cl100k_base', SPECIALS],
    ['o200k', 'o200k_base', { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 }],
  ];
  for (const [family, shipped, specials] of cases) {
    it(`runs the ${family} pattern on the native scanner, with tiktoken's ids`, () => {
      const ranks = family === 'cl100k' ? cl100kText : tiktokenText(rankEntries(shipped));
      const encoding = new Encoding({ name: `my_${family}`, pattern: PATTERNS[family], ranks, specialTokens: specials });
      expect(encoding.patternKind).toBe(family);
      expect(encoding.name).toBe(`my_${family}`);
      expectSameAsReference(encoding, referenceFor(ranks, specials, PATTERNS[family]), texts.slice(0, 120));
    });
  }

  for (const key of ['words', 'qwen2', 'gpt2Changed', 'cl100kPossessive', 'lettersOnly']) {
    it(`runs the pattern ${key} through RegExp, with tiktoken's ids`, () => {
      const encoding = new Encoding({ name: key, pattern: PATTERNS[key], ranks: cl100kText, specialTokens: SPECIALS });
      expect(encoding.patternKind).toBe('regexp');
      expectSameAsReference(encoding, referenceFor(cl100kText, SPECIALS, PATTERNS[key]));
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
    // Drop every 7th multi-byte token: ranks keep their values, so they have gaps, as tiktoken allows.
    const gapped = cl100k.filter(([r, bytes]) => bytes.length === 1 || r % 7 !== 3);
    const ranks = tiktokenText(gapped);
    for (const pattern of [PATTERNS.cl100k, PATTERNS.qwen2]) {
      const encoding = new Encoding({ name: 'gapped', pattern, ranks, specialTokens: SPECIALS });
      expectSameAsReference(encoding, referenceFor(ranks, SPECIALS, pattern), texts.slice(0, 60));
      for (const [r, bytes] of gapped.slice(0, 3000)) expect(encoding.tokenBytes(r)).toEqual(new Uint8Array(bytes));
      expect(() => encoding.tokenBytes(cl100k.find(([r, b]) => b.length > 1 && r % 7 === 3)[0])).toThrow(RangeError);
      const all = Uint32Array.from(gapped, ([r]) => r);
      expect(encoding.decodeBytes(all).length).toBe(gapped.reduce((n, [, b]) => n + b.length, 0));
    }
  });

  it('fails cleanly, not with a crash, when the text needs a byte the vocabulary lacks', async () => {
    const z = 'z'.charCodeAt(0);
    // Without the token "z" alone; "zz" and other tokens holding z stay.
    const ranks = tiktokenText(cl100k.filter(([, bytes]) => !(bytes.length === 1 && bytes[0] === z)));
    for (const pattern of [PATTERNS.cl100k, PATTERNS.words]) {
      const encoding = new Encoding({ name: 'no_z', pattern, ranks });
      expect([...encoding.encode('hello world')]).toEqual([...referenceFor(ranks, {}, pattern).encode('hello world')]);
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
    const ref = referenceFor(cl100kText, SPECIALS, PATTERNS.words);
    const text = 'a <|endoftext|> b<|fim_prefix|>c <|endofprompt|>';
    const error = thrownBy(() => encoding.encode(text));
    expect(error).toBeInstanceOf(TurbotokenError);
    expect(error).toMatchObject({ code: 'ERR_DISALLOWED_SPECIAL_TOKEN', message: expect.stringContaining('<|endoftext|>') });
    expect([...encoding.encode(text, { allowedSpecial: ['<|fim_prefix|>'], disallowedSpecial: [] })]).toEqual([...ref.encode(text, ['<|fim_prefix|>'], [])]);
    expect(() => encoding.encode(text, { allowedSpecial: ['<|endoftext|>'] })).toThrow(/<\|fim_prefix\|>/);
    expect([...encoding.encode(text, { allowedSpecial: 'all' })]).toEqual([...ref.encode(text, 'all')]);
    expect(encoding.decode(encoding.encode(text, { allowedSpecial: 'all' }))).toBe(text);
  });

  // Every shipped special token starts with '<', and the search jumps between '<' bytes; tokens
  // with different first bytes take the byte-by-byte search. Both must find the same tokens.
  it('finds special tokens whose first bytes differ, as tiktoken does', () => {
    const mixed = { '<|endoftext|>': 100257, '[CLS]': 100258, '[SEP]': 100259, '\u00a7end': 100260, '<s>': 100261 };
    const encoding = new Encoding({ name: 'firsts', pattern: PATTERNS.cl100k, ranks: cl100kText, specialTokens: mixed });
    expect(encoding.patternKind).toBe('cl100k');
    const ref = referenceFor(cl100kText, mixed, PATTERNS.cl100k);
    const text = '[CLS] a<s>b [SE [SEP]\u00a7en \u00a7end<|endoftext|>[[CLS]]<<s>'.repeat(40) + ' tail [';
    expect([...encoding.encode(text, { allowedSpecial: 'all' })]).toEqual([...ref.encode(text, 'all')]);
    expect([...encoding.encode(text, { allowedSpecial: ['[SEP]'], disallowedSpecial: [] })]).toEqual([...ref.encode(text, ['[SEP]'], [])]);
    expect(() => encoding.encode('plain [CLS] text')).toThrow(/\[CLS\]/);
    expect(encoding.count('no specials [CL S] here <s')).toBe(ref.encode('no specials [CL S] here <s', 'all').length);
  });

  // A plain object would drop it: assigning "__proto__" sets the prototype instead of a key.
  it('keeps a special token named "__proto__", from a Map or a parsed JSON object', () => {
    const named = JSON.parse('{"__proto__": 100300, "<x>": 100301}');
    const ref = referenceFor(cl100kText, named, PATTERNS.cl100k);
    const text = 'a __proto__<x> __proto__';
    for (const specialTokens of [named, new Map(Object.entries(named))]) {
      const encoding = new Encoding({ name: 'proto', pattern: PATTERNS.cl100k, ranks: cl100kText, specialTokens });
      expect(Object.entries(encoding.specialTokens)).toEqual([['__proto__', 100300], ['<x>', 100301]]);
      expect([...encoding.encode(text, { allowedSpecial: 'all' })]).toEqual([...ref.encode(text, 'all')]);
      expect(encoding.encode(text, { allowedSpecial: 'all' })).toContain(100300);
      expect(encoding.decode([100300])).toBe('__proto__');
      expect(() => encoding.encode(text)).toThrow(expect.objectContaining({ constructor: TurbotokenError, code: 'ERR_DISALLOWED_SPECIAL_TOKEN' }));
    }
  });

  it('encodes Uint8Array input and lone surrogates as the shipped encodings do', () => {
    const encoding = new Encoding({ name: 'b', pattern: PATTERNS.qwen2, ranks: cl100kText });
    const native = new Encoding({ name: 'n', pattern: PATTERNS.cl100k, ranks: cl100kText });
    const bytes = Uint8Array.from([0x68, 0x69, 0xff, 0x20, 0xe2, 0x82, 0x20, 0x21]);
    const ref = referenceFor(cl100kText, {}, PATTERNS.qwen2);
    expect([...encoding.encode(bytes)]).toEqual([...ref.encode(new TextDecoder().decode(bytes))]);
    expect([...encoding.encode('a\ud800b')]).toEqual([...native.encode('a\ud800b')]);
  });

  it('never cuts a RegExp-path text in encodeGenerator; the chunks join to encode()', () => {
    const encoding = new Encoding({ name: 'g', pattern: String.raw`\S{1,3}|\s`, ranks: cl100kText });
    const text = texts.slice(0, 40).join('\n').replaceAll('<|', '<');
    const chunks = [...encoding.encodeGenerator(text)];
    expect(chunks.length).toBe(1);
    expect([...chunks[0]]).toEqual([...encoding.encode(text)]);
    expect([...chunks[0]]).toEqual([...referenceFor(cl100kText, {}, String.raw`\S{1,3}|\s`).encode(text)]);
  });

  it('translates \\s as the reference reads it: U+0085 is whitespace, U+FEFF is not', () => {
    const encoding = new Encoding({ name: 'ws', pattern: String.raw`\s+|\S+`, ranks: cl100kText });
    const ref = referenceFor(cl100kText, {}, String.raw`\s+|\S+`);
    for (const text of ['a\u0085b', 'a\ufeffb', 'x\u00a0\u2028y', '\u180e\u200b']) {
      expect([...encoding.encode(text)]).toEqual([...ref.encode(text)]);
    }
  });

  // Last: tiktoken panics inside its WebAssembly module here, which may leave that module unusable.
  it('matches tiktoken, which also fails when a lone byte is not a token', () => {
    const z = 'z'.charCodeAt(0);
    const ranks = tiktokenText(cl100k.filter(([, bytes]) => !(bytes.length === 1 && bytes[0] === z)));
    expect(() => new Encoding({ name: 'no_z', pattern: PATTERNS.cl100k, ranks }).encode('1\nz\n')).toThrow(TurbotokenError);
    expect(() => referenceFor(ranks, {}, PATTERNS.cl100k).encode('1\nz\n')).toThrow();
  });
});
