// The pre-tokenizer steps of a tokenizer.json (src/pretokenizer-sequence.ts) against Hugging Face
// `tokenizers`' own pre-tokenizer (preTokenizeString of the same JSON): the pieces, byte for byte,
// for every step type, every Split behavior, invert, ByteLevel with and without use_regex and
// add_prefix_space, in several orders; the one-character steps on every code point.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PreTokenizerSequence, readPreTokenizer, readStep } from '../../dist/cjs/pretokenizer-sequence.js';
import { byteLevelAlphabet } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { everyCodePointByPlane, hfPreTokenizer } from '../support/hf-pretokenizer.mjs';
import { comparePieceLists, sequencePieces } from '../support/piece-lists.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const SOURCE = '<test>';
const fields = (v) => Object.assign(Object.create(null), v);

// ByteLevel's characters back to bytes: Hugging Face's pieces after a ByteLevel step are in them.
const UNMAP = new Map(byteLevelAlphabet().map((ch, b) => [ch, b]));

const hasByteLevel = (pre) => JSON.stringify(pre).includes('"ByteLevel"');

function theirPieces(hf, pre, text) {
  const mapped = hasByteLevel(pre);
  return hf.preTokenizeString(text).map(([piece]) => (mapped ? Buffer.from([...piece].map((ch) => UNMAP.get(ch))) : Buffer.from(piece, 'utf8')).toString('hex'));
}

function sequenceOf(pre) {
  if (hasByteLevel(pre)) {
    const plan = readPreTokenizer(pre, SOURCE);
    // The single-pattern plans run on the encoding's fast path; here every plan runs as steps.
    if ('sequence' in plan) return plan.sequence;
  }
  const list = pre.type === 'Sequence' ? pre.pretokenizers : [pre];
  return new PreTokenizerSequence(list.map((s, k) => readStep(fields(s), SOURCE, `pre_tokenizer.pretokenizers[${k}]`)));
}

function compare(pre, texts) {
  const hf = hfPreTokenizer(pre);
  const sequence = sequenceOf(pre);
  const show = (hex) => Buffer.from(hex, 'hex').toString();
  return comparePieceLists(texts, (text) => sequencePieces(sequence, text), (text) => theirPieces(hf, pre, text), show);
}

const split = (regex, behavior, invert = false) => ({ type: 'Split', pattern: { Regex: regex }, behavior, invert });
const BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];
const byteLevel = (useRegex, addPrefixSpace = false) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: useRegex });

const next = rng(0x5e9);
const TEXTS = [
  '', ' ', 'a', '123', 'abc 12345 def', '  hello   world  ', 'x1y22z333', "it's 2024! (ok) -- yes...", '中文日本語カタカナ 한국어 12',
  'tab\tand\nnew\r\nlines  \n', '$$$ €100 ¡hola! ¿qué?', '٣٤٥ ²½ Ⅷ', 'a.b,c;d', ' leading', 'trailing ', '...', '1.2.3',
  ...Array.from({ length: 120 }, () => randomText(next, 3 + Math.floor(next() * 30))),
];

const CONFIGS = {
  ...Object.fromEntries(BEHAVIORS.flatMap((b) => [
    [`Split digits ${b}`, split('\\p{N}+', b)],
    [`Split digits ${b} invert`, split('\\p{N}+', b, true)],
    [`Split one char ${b}`, split('[a-z ]', b)],
    [`Punctuation ${b}`, { type: 'Punctuation', behavior: b }],
  ])),
  'Split String': { type: 'Split', pattern: { String: '. ' }, behavior: 'MergedWithNext', invert: false },
  'Digits': { type: 'Digits', individual_digits: false },
  'Digits individual': { type: 'Digits', individual_digits: true },
  'Punctuation default': { type: 'Punctuation' },
  'Whitespace': { type: 'Whitespace' },
  'WhitespaceSplit': { type: 'WhitespaceSplit' },
  'ByteLevel use_regex': byteLevel(true),
  'ByteLevel no regex': byteLevel(false),
  'ByteLevel add_prefix_space': byteLevel(true, true),
  'ByteLevel add_prefix_space no regex': byteLevel(false, true),
  'DeepSeek-V3 style': { type: 'Sequence', pretokenizers: [split('\\p{N}{1,3}', 'Isolated'), split('[一-龥぀-ゟ゠-ヿ]+', 'Isolated'), split("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+", 'Isolated'), byteLevel(false)] },
  'Digits then ByteLevel': { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(true)] },
  'ByteLevel then Digits': { type: 'Sequence', pretokenizers: [byteLevel(true), { type: 'Digits', individual_digits: true }] },
  'ByteLevel then Split on its characters': { type: 'Sequence', pretokenizers: [byteLevel(false), split('Ġ', 'MergedWithNext')] },
  'ByteLevel then Punctuation': { type: 'Sequence', pretokenizers: [byteLevel(false, true), { type: 'Punctuation', behavior: 'Contiguous' }] },
  'Whitespace, Digits, ByteLevel': { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Digits', individual_digits: false }, byteLevel(false, true)] },
  'Nested Sequence': { type: 'Sequence', pretokenizers: [{ type: 'Sequence', pretokenizers: [{ type: 'Punctuation', behavior: 'Removed' }, { type: 'Whitespace' }] }, split('\\p{L}{1,2}', 'MergedWithPrevious'), byteLevel(false)] },
  'anchored pattern per piece': { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, split('^\\p{L}|\\p{L}$', 'Isolated')] },
};

describe('pre-tokenizer steps equal Hugging Face', () => {
  it.each(Object.keys(CONFIGS))('%s', (name) => {
    const result = compare(CONFIGS[name], TEXTS);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
  });
});

describe('one-character steps on every code point', () => {
  const chunks = everyCodePointByPlane();
  it.each(['Digits individual', 'Punctuation default', 'WhitespaceSplit', 'Whitespace'])('%s', (name) => {
    const result = compare(CONFIGS[name], chunks);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
  });
});

describe('refusals name the key', () => {
  it.each([
    [{ type: 'Sequence', pretokenizers: [byteLevel(false), byteLevel(true)] }, 'pre_tokenizer.pretokenizers[1]', 'ERR_UNSUPPORTED_TOKENIZER'],
    [{ type: 'Sequence', pretokenizers: [split('a*', 'Isolated'), byteLevel(true)] }, 'pre_tokenizer.pretokenizers[0].pattern', 'ERR_UNSUPPORTED_TOKENIZER'],
    [{ type: 'Sequence', pretokenizers: [{ type: 'Metaspace' }, byteLevel(false)] }, 'pre_tokenizer.pretokenizers[0].type', 'ERR_UNSUPPORTED_TOKENIZER'],
    [{ type: 'Sequence', pretokenizers: [split('a', 'Sideways'), byteLevel(false)] }, 'pre_tokenizer.pretokenizers[0].behavior', 'ERR_INVALID_VOCABULARY'],
    [{ type: 'Sequence', pretokenizers: [split("(a)\\1", "Isolated"), byteLevel(false)] }, 'pre_tokenizer.pretokenizers[0].pattern', 'ERR_UNSUPPORTED_TOKENIZER'],
    [{ type: 'Digits' }, 'pre_tokenizer', 'ERR_UNSUPPORTED_TOKENIZER'],
  ])('%j', (pre, key, code) => {
    let error;
    try {
      readPreTokenizer(pre, SOURCE);
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe(code);
    expect(error.message).toContain(`${key}:`);
  });
});

// Whole files: Encoding.fromTokenizerJson against Hugging Face's encode on r50k_base's vocabulary
// converted to a tokenizer.json, with these pre-tokenizers in place of its own.
describe('encodings with these pre-tokenizers equal Hugging Face', async () => {
  const { Encoding, getEncoding } = await import('../../index.mjs');
  const { tokenizerJsonFor } = await import('../../scripts/tiktoken-to-tokenizer-json.mjs');
  const base = tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 8_000 });
  const ENCODED = ['DeepSeek-V3 style', 'ByteLevel add_prefix_space', 'Whitespace, Digits, ByteLevel', 'ByteLevel then Punctuation', 'Digits then ByteLevel'];
  it.each(ENCODED)('%s', async (name) => {
    const json = { ...base, pre_tokenizer: CONFIGS[name] };
    const ours = Encoding.fromTokenizerJson(json);
    const hf = Tokenizer.fromString(JSON.stringify(json));
    let mismatches = 0;
    let first;
    for (const text of TEXTS) {
      const theirs = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
      const mine = [...ours.encode(text)];
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) first ??= { text, mine, theirs, n: ++mismatches };
    }
    expect(first).toBeUndefined();
    expect(mismatches).toBe(0);
  });

  it('gives offsets where the pieces are the text, and refuses them where a step removes or adds text', () => {
    const cut = Encoding.fromTokenizerJson({ ...base, pre_tokenizer: CONFIGS['DeepSeek-V3 style'] });
    const text = 'abc 123 中文 x';
    const { tokens, offsets } = cut.encodeWithOffsets(text);
    expect([...tokens]).toEqual([...cut.encode(text)]);
    expect(offsets[0]).toBe(0);
    expect(Math.max(...offsets)).toBeLessThan(text.length);
    for (const name of ['ByteLevel add_prefix_space', 'Whitespace, Digits, ByteLevel']) {
      const changed = Encoding.fromTokenizerJson({ ...base, pre_tokenizer: CONFIGS[name] });
      let error;
      try {
        changed.encodeWithOffsets('a b');
      } catch (e) {
        error = e;
      }
      expect(error?.code).toBe('ERR_UNSUPPORTED_TOKENIZER');
    }
  });

  it('saves an encoding whose pre-tokenizer runs as steps, and loads it giving the same ids', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const enc = Encoding.fromTokenizerJson({ ...base, pre_tokenizer: CONFIGS['DeepSeek-V3 style'] });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'turbotoken-seq-')), 'x.ttenc');
    enc.save(file);
    const loaded = Encoding.load(file);
    expect(loaded.patternSource).toBe(enc.patternSource);
    for (const text of ['abc 12345 中文字符!! x', 'a\n\n  b?c']) expect([...loaded.encode(text)]).toEqual([...enc.encode(text)]);
  });
});
