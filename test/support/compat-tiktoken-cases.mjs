// The cases test/compat/compat-tiktoken.test.mjs and test/compat/compat-entry-points.test.mjs
// compare turbotoken/tiktoken with the tiktoken package on: its shipped encodings (with and without
// extra special tokens), its Tiktoken constructor on cl100k_base's ranks, and encode_with_unstable.
// The tests and scripts/make-answer-digests.mjs both read them from here, so that the committed
// digests (test/data/answer-digests/compat-tiktoken.txt) are for exactly the calls the tests make;
// a test builds a tiktoken encoder only for an answer that is not the book's.
//
// A group is one tiktoken encoder: { id, build, calls }, each call [how, text] with `how` a key of
// CALLS (what is asked of the encoder). A case's key is [...id, how, text].
import { createRequire } from 'node:module';
import { answerBook } from './answer-digests.mjs';
import { NPM_ENCODINGS } from './compat-common.mjs';
import { PARAGRAPHS } from './compat-paragraphs.mjs';
import { randomText, rng } from './random-text.mjs';

const require = createRequire(import.meta.url);

export const BOOK = 'compat-tiktoken';
export const PACKAGE = 'tiktoken';

const tiktoken = () => require('tiktoken');
/** tiktoken's own cl100k_base data (ranks text, pattern), which the constructor cases build from. */
export const cl100kData = () => require('tiktoken/encoders/cl100k_base.json');

export const EXTRA_SPECIALS = { '<|im_start|>': 100264, '<|im_end|>': 100265, '[[sep]]': 100300 };
export const CONSTRUCTOR_SPECIALS = { '<|endoftext|>': 100257, '<|x|>': 100300 };
const QWEN2 = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
/** [key, pattern] of the constructor cases: cl100k_base's own pattern and Qwen2's (RegExp path). */
export const constructorPatterns = () => [['cl100k', cl100kData().pat_str], ['qwen2', QWEN2]];

/** The paragraphs and 150 random texts compared on one encoding. */
export function differentialTexts(name) {
  const next = rng(0x71c + name.length);
  return [...PARAGRAPHS, ...Array.from({ length: 150 }, () => randomText(next, 30))];
}
export const EXTRA_TEXTS = 40;
export const framed = (text) => `<|im_start|>${text}[[sep]]<|im_end|>`;

export function constructorTexts() {
  const next = rng(5);
  return Array.from({ length: 40 }, () => randomText(next, 20) + ' <|x|> 12345');
}

// Completions grow with the tokens that start with the tail's last bytes: tails stay short.
// (o200k_base would add seconds of sorting its 200,000 tokens for the same steps.)
const TAILS = ['hello wor', 'def f(x):\n    ', 'x\n\n', 'a\n\n\t', 'a\r\n', ' 1234', 'naïve caf', 'emoji 😀', '\t\t', 'The end.  ', 'a<|endoftext|>'];
/** [encoding, tails, random texts] of the encode_with_unstable cases. */
export const UNSTABLE = [['cl100k_base', 11, 4], ['gpt2', 11, 4]];
export function unstableTexts(name, tails, random) {
  const next = rng(0x0a5 + name.length);
  return [...TAILS.slice(0, tails), ...Array.from({ length: random }, () => randomText(next, 4).replace(/<\|/g, '<'))];
}

/** A call's value, or 'threw: <message>' (the error message is part of the answer). */
export function valueOrMessage(call) {
  try {
    return call();
  } catch (error) {
    return `threw: ${error?.message}`;
  }
}

/** encode_with_unstable's answer: the ids, and the completions as a set (tiktoken lists them in hash order). */
export const unstableAnswer = ([ids, completions]) => [ids, completions.map((c) => c.join(',')).sort().join(';')];

/** What each kind of call asks of an encoder (tiktoken's, or turbotoken's in the tests). */
export const CALLS = {
  all: (enc, text) => enc.encode(text, 'all'),
  ordinary: (enc, text) => enc.encode_ordinary(text),
  none: (enc, text) => enc.encode(text, [], []),
  // The ids decoded are the encoder's own for encode(text, 'all'): the tests decode theirs, which
  // the 'all' case holds to tiktoken's.
  decode: (enc, text) => enc.decode(enc.encode(text, 'all')),
  plain: (enc, text) => valueOrMessage(() => enc.encode(text)),
  sep: (enc, text) => enc.encode(text, ['[[sep]]'], []),
  name: (enc) => String(enc.name),
  unstable: (enc, text) => unstableAnswer(enc.encode_with_unstable(text, 'all')),
};

function groups() {
  return [
    ...NPM_ENCODINGS.map((name) => ({
      id: ['encoding', name],
      build: () => tiktoken().get_encoding(name),
      calls: differentialTexts(name).flatMap((text) => ['all', 'ordinary', 'none', 'decode', 'plain'].map((how) => [how, text])),
    })),
    ...NPM_ENCODINGS.map((name) => ({
      id: ['extra', name],
      build: () => tiktoken().get_encoding(name, EXTRA_SPECIALS),
      calls: differentialTexts(name).slice(0, EXTRA_TEXTS).flatMap((text) => ['all', 'sep', 'decode'].map((how) => [how, framed(text)])),
    })),
    ...constructorPatterns().map(([key, pattern]) => ({
      id: ['constructor', key],
      build: () => new (tiktoken().Tiktoken)(cl100kData().bpe_ranks, CONSTRUCTOR_SPECIALS, pattern),
      calls: [['name', ''], ...constructorTexts().flatMap((text) => [['all', text], ['ordinary', text]])],
    })),
    ...UNSTABLE.map(([name, tails, random]) => ({
      id: ['unstable', name],
      build: () => tiktoken().get_encoding(name),
      calls: unstableTexts(name, tails, random).map((text) => ['unstable', text]),
    })),
  ];
}

/**
 * tiktoken's encoder of one group (id: ['encoding', name], ['extra', name], ['constructor', key]
 * or ['unstable', name]): `mismatch(how, text, ours)` is null when `ours` is its answer to
 * CALLS[how](encoder, text), from the book or, when the book has no such digest, from the encoder
 * itself (built on first need).
 */
export function tiktokenReference(...id) {
  const group = groups().find((g) => g.id.join('\0') === id.join('\0'));
  if (!group) throw new Error(`no group ${id.join(' ')}`);
  const book = answerBook(BOOK, PACKAGE);
  let theirs;
  return {
    mismatch: (how, text, ours) => book.mismatch([...id, how, text], ours, () => valueOrMessage(() => CALLS[how]((theirs ??= group.build()), text))),
  };
}

/** The groups scripts/make-answer-digests.mjs --sample recomputes: gpt2's encoding and its encode_with_unstable. */
export const SAMPLE_GROUPS = [0, -1];

/** For scripts/make-answer-digests.mjs: each encoder as { build, cases() }. */
export function bookGroups() {
  return groups().map((group) => ({
    build: group.build,
    cases: () => group.calls.map(([how, text]) => [[...group.id, how, text], (theirs) => valueOrMessage(() => CALLS[how](theirs, text))]),
  }));
}
