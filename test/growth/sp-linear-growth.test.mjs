// Never quadratic on SentencePiece-style files: Llama 2 has no pre-tokenizer (a whole text is one
// word) and Gemma 3's split never applies after its normalizer, so a long text with no meta space
// to cut at is one merge over all of it. 4x the text must take about 4x the CPU time (the merge
// is a heap over the word, O(n log n)); a quadratic merge takes 16x.
import { describe, expect, it } from 'vitest';
import { modelEncoding } from '../support/model-encodings.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { repeatToBytes } from '../support/worst-cases.mjs';

const SMALL = 1 << 18;
const LARGE = 4 * SMALL;
// The merge keeps 16 bytes of symbol and up to 24 of heap per character: 256 KB of text is past
// the L2 cache, 1 MB past most L3 shares, which alone takes the ratio to 6x on a loaded machine
// (measured: 38 and 235 ms of user time for Llama 2's letters). A quadratic merge takes 16x; 12x
// leaves room for load, as in linear-growth.
const MAX_RATIO = 12;

// Letters with no meta space: one part, merges all over it; and a mixed text whose characters
// need byte fallback between the pieces.
const UNITS = {
  letters: 'abcdefghijklmnopqrstuvwxyzetaoinshrdlu',
  'letters and byte fallback': 'qwertyuiop𠜎😀asdf\u0001ghjkl',
};

describe.each(['llama2', 'gemma3'])('%s grows linearly on one long word', (model) => {
  const enc = modelEncoding(model);
  it.each(Object.entries(UNITS))('%s', (_label, unit) => {
    const small = repeatToBytes(unit, SMALL);
    const large = repeatToBytes(unit, LARGE);
    enc.count(small); // warm up
    const ratio = cpuGrowth(() => enc.count(small), () => enc.count(large), { bound: MAX_RATIO, runs: 2 });
    expect(ratio).toBeLessThan(MAX_RATIO);
    expect(enc.decode(enc.encode(small)).length).toBeGreaterThan(0);
  });
});
