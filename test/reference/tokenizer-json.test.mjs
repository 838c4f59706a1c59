// Encoding.fromTokenizerJson against the Hugging Face `tokenizers` package (its Rust core through
// napi) on tokenizer.json files converted from the shipped vocabularies by
// scripts/tiktoken-to-tokenizer-json.mjs, on a GPT-2-style file, and on the documented differences.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { byteLevelAlphabet, tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { comparisonTexts, PATTERNS } from '../support/custom-vocab.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

// A byte-level tokenizer.json: the 256 byte tokens, then `extra` (token -> id), and `merges`.
function byteLevelJson(extra, merges, ignoreMerges = false) {
  const vocab = {};
  byteLevelAlphabet().forEach((ch, b) => { vocab[ch] = b; });
  Object.assign(vocab, extra);
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, post_processor: null, decoder: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', vocab, merges, ignore_merges: ignoreMerges },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-hf-'));
// Special-token text is left out of most texts: Hugging Face renumbers added tokens whose ids leave
// a gap (see the test below), and these files' special ids come after one.
const texts = comparisonTexts(250, 23).map((t) => t.replaceAll('<|', '<'));

function write(name, json) {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(json));
  return file;
}

async function hfIds(tokenizer, text) {
  return (await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds();
}

async function expectSameAsHuggingFace(encoding, tokenizer, list = texts, options = {}) {
  let mismatches = 0;
  let first;
  for (const text of list) {
    const ours = [...encoding.encode(text, options)];
    const theirs = await hfIds(tokenizer, text);
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      mismatches++;
      first ??= { text, ours: ours.slice(0, 30), theirs: theirs.slice(0, 30) };
    }
  }
  expect(first).toBeUndefined();
  expect(mismatches).toBe(0);
}

describe('Encoding.fromTokenizerJson', () => {
  it('reads a GPT-2 ByteLevel tokenizer.json (r50k_base) on the native gpt2 scanner, as tokenizers does', async () => {
    const file = write('r50k.json', tokenizerJsonFor(getEncoding('r50k_base')));
    const encoding = Encoding.fromTokenizerJson(file);
    expect(encoding.patternKind).toBe('gpt2');
    expect(encoding.specialTokens).toEqual({ '<|endoftext|>': 50256 });
    expect(encoding.name).toBe('r50k');
    expect(Encoding.fromTokenizerJson(file, { name: 'gpt2-copy' }).name).toBe('gpt2-copy');
    await expectSameAsHuggingFace(encoding, Tokenizer.fromFile(file));
    // Added tokens are special tokens: with them allowed, the ids are Hugging Face's.
    const withSpecial = 'a<|endoftext|>b <|endoftext|>';
    expect([...encoding.encode(withSpecial, { allowedSpecial: 'all' })]).toEqual(await hfIds(Tokenizer.fromFile(file), withSpecial));
  });

  it('reads a Split + ByteLevel tokenizer.json (cl100k_base, Llama 3 style) on the native cl100k scanner', async () => {
    const json = tokenizerJsonFor(getEncoding('cl100k_base'));
    const file = write('cl100k.json', json);
    const encoding = Encoding.fromTokenizerJson(file);
    expect(encoding.patternKind).toBe('cl100k');
    await expectSameAsHuggingFace(encoding, Tokenizer.fromFile(file));
    const shipped = getEncoding('cl100k_base');
    for (const text of texts.slice(0, 50)) expect([...encoding.encode(text)]).toEqual([...shipped.encode(text)]);
  });

  it('reads a Qwen2-style pattern through RegExp, as tokenizers does', async () => {
    const json = tokenizerJsonFor(getEncoding('cl100k_base'), { pattern: PATTERNS.qwen2 });
    const file = write('qwen2-style.json', json);
    const encoding = Encoding.fromTokenizerJson(JSON.stringify(json));
    expect(encoding.patternKind).toBe('regexp');
    await expectSameAsHuggingFace(encoding, Tokenizer.fromFile(file));
  });

  it('keeps the ids of added tokens from the file, where tokenizers renumbers those after a gap', async () => {
    const json = tokenizerJsonFor(getEncoding('cl100k_base'));
    const file = write('cl100k-specials.json', json);
    const encoding = Encoding.fromTokenizerJson(json);
    const hf = Tokenizer.fromFile(file);
    // cl100k_base has no id 100256: the file says 100257 for <|endoftext|>, tokenizers uses 100256.
    expect(encoding.specialTokens['<|endoftext|>']).toBe(100257);
    expect(hf.tokenToId('<|endoftext|>')).toBe(100256);
    // Files without such a gap agree (r50k_base above); here they agree on everything else.
    const text = 'x <|fim_prefix|> y';
    const ours = [...encoding.encode(text, { allowedSpecial: 'all' })];
    const theirs = await hfIds(hf, text);
    expect(ours.filter((id) => id < 100256)).toEqual(theirs.filter((id) => id < 100256));
  });

  describe('a GPT-2-style file (string merges, ignore_merges false, <|endoftext|> in the vocabulary too)', () => {
    const base = getEncoding('r50k_base');
    const json = tokenizerJsonFor(base, { maxRank: 4000, stringMerges: true, ignoreMerges: false });
    const alphabet = byteLevelAlphabet();
    json.model.vocab['<|endoftext|>'] = 4000;
    json.added_tokens = [{ id: 4000, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }];
    const file = write('gpt2-style.json', json);
    const hf = Tokenizer.fromFile(file);
    const encoding = Encoding.fromTokenizerJson(file);

    it('has the same ids as tokenizers', async () => {
      expect(typeof json.model.merges[0]).toBe('string');
      expect(encoding.specialTokens).toEqual({ '<|endoftext|>': 4000 });
      expect(encoding.nVocab).toBe(4001);
      await expectSameAsHuggingFace(encoding, hf, [...texts, 'a<|endoftext|>b'], { allowedSpecial: 'all' });
    });

    it('reads both forms of the merges list alike', () => {
      const arrays = { ...json, model: { ...json.model, merges: json.model.merges.map((m) => m.split(' ')) } };
      const other = Encoding.fromTokenizerJson(arrays);
      for (const text of texts.slice(0, 40)) expect([...other.encode(text)]).toEqual([...encoding.encode(text)]);
      expect(alphabet.length).toBe(256);
    });

    it('applies an NFC normalizer', async () => {
      const nfc = { ...json, normalizer: { type: 'NFC' } };
      const nfcFile = write('gpt2-nfc.json', nfc);
      const withNfc = Encoding.fromTokenizerJson(nfcFile);
      const list = ['cafe\u0301 Cafe\u0301s', 'A\u030a and \u212b', ...texts.slice(0, 30)];
      await expectSameAsHuggingFace(withNfc, Tokenizer.fromFile(nfcFile), list);
      expect([...withNfc.encode('e\u0301')]).toEqual([...withNfc.encode('\u00e9')]);
      expect([...encoding.encode('e\u0301')]).not.toEqual([...encoding.encode('\u00e9')]);
    });
  });

  it('keeps the text between Split matches as pieces, as tokenizers does (tiktoken would drop it)', async () => {
    const base = tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 6000 });
    const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
    for (const pattern of [{ Regex: String.raw`\p{L}+` }, { String: ', ' }]) {
      const json = { ...base, pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern, behavior: 'Isolated', invert: false }, byteLevel] } };
      const file = write('gaps.json', json);
      const encoding = Encoding.fromTokenizerJson(file);
      expect(encoding.patternKind).toBe('regexp');
      await expectSameAsHuggingFace(encoding, Tokenizer.fromFile(file), [...texts.slice(0, 120), 'one, two, three', '12 ab 34, cd']);
      expect(encoding.decode(encoding.encode('12 ab 34, cd'))).toBe('12 ab 34, cd');
    }
  });

  it('merges in id (rank) order where the merges list orders merges differently, as documented', async () => {
    // "bc" has the lower id, "ab" the earlier merge: tiktoken-style BPE merges "bc" first,
    // Hugging Face's merge-priority BPE "ab".
    const json = byteLevelJson({ bc: 256, ab: 257 }, [['a', 'b'], ['b', 'c']]);
    const encoding = Encoding.fromTokenizerJson(json);
    expect([...encoding.encode('abc')]).toEqual([97, 256]);
    const hf = Tokenizer.fromString(JSON.stringify(json));
    expect(await hfIds(hf, 'abc')).toEqual([257, 99]);
    // Where the orders agree, so do the results.
    expect([...encoding.encode('ab')]).toEqual(await hfIds(hf, 'ab'));
  });

  it('looks a whole piece up first: as tokenizers with ignore_merges, unlike it without', async () => {
    // "abc" is a token that no merge builds (there is no "ab c" merge).
    const make = (ignoreMerges) => byteLevelJson({ ab: 256, abc: 257 }, ['a b'], ignoreMerges);
    for (const ignoreMerges of [true, false]) {
      const encoding = Encoding.fromTokenizerJson(make(ignoreMerges));
      expect([...encoding.encode('abc')]).toEqual([257]);
      expect([...encoding.encode('abd')]).toEqual([256, 100]);
    }
    expect(await hfIds(Tokenizer.fromString(JSON.stringify(make(true))), 'abc')).toEqual([257]);
    expect(await hfIds(Tokenizer.fromString(JSON.stringify(make(false))), 'abc')).toEqual([256, 99]);
  });
});
