// The cases test/reference/tokenizer-json.test.mjs compares with Hugging Face `tokenizers` on
// tokenizer.json files converted from the shipped vocabularies (scripts/tiktoken-to-tokenizer-json.mjs).
// The test and scripts/make-answer-digests.mjs both read them from here, so that the committed
// digests (test/data/answer-digests/tokenizer-json.txt) are for exactly the calls the test makes.
// Loading a vocabulary of 100,000 tokens into `tokenizers` is most of that test's time.
//
// A group is one tokenizer.json (its text) and its calls [how, text]: how is 'ids' (Hugging Face's
// ids for the text without added special tokens), BELOW_GAP (those of them below 100256, where
// cl100k_base's ids have a gap) or 'tokenToId' (its id for a token, as [id]).
import { createRequire } from 'node:module';
import { getEncoding } from '../../index.mjs';
import { tokenizerJsonFor } from '../../scripts/tiktoken-to-tokenizer-json.mjs';
import { answerBook, inputDigest } from './answer-digests.mjs';
import { comparisonTexts, PATTERNS } from './custom-vocab.mjs';

const require = createRequire(import.meta.url);

export const BOOK = 'tokenizer-json';
export const PACKAGE = 'tokenizers';

export const SPECIAL_TEXT = 'a<|endoftext|>b <|endoftext|>';
export const FIM_TEXT = 'x <|fim_prefix|> y';
export const NFC_TEXTS = ['cafe\u0301 Cafe\u0301s', 'A\u030a and \u212b'];
export const GAP_TEXTS = ['one, two, three', '12 ab 34, cd'];
export const BELOW_GAP = 'ids below 100256';
export const GAP_PATTERNS = [{ Regex: String.raw`\p{L}+` }, { String: ', ' }];

let texts;
/** Special-token text is left out: Hugging Face renumbers added tokens after a gap in the ids. */
export function jsonTexts() {
  texts ??= comparisonTexts(250, 23).map((t) => t.replaceAll('<|', '<'));
  return texts;
}

const made = new Map();
const once = (key, make) => {
  if (!made.has(key)) made.set(key, make());
  return made.get(key);
};

/** The tokenizer.json objects the test reads, by name (memoized: the same object each time). */
export const JSONS = {
  r50k: () => once('r50k', () => tokenizerJsonFor(getEncoding('r50k_base'))),
  cl100k: () => once('cl100k', () => tokenizerJsonFor(getEncoding('cl100k_base'))),
  qwen2: () => once('qwen2', () => tokenizerJsonFor(getEncoding('cl100k_base'), { pattern: PATTERNS.qwen2 })),
  // GPT-2 as its own file has it: string merges, ignore_merges false, <|endoftext|> in the vocabulary too.
  gpt2Style: () => once('gpt2Style', () => {
    const json = tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 4000, stringMerges: true, ignoreMerges: false });
    json.model.vocab['<|endoftext|>'] = 4000;
    json.added_tokens = [{ id: 4000, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }];
    return json;
  }),
  gpt2Nfc: () => once('gpt2Nfc', () => ({ ...JSONS.gpt2Style(), normalizer: { type: 'NFC' } })),
  gapsBase: () => once('gapsBase', () => tokenizerJsonFor(getEncoding('r50k_base'), { maxRank: 6000 })),
  gaps: (k) => once(`gaps${k}`, () => {
    const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
    const split = { type: 'Split', pattern: GAP_PATTERNS[k], behavior: 'Isolated', invert: false };
    return { ...JSONS.gapsBase(), pre_tokenizer: { type: 'Sequence', pretokenizers: [split, byteLevel] } };
  }),
};

const strings = new WeakMap();
/** The JSON text of a tokenizer.json object (made once per object). */
export function jsonText(json) {
  if (!strings.has(json)) strings.set(json, JSON.stringify(json));
  return strings.get(json);
}

const ids = (list) => list.map((text) => ['ids', text]);

/** Every group the test compares: [a function making the tokenizer.json object, its calls]. */
export function groups() {
  const all = jsonTexts();
  return [
    [JSONS.r50k, ids([...all, SPECIAL_TEXT])],
    [JSONS.cl100k, [...ids(all), ['tokenToId', '<|endoftext|>'], [BELOW_GAP, FIM_TEXT]]],
    [JSONS.qwen2, ids(all)],
    [JSONS.gpt2Style, ids([...all, 'a<|endoftext|>b'])],
    [JSONS.gpt2Nfc, ids([...NFC_TEXTS, ...all.slice(0, 30)])],
    ...GAP_PATTERNS.map((_, k) => [() => JSONS.gaps(k), ids([...all.slice(0, 120), ...GAP_TEXTS])]),
  ];
}

/** Hugging Face's answer to one call: ids (its post-processor's tokens not added), or [id]. */
export async function call(tokenizer, how, text) {
  if (how === 'tokenToId') return [tokenizer.tokenToId(text)];
  const ids = (await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds();
  return how === BELOW_GAP ? ids.filter((id) => id < 100256) : ids;
}

/** Hugging Face's tokenizer for a tokenizer.json object. */
export function hfLoad(json) {
  const { Tokenizer } = require('tokenizers');
  return Tokenizer.fromString(jsonText(json));
}

/**
 * The reference of one tokenizer.json, as the test uses it: `await mismatch(how, text, ours)` is
 * null when `ours` is Hugging Face's answer, from the book when it has the case, from
 * `tokenizers` (loaded on first need) otherwise.
 */
export function hfReference(json) {
  const book = answerBook(BOOK, PACKAGE);
  const key = inputDigest(jsonText(json));
  let tokenizer;
  return {
    mismatch: (how, text, ours) => book.mismatch([key, how, text], ours, () => call((tokenizer ??= hfLoad(json)), how, text)),
  };
}

/** The groups scripts/make-answer-digests.mjs --sample recomputes: the two of 6,000 tokens. */
export const SAMPLE_GROUPS = [-2, -1];

/**
 * For scripts/make-answer-digests.mjs: each group as { build, cases }, where build() loads its
 * tokenizer and cases() lists [key parts, answer(tokenizer)].
 */
export function bookGroups() {
  return groups().map(([json, calls]) => ({
    build: () => hfLoad(json()),
    cases: () => {
      const key = inputDigest(jsonText(json()));
      return calls.map(([how, text]) => [[key, how, text], (tokenizer) => call(tokenizer, how, text)]);
    },
  }));
}
