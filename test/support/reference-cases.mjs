// The inputs of the tests that compare turbotoken with the tiktoken reference in bulk. The tests
// and scripts/make-reference-digests.mjs build them here, from fixed seeds, so that the digests of
// the reference's ids that the script commits (test/data/reference-digests.txt) are for exactly
// the texts the tests encode. Each case is [encoding, mode, text], where mode is 'ordinary'
// (tiktoken's encode_ordinary) or 'all' (its encode(text, 'all')).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { corpusSamples } from './corpus-samples.mjs';
import { randomText, rng } from './random-text.mjs';
import { ENCODINGS } from './reference.mjs';
import { WORST_CASES, repeatToBytes } from './worst-cases.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

// ---- test/reference/differential-adversarial.test.mjs

export const TRICKY = [
  '', ' ', '\n', '  ', ' \n ', '\r\n', '\r\r\n\n', 'a ', ' a', 'a  ', 'a\n\n  b', 'a \t\n b', '\u00a0\u00a0x',
  "it's", "IT'S", "'s", "'ſ", "x'ſt", "''s", "'", "'''", "don't'll", "he'LL", "'re'", "a'b'c",
  '1', '12', '123', '1234', '12345678901', ' 123', '½²³', 'x1y22z333', '٣٤٥٦',
  'hello/world', 'a//b\n/', '!!!\n\n', '...\r\n', '?\n/', ' !?\n', '(\u0301)',
  'HELLOworld', 'helloWORLD', 'ǅungla', 'ʰello', 'ÉCOLE école', 'ΣΑΣ σας',
  '\u0301', '\u0301a', 'a\u0301', '\u0301\u0301A', ' \u0301', '\t\u0301x',
  '\u0000', '\u0000\u0000 x', '\ufeffhello', '\u200bx\u200b', '\u0085', 'a\u0085b', '\u0085\u0085 x', '\u2028\u2029',
  'hasOwnProperty', 'constructor', '__proto__', 'toString',
  '<|endoftext|>', '<|endoftext', 'endoftext|>', '<|<|endoftext|>|>', '<||>', '<|endoftext|><|endoftext|>',
];

/** 16 KB of one worst-case unit, alone and with neighbours. */
export function worstCaseRuns(unit) {
  const run = repeatToBytes(unit, 16 * 1024);
  return [run, `x${run}y`, ` ${run} `, `${run}\n`, `1${run}!`];
}

/** Random letters: long pieces whose merges the vocabulary rarely completes early. */
export function heapPathTexts() {
  let seed = 1;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return [129, 300, 1000, 5000].map((size) => {
    let text = '';
    for (let i = 0; i < size; i++) text += 'abcdefghijklmnopqrstuvwxyzé中ابΩ'[Math.floor(next() * 31)];
    return text;
  });
}

function adversarialCases() {
  return ENCODINGS.flatMap((name) => [
    ...TRICKY.flatMap((text) => [[name, 'all', text], [name, 'ordinary', text]]),
    ...Object.values(WORST_CASES).flatMap((unit) => worstCaseRuns(unit).map((text) => [name, 'ordinary', text])),
    ...heapPathTexts().map((text) => [name, 'ordinary', text]),
  ]);
}

// ---- test/reference/differential-random.test.mjs

export const RANDOM_CASES = 1500;

/** The seeded random strings of one encoding's test: `ordinary` or `all` special tokens. */
export function randomTexts(name, mode) {
  const next = rng(mode === 'ordinary' ? 0xC0FFEE ^ name.length : 0xBEEF + name.length);
  return Array.from({ length: RANDOM_CASES }, () => randomText(next, 5 + Math.floor(next() * 60)));
}

function randomCases() {
  return ENCODINGS.flatMap((name) => ['ordinary', 'all'].flatMap((mode) => randomTexts(name, mode).map((text) => [name, mode, text])));
}

// ---- test/reference/differential-corpus.test.mjs

export const CORPUS_KINDS = ['prose', 'code', 'email', 'multilingual'];
// Per kind and encoding: enough paragraphs of every kind to meet every script and token class.
export const BYTES_PER_KIND = 400_000;

/**
 * Builds corpus/npm-only/ with scripts/build-corpus.mjs --npm-only. Once per run, before the tests
 * (vitest's globalSetup): it rewrites the files in place, so no test may read them meanwhile.
 */
export function buildCorpus() {
  execFileSync(process.execPath, ['scripts/build-corpus.mjs', '--npm-only'], { cwd: root, stdio: 'pipe' });
}

/** { kind: [document] }: the corpus that buildCorpus() built, cut to size. */
export function corpusDocuments() {
  const documents = {};
  for (const kind of CORPUS_KINDS) {
    const text = readFileSync(`${root}/corpus/npm-only/${kind}.txt`, 'utf8');
    const docs = [];
    let bytes = 0;
    for (const doc of text.split('\n\n')) {
      if (bytes >= BYTES_PER_KIND) break;
      docs.push(doc);
      bytes += Buffer.byteLength(doc);
    }
    documents[kind] = docs;
  }
  return documents;
}

function* corpusCases() {
  const documents = corpusDocuments();
  for (const name of ENCODINGS) {
    for (const kind of CORPUS_KINDS) {
      for (const text of [...documents[kind], documents[kind].join('\n\n')]) yield [name, 'ordinary', text];
    }
  }
}

// ---- test/reference/byte-runs.test.mjs

const ASCII = Array.from({ length: 128 }, (_, b) => String.fromCharCode(b));
const COMMON = [' ', '\n', '\t', '\r', 'a', 'Z', '-', '=', '*', '#', '.', '_', '/', '!', '~'];
// Pieces over 128 bytes take the run merge; the reference is quadratic on runs, so no more than a
// few thousand bytes.
const ALL_LENGTHS = [129, 256, 1025];
const COMMON_LENGTHS = [...Array.from({ length: 16 }, (_, k) => 129 + k), 255, 257, 511, 512, 513, 2049, 4097];

/** Every ASCII byte repeated. */
export function asciiRuns() {
  return ASCII.flatMap((c) => ALL_LENGTHS.map((n) => c.repeat(n)));
}

/** Common bytes at many lengths, alone and between other text. */
export function commonRuns() {
  return COMMON.flatMap((c) =>
    COMMON_LENGTHS.flatMap((n) => {
      const run = c.repeat(n);
      return [run, `x${run}y`, `hello ${run}world`, `${run}\n${run}`];
    }),
  );
}

function byteRunCases() {
  return ENCODINGS.flatMap((name) => [...asciiRuns(), ...commonRuns()].map((text) => [name, 'ordinary', text]));
}

// ---- test/reference/every-code-point.test.mjs

// One encoding per pre-tokenizer family; the family decides the splitting, the vocabulary only
// the merging.
export const FAMILIES = ['r50k_base', 'cl100k_base', 'o200k_base'];

// Contexts put the code point X after and before each kind of neighbour the patterns care about:
// a letter (lower and upper), a space, an apostrophe (contractions), a digit, punctuation, a mark,
// a newline, and itself.
const CONTEXTS = [
  (x) => `a${x}b`,
  (x) => ` ${x}${x}`,
  (x) => `'${x}s`,
  (x) => `A${x}a'S`,
  (x) => `1${x}2`,
  (x) => `.${x} `,
  (x) => `\u0301${x}\n`,
  (x) => `${x}\t`,
];

/** Each code point of `cps` in every context, one context a line. */
export function codePointText(cps) {
  let out = '';
  for (const cp of cps) {
    const x = String.fromCodePoint(cp);
    for (const context of CONTEXTS) out += context(x) + '\n';
  }
  return out;
}

/** Every Unicode scalar value, 8192 at a time. */
export function* scalarValueChunks() {
  let chunk = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    chunk.push(cp);
    if (chunk.length === 8192) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

function* codePointCases() {
  for (const chunk of scalarValueChunks()) {
    const text = codePointText(chunk);
    for (const name of FAMILIES) yield [name, 'ordinary', text];
  }
}

// ---- test/support/check-against-reference.mjs (test/reference/bpe-strategies.test.mjs)

export const STRATEGY_ENCODINGS = ['r50k_base', 'cl100k_base', 'o200k_base'];
export const STRATEGY_CASES = 400;

/** Random text and 4 KB worst cases: pieces of every length for every merge implementation. */
export function strategyTexts(name, cases = STRATEGY_CASES) {
  const next = rng(0x5eed + name.length);
  const texts = [];
  for (let i = 0; i < cases; i++) texts.push(randomText(next, 40));
  for (const unit of Object.values(WORST_CASES)) texts.push(repeatToBytes(unit, 4096));
  return texts;
}

function strategyCases() {
  return STRATEGY_ENCODINGS.flatMap((name) => strategyTexts(name).map((text) => [name, 'ordinary', text]));
}

// ---- test/support/kernel-check.mjs (test/reference/kernels.test.mjs)

export const KERNEL_ENCODINGS = ['r50k_base', 'cl100k_base', 'o200k_base'];
export const KERNEL_CASES = 300;

// Pieces whose ASCII bytes decide a masked rule, and neighbours that hand it to the scalar code.
const ASCII_PARTS = ['a', 'z', 'A', 'Z', 'abc', 'ABC', 'AbC', 'aBc', '0', '12', '345', '6789', ' ', '  ', '\t', '\n', '\r\n', '\r', '\v', '\f',
  '.', '...', '/', '//', "'", "'s", "'T", "'ll", '(', ')', '-', '_', '"', '\\', '\u0000', '\u007f', '<|endoftext|>', '<|fim_prefix|>'];
const OTHER_PARTS = ['é', 'É', 'ß', 'ſ', 'ǅ', 'ʰ', '٣', '²', '\u00a0', '\u0085', '\u2028', '\u3000', '\u0301', '€', '中', '😀', '\ufeff', 'Привет'];

function blockText(next) {
  let text = '';
  const target = 1 + Math.floor(next() * 200);
  while (text.length < target) {
    const parts = next() < 0.85 ? ASCII_PARTS : OTHER_PARTS;
    text += parts[Math.floor(next() * parts.length)];
  }
  return text;
}

/**
 * Text built to stress the masked kernels (ASCII runs of every class meeting non-ASCII characters,
 * special-token text, 64-byte block boundaries, the end of the text), seeded random text, real
 * documents (as strings and as raw bytes) and the worst cases.
 */
export function kernelTexts(names = KERNEL_ENCODINGS, cases = KERNEL_CASES) {
  const out = [];
  for (const name of names) {
    const next = rng(0x6b65726e + name.length);
    for (let i = 0; i < cases; i++) out.push(blockText(next), randomText(next, 60));
  }
  // Every ASCII character next to every ASCII character, at a block boundary and at the end.
  for (let a = 0; a < 128; a++) {
    let line = '';
    for (let b = 0; b < 128; b++) line += String.fromCharCode(a, b, a);
    out.push(line, 'x'.repeat(62) + line.slice(0, 6), line.slice(0, 3));
  }
  for (const unit of Object.values(WORST_CASES)) out.push(repeatToBytes(unit, 2048));
  for (const doc of corpusSamples(2)) out.push(doc.bytes, doc.bytes.toString('utf8'));
  return out;
}

// Strings that the binding converts to UTF-8 in place with the kernel's UTF-16 to UTF-8
// transcoder (16K units and more, shown to be two-byte by a sampled unit: here the first, '中';
// the transcoder's blocks are 32 units): runs of one kind of unit (ASCII, the edges of the two-
// and three-byte ranges) meeting surrogate pairs and lone surrogates, often at a block's edge.
const UNITS = ['a', ' ', '\n', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '中', '\ud7ff', '\ue000', '\uffff',
  '😀', '\ud800', '\udbff', '\udc00', '\udfff'];

export function longStrings(name) {
  const next = rng(0x77696465 + name.length);
  const out = [];
  for (let i = 0; i < 24; i++) {
    let text = '中';
    const target = 16384 + Math.floor(next() * 300);
    while (text.length < target) {
      const unit = UNITS[Math.floor(next() * (i % 2 ? UNITS.length : 12))];
      // Runs that end on a block's last unit half the time, so that a pair or lone surrogate sits there.
      const run = next() < 0.5 ? 31 - (text.length % 32) : Math.floor(next() * 70);
      text += unit.repeat(Math.max(1, Math.ceil(run / unit.length)));
    }
    out.push(text);
  }
  return out;
}

/** The text the reference gets for a kernel input: bytes as `new TextDecoder().decode` reads them. */
export const kernelReferenceText = (input) => (typeof input === 'string' ? input : new TextDecoder().decode(input));

function kernelCases() {
  const inputs = kernelTexts();
  return KERNEL_ENCODINGS.flatMap((name) => [
    ...inputs.map((input) => [name, 'all', kernelReferenceText(input)]),
    ...longStrings(name).map((text) => [name, 'all', text]),
  ]);
}

/** Every case set: name -> () => iterable of [encoding, mode, text]. */
export const CASE_SETS = {
  'differential-adversarial': adversarialCases,
  'differential-random': randomCases,
  'differential-corpus': corpusCases,
  'byte-runs': byteRunCases,
  'every-code-point': codePointCases,
  'bpe-strategies': strategyCases,
  kernels: kernelCases,
};
