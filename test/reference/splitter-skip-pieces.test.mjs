// A Sequence step passes whole every piece in which no byte can begin a match (native/core/regex/
// splitter.cpp, over the DFA's start bytes, LazyDfa::next_start): exact only if those bytes are
// a superset of every match's first byte, in every context. Against Hugging Face `tokenizers`
// running the same Split steps, for steps that match rarely (digits, CJK runs, Cyrillic words,
// characters that share a UTF-8 lead byte with ones that cannot match, lookahead), in
// every behavior and `invert`, after first steps that cut the text into many pieces, on random
// texts and on adversarial ones (a match at a piece's first or last byte, long stretches with none).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { randomText, rng } from '../support/random-text.mjs';
import { comparePieceLists } from '../support/piece-lists.mjs';
import { compilePattern } from '../support/regexp-matches.mjs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const { createSplitter, SplitMode } = require('../../dist/cjs/pattern-matcher.js');

const BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

function hfPreTokenizer(steps) {
  const json = {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, post_processor: null, decoder: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: steps.map(([regex, behavior, invert]) => ({ type: 'Split', pattern: { Regex: regex }, behavior, invert })) },
    model: { type: 'BPE', vocab: { a: 0 }, merges: [] },
  };
  return Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer();
}

function ourSplitter(steps) {
  return createSplitter(steps.map(([regex, behavior, invert]) => ({ program: compilePattern(regex), mode: SplitMode[behavior], invert })));
}

function compare(steps, texts) {
  const hf = hfPreTokenizer(steps);
  const splitter = ourSplitter(steps);
  const ours = (text) => {
    const bytes = Buffer.from(text, 'utf8');
    const pairs = splitter.split(bytes);
    const pieces = [];
    for (let k = 0; k < pairs.length; k += 2) pieces.push(bytes.subarray(pairs[k], pairs[k + 1]).toString('utf8'));
    return pieces;
  };
  const result = comparePieceLists(texts, ours, (text) => hf.preTokenizeString(text).map(([piece]) => piece));
  if (result.first) result.first.steps = steps;
  return result;
}

// Steps whose matches start at few bytes. `[一-龥]+` and `\p{Cyrillic}+`: their lead bytes also
// lead characters that cannot match (U+4000, U+0500), which the skip stops at and the DFA refuses.
const SPARSE = [
  '\\p{N}{1,3}',
  '[一-龥぀-ゟ゠-ヿ]+',
  '[一-龥]+',
  '[а-яА-Я]+',
  'é+|ß',
  '\\$\\d*',
  '(?i:qu)',
  'x(?!\\S)',
  '\\t+(?!\\S)',
  '😀+',
];
// First steps that leave many pieces, some of them ending right before or right after a sparse
// step's match.
const FIRSTS = [
  ['\\s+', 'Isolated', false],
  ['\\p{N}{1,3}', 'Isolated', false],
  ['[.,!?]', 'MergedWithPrevious', false],
  ['\\p{L}+', 'Removed', true],
];

const ATOMS = ['1', '22', '333', '4444', '中', '文字', 'ひら', 'カタ', '䀀', 'Ԁ', 'ж', 'Жук', 'é', 'ß', 'e', '$', '$12', 'qu', 'QU', 'q', 'x',
  'z', '\t', '\t\t ', ' ', '  ', '\n', '.', ',', '!', 'word', 'Ü', '😀', '😁', 'a'];

function adversarial(next, count) {
  const out = [];
  for (let n = 0; n < count; n++) {
    // A long stretch where nothing can start, then a few atoms at its edges.
    let t = '';
    const parts = 1 + Math.floor(next() * 6);
    for (let p = 0; p < parts; p++) {
      t += ATOMS[Math.floor(next() * ATOMS.length)];
      if (next() < 0.5) t += 'plain text, no starts '.repeat(1 + Math.floor(next() * 40));
      t += ATOMS[Math.floor(next() * ATOMS.length)];
    }
    out.push(t);
  }
  return out;
}

const next = rng(0x5c1b);
const TEXTS = [
  '', 'a', '1', '中', 'x', 'z', 'plain', 'x plain z', '中 plain 文', 'plain\t\t', '$', 'é', '䀀中䀀', 'ԀжԀ', '😁😀😁',
  ...ATOMS,
  ...Array.from({ length: 80 }, () => ATOMS.map(() => ATOMS[Math.floor(next() * ATOMS.length)]).join('')),
  ...Array.from({ length: 60 }, () => randomText(next, 3 + Math.floor(next() * 40))),
  ...adversarial(next, 60),
];

describe('a step passes whole the pieces none of whose bytes can begin its match', () => {
  const cases = [];
  let n = 0;
  for (const sparse of SPARSE) {
    for (const first of FIRSTS) {
      const behavior = BEHAVIORS[n % BEHAVIORS.length];
      const invert = n % 3 === 1;
      cases.push([`${first[0]} then ${sparse} ${behavior}${invert ? ' invert' : ''}`, [first, [sparse, behavior, invert]]]);
      n++;
    }
    // The sparse step first and again last, around a step that cuts everything.
    cases.push([`${sparse} around \\p{L}+|.`, [[sparse, 'Isolated', false], ['\\p{L}+|.', 'Isolated', false], [sparse, BEHAVIORS[n++ % 5], n % 2 === 0]]]);
  }
  // Removed with invert drops a piece with no match: every sparse step in that form.
  for (const sparse of SPARSE) cases.push([`\\s+ then ${sparse} Removed invert`, [FIRSTS[0], [sparse, 'Removed', true]]]);

  it.each(cases)('%s', (_name, steps) => {
    const result = compare(steps, TEXTS);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
  });

  it("DeepSeek-V3's Splits on a long text of prose and digits", () => {
    const steps = [
      ['\\p{N}{1,3}', 'Isolated', false],
      ['[一-龥぀-ゟ゠-ヿ]+', 'Isolated', false],
      ["[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+", 'Isolated', false],
    ];
    const long = Array.from({ length: 400 }, (_, k) => (k % 7 === 0 ? `in ${k * 37} years 中文 ` : 'the quick brown fox, jumps. ')).join('');
    const result = compare(steps, [long, long.replace(/中文/g, ''), ...adversarial(next, 20)]);
    expect(result.first).toBeUndefined();
    expect(result.mismatches).toBe(0);
  });
});
