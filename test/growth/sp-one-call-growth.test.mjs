// Never quadratic on the one-call path of SentencePiece-style files (docs/sentencepiece.md): the
// added-token search reads at most the longest added token from each position, so texts made of
// added tokens, near misses of them (a trie walk that fails late) and short words must take about
// 4x the CPU time for 4x the text. A search restarted from the text's start after each match, or
// a copy of the rest of the text per segment, takes 16x.
import { describe, expect, it } from 'vitest';
import { modelEncoding } from '../support/model-encodings.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { repeatToBytes } from '../support/worst-cases.mjs';

const SMALL = 1 << 17;
const LARGE = 4 * SMALL;
// Linear is 4x; as in sp-linear-growth, room for cache effects and load, well under 16x.
const MAX_RATIO = 10;

const UNITS = {
  llama2: {
    'added tokens between words': '<s> a</s>b <unk>',
    'near misses of added tokens': '<s<unk<un</',
  },
  gemma3: {
    'newlines and words': 'ab\ncd\n\n e\t\tf▁▁g ',
    'near misses of added tokens': '<start_of_tur<end_of_tur<unused',
    'added tokens only': '<start_of_turn>\n<end_of_turn>\n\n',
  },
};

describe.each(Object.keys(UNITS))('%s: the one-call path grows linearly', (model) => {
  const enc = modelEncoding(model);
  it.each(Object.entries(UNITS[model]))('%s', (_label, unit) => {
    const small = repeatToBytes(unit, SMALL);
    const large = repeatToBytes(unit, LARGE);
    enc.count(small); // warm up
    const ratio = cpuGrowth(() => enc.count(small), () => enc.count(large), { bound: MAX_RATIO, runs: 3 });
    expect(ratio).toBeLessThan(MAX_RATIO);
    expect(enc.count(large)).toBeGreaterThan(3 * enc.count(small));
  });
});
