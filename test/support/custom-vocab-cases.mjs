// The cases test/reference/custom-vocab.test.mjs compares with tiktoken's Tiktoken constructor,
// built from the same ranks text, special tokens and pattern. The test and
// scripts/make-answer-digests.mjs both read them from here, so that the committed digests
// (test/data/answer-digests/custom-vocab.txt) are for exactly the calls the test makes.
//
// A group is one reference: { vocab, specials, pattern, calls }, where vocab names a ranks text
// (vocabText) and each call is [how, text]: how is 'all' (encode(text, 'all')), 'ordinary'
// (encode_ordinary), 'plain' (encode(text)) or { allowed, disallowed } (encode(text, allowed, disallowed)).
import { answerBook, inputDigest, outcome } from './answer-digests.mjs';
import { comparisonTexts, PATTERNS, rankEntries, referenceFor, tiktokenText } from './custom-vocab.mjs';

export const BOOK = 'custom-vocab';
export const PACKAGE = 'tiktoken';

export const SPECIALS = { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|endofprompt|>': 100276 };
/** Special tokens whose first bytes differ (the byte-by-byte search, not the jumps between '<'). */
export const MIXED_SPECIALS = { '<|endoftext|>': 100257, '[CLS]': 100258, '[SEP]': 100259, '\u00a7end': 100260, '<s>': 100261 };
/** A special token named "__proto__", as JSON.parse gives it (an own key, not the prototype). */
export const PROTO_SPECIALS = JSON.parse('{"__proto__": 100300, "<x>": 100301}');

export const FIRSTS_TEXT = '[CLS] a<s>b [SE [SEP]\u00a7en \u00a7end<|endoftext|>[[CLS]]<<s>'.repeat(40) + ' tail [';
export const FIRSTS_PLAIN = 'no specials [CL S] here <s';
export const SP_TEXT = 'a <|endoftext|> b<|fim_prefix|>c <|endofprompt|>';
export const PROTO_TEXT = 'a __proto__<x> __proto__';
export const BYTES = Uint8Array.from([0x68, 0x69, 0xff, 0x20, 0xe2, 0x82, 0x20, 0x21]);
export const WHITESPACE_TEXTS = ['a\u0085b', 'a\ufeffb', 'x\u00a0\u2028y', '\u180e\u200b'];
export const GENERATOR_PATTERN = String.raw`\S{1,3}|\s`;
export const WHITESPACE_PATTERN = String.raw`\s+|\S+`;
export const REGEXP_KEYS = ['words', 'qwen2', 'gpt2Changed', 'cl100kPossessive', 'lettersOnly'];
export const FAMILIES = [
  ['gpt2', 'r50k_base', { '<|endoftext|>': 50256 }],
  ['cl100k', 'cl100k_base', SPECIALS],
  ['o200k', 'o200k_base', { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 }],
];

let texts;
/** The varied texts the bulk comparisons use (test/support/custom-vocab.mjs), made once. */
export function vocabTexts() {
  texts ??= comparisonTexts();
  return texts;
}

/** The text encodeGenerator's RegExp-path test encodes whole. */
export function generatorText() {
  return vocabTexts().slice(0, 40).join('\n').replaceAll('<|', '<');
}

const entries = new Map();
function entriesOf(name) {
  if (!entries.has(name)) entries.set(name, rankEntries(name));
  return entries.get(name);
}

const Z = 'z'.charCodeAt(0);
const vocabularies = {
  r50k_base: () => tiktokenText(entriesOf('r50k_base')),
  cl100k_base: () => tiktokenText(entriesOf('cl100k_base')),
  o200k_base: () => tiktokenText(entriesOf('o200k_base')),
  // Every 7th multi-byte token of cl100k_base dropped: ranks keep their values, so they have gaps.
  gapped: () => tiktokenText(gappedEntries()),
  // Without the token "z" alone; "zz" and the other tokens holding z stay.
  no_z: () => tiktokenText(entriesOf('cl100k_base').filter(([, bytes]) => !(bytes.length === 1 && bytes[0] === Z))),
};

/** [rank, bytes] of the gapped vocabulary. */
export function gappedEntries() {
  return entriesOf('cl100k_base').filter(([r, bytes]) => bytes.length === 1 || r % 7 !== 3);
}

/** [rank, bytes] of a shipped encoding's ordinary tokens (memoized). */
export const shippedEntries = entriesOf;

const vocabCache = new Map();
/** The ranks text of a named vocabulary (memoized). */
export function vocabText(name) {
  if (!vocabCache.has(name)) vocabCache.set(name, vocabularies[name]());
  return vocabCache.get(name);
}

const bulk = (list) => list.flatMap((text) => [['all', text], ['ordinary', text]]);

/** Every group the test compares, in the test's order (the one that makes tiktoken panic last). */
export function groups() {
  const all = vocabTexts();
  return [
    ...FAMILIES.map(([family, shipped, specials]) => ({ vocab: shipped, specials, pattern: PATTERNS[family], calls: bulk(all.slice(0, 120)) })),
    ...REGEXP_KEYS.map((key) => ({ vocab: 'cl100k_base', specials: SPECIALS, pattern: PATTERNS[key], calls: bulk(all) })),
    ...[PATTERNS.cl100k, PATTERNS.qwen2].map((pattern) => ({ vocab: 'gapped', specials: SPECIALS, pattern, calls: bulk(all.slice(0, 60)) })),
    ...[PATTERNS.cl100k, PATTERNS.words].map((pattern) => ({ vocab: 'no_z', specials: {}, pattern, calls: [['plain', 'hello world']] })),
    { vocab: 'cl100k_base', specials: SPECIALS, pattern: PATTERNS.words, calls: [[{ allowed: ['<|fim_prefix|>'], disallowed: [] }, SP_TEXT], ['all', SP_TEXT]] },
    { vocab: 'cl100k_base', specials: MIXED_SPECIALS, pattern: PATTERNS.cl100k, calls: [['all', FIRSTS_TEXT], [{ allowed: ['[SEP]'], disallowed: [] }, FIRSTS_TEXT], ['all', FIRSTS_PLAIN]] },
    { vocab: 'cl100k_base', specials: PROTO_SPECIALS, pattern: PATTERNS.cl100k, calls: [['all', PROTO_TEXT]] },
    { vocab: 'cl100k_base', specials: {}, pattern: PATTERNS.qwen2, calls: [['plain', new TextDecoder().decode(BYTES)]] },
    { vocab: 'cl100k_base', specials: {}, pattern: GENERATOR_PATTERN, calls: [['plain', generatorText()]] },
    { vocab: 'cl100k_base', specials: {}, pattern: WHITESPACE_PATTERN, calls: WHITESPACE_TEXTS.map((text) => ['plain', text]) },
    { vocab: 'no_z', specials: {}, pattern: PATTERNS.cl100k, calls: [['plain', '1\nz\n']] },
  ];
}

/** The reference's answer to one call (THREW when it throws). */
export function call(reference, how, text) {
  return outcome(() => {
    if (how === 'all') return reference.encode(text, 'all');
    if (how === 'ordinary') return reference.encode_ordinary(text);
    if (how === 'plain') return reference.encode(text);
    return reference.encode(text, how.allowed, how.disallowed);
  });
}

const digests = new Map();
/** The digest that stands for a named vocabulary's text in the keys (made once per vocabulary). */
function vocabDigest(name) {
  if (!digests.has(name)) digests.set(name, inputDigest(vocabText(name)));
  return digests.get(name);
}

/** The key parts of one call of a group. */
export function parts(group, how, text) {
  return [vocabDigest(group.vocab), Object.entries(group.specials), group.pattern, how, text];
}

/**
 * The reference of one group, as the test uses it: `mismatch(how, text, ours)` is null when `ours`
 * (ids, or THREW) is tiktoken's answer, from the book when it has the case, from tiktoken otherwise.
 */
export function vocabReference(vocab, specials, pattern) {
  const book = answerBook(BOOK, PACKAGE);
  const group = { vocab, specials, pattern };
  const ranks = vocabDigest(vocab);
  const entriesOfSpecials = Object.entries(specials);
  let reference;
  const live = () => (reference ??= referenceFor(vocabText(vocab), specials, pattern));
  return {
    group,
    mismatch: (how, text, ours) => book.mismatch([ranks, entriesOfSpecials, pattern, how, text], ours, () => call(live(), how, text)),
  };
}

/** The groups scripts/make-answer-digests.mjs --sample recomputes: the smallest vocabulary, and the call tiktoken fails. */
export const SAMPLE_GROUPS = [0, -1];

/**
 * For scripts/make-answer-digests.mjs: each group as { build, cases }, where build() makes its
 * reference and cases() lists [key parts, answer(reference)].
 */
export function bookGroups() {
  return groups().map((group) => ({
    build: () => referenceFor(vocabText(group.vocab), group.specials, group.pattern),
    cases: () => group.calls.map(([how, text]) => [parts(group, how, text), (reference) => call(reference, how, text)]),
  }));
}
