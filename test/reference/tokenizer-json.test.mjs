// Encoding.fromTokenizerJson against the Hugging Face `tokenizers` package (its Rust core through
// napi) on tokenizer.json files converted from the shipped vocabularies by
// scripts/tiktoken-to-tokenizer-json.mjs, on a GPT-2-style file, and on the documented differences.
// Hugging Face's answers on the converted files come from committed digests
// (test/support/tokenizer-json-cases.mjs lists the cases); a case without one, or with an answer
// other than the digest's, loads the file into `tokenizers` and runs it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Encoding, getEncoding } from '../../index.mjs';
import { byteLevelAlphabet } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { BELOW_GAP, FIM_TEXT, GAP_PATTERNS, GAP_TEXTS, JSONS, NFC_TEXTS, SPECIAL_TEXT, hfReference, jsonText, jsonTexts } from '../support/tokenizer-json-cases.mjs';

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
const texts = jsonTexts();

function write(name, json) {
  const file = path.join(dir, name);
  writeFileSync(file, jsonText(json));
  return file;
}

async function hfIds(tokenizer, text) {
  return (await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds();
}

async function expectSameAsHuggingFace(encoding, reference, list = texts, options = {}) {
  let mismatches = 0;
  let first;
  for (const text of list) {
    const mismatch = await reference.mismatch('ids', text, encoding.encode(text, options));
    if (mismatch) {
      mismatches++;
      first ??= { text, mismatch };
    }
  }
  expect(first).toBeUndefined();
  expect(mismatches).toBe(0);
}

describe('Encoding.fromTokenizerJson', () => {
  it('reads a GPT-2 ByteLevel tokenizer.json (r50k_base) on the native gpt2 scanner, as tokenizers does', async () => {
    const file = write('r50k.json', JSONS.r50k());
    const encoding = Encoding.fromTokenizerJson(file);
    expect(encoding.patternKind).toBe('gpt2');
    expect(encoding.specialTokens).toEqual({ '<|endoftext|>': 50256 });
    expect(encoding.name).toBe('r50k');
    expect(Encoding.fromTokenizerJson(file, { name: 'gpt2-copy' }).name).toBe('gpt2-copy');
    const reference = hfReference(JSONS.r50k());
    await expectSameAsHuggingFace(encoding, reference);
    // Added tokens are special tokens: with them allowed, the ids are Hugging Face's.
    expect(await reference.mismatch('ids', SPECIAL_TEXT, encoding.encode(SPECIAL_TEXT, { allowedSpecial: 'all' }))).toBeNull();
  });

  it('reads a Split + ByteLevel tokenizer.json (cl100k_base, Llama 3 style) on the native cl100k scanner', async () => {
    const json = JSONS.cl100k();
    const file = write('cl100k.json', json);
    const encoding = Encoding.fromTokenizerJson(file);
    expect(encoding.patternKind).toBe('cl100k');
    await expectSameAsHuggingFace(encoding, hfReference(json));
    const shipped = getEncoding('cl100k_base');
    for (const text of texts.slice(0, 50)) expect([...encoding.encode(text)]).toEqual([...shipped.encode(text)]);
  });

  it('reads a Qwen2-style pattern through RegExp, as tokenizers does', async () => {
    const json = JSONS.qwen2();
    const encoding = Encoding.fromTokenizerJson(jsonText(json));
    expect(encoding.patternKind).toBe('regexp');
    await expectSameAsHuggingFace(encoding, hfReference(json));
  });

  it('keeps the ids of added tokens from the file, where tokenizers renumbers those after a gap', async () => {
    const json = JSONS.cl100k();
    const encoding = Encoding.fromTokenizerJson(json);
    const hf = hfReference(json);
    // cl100k_base has no id 100256: the file says 100257 for <|endoftext|>, tokenizers uses 100256.
    expect(encoding.specialTokens['<|endoftext|>']).toBe(100257);
    expect(await hf.mismatch('tokenToId', '<|endoftext|>', [100256])).toBeNull();
    // Files without such a gap agree (r50k_base above); here they agree on everything else.
    const ours = [...encoding.encode(FIM_TEXT, { allowedSpecial: 'all' })];
    expect(await hf.mismatch(BELOW_GAP, FIM_TEXT, ours.filter((id) => id < 100256))).toBeNull();
  });

  describe('a GPT-2-style file (string merges, ignore_merges false, <|endoftext|> in the vocabulary too)', () => {
    const json = JSONS.gpt2Style();
    const alphabet = byteLevelAlphabet();
    const file = write('gpt2-style.json', json);
    const hf = hfReference(json);
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
      const nfc = JSONS.gpt2Nfc();
      expect(nfc).toEqual({ ...json, normalizer: { type: 'NFC' } });
      const nfcFile = write('gpt2-nfc.json', nfc);
      const withNfc = Encoding.fromTokenizerJson(nfcFile);
      const list = [...NFC_TEXTS, ...texts.slice(0, 30)];
      await expectSameAsHuggingFace(withNfc, hfReference(nfc), list);
      expect([...withNfc.encode('e\u0301')]).toEqual([...withNfc.encode('\u00e9')]);
      expect([...encoding.encode('e\u0301')]).not.toEqual([...encoding.encode('\u00e9')]);
    });
  });

  it('keeps the text between Split matches as pieces, as tokenizers does (tiktoken would drop it)', async () => {
    for (const k of GAP_PATTERNS.keys()) {
      const json = JSONS.gaps(k);
      expect(json.pre_tokenizer.pretokenizers[0].pattern).toEqual(GAP_PATTERNS[k]);
      const file = write('gaps.json', json);
      const encoding = Encoding.fromTokenizerJson(file);
      expect(encoding.patternKind).toBe('regexp');
      await expectSameAsHuggingFace(encoding, hfReference(json), [...texts.slice(0, 120), ...GAP_TEXTS]);
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
