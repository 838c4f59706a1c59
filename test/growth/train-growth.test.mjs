// Never quadratic: at a fixed vocabulary size, training on 4x the text takes about 4x the CPU time
// (counting is linear in the text; merging touches only the words that hold each merged pair). A
// table whose cost per item grows with its size takes the ratio far past it.
import { describe, expect, it } from 'vitest';
import { train } from '../../index.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { madeUpCorpus } from '../support/made-up-corpus.mjs';

const SMALL = 1 << 18;
// Measured: 2.75x (bytes) and 3.20x (huggingface), the distinct words growing with the text. A
// chunk table whose hash keeps only length and first byte (probing grows with the table) measured
// 11-13x; a quadratic trainer 16x.
const MAX_RATIO = 8;

// Words drawn from a Zipf-like list of made-up words, one list word per 40 bytes of text: the
// distinct words, and with them the merge phase's work, grow with the text.
const corpus = (bytes, seed) => madeUpCorpus(bytes, seed, { bytesPerWord: 40, maxLetters: 8, wordsPerDocument: 100, sentenceWords: 13, skew: 3 });

describe('training time grows linearly with the corpus', () => {
  it.each(['bytes', 'huggingface'])("tieBreak '%s', 2000 tokens", (tieBreak) => {
    const small = corpus(SMALL, 1);
    const large = corpus(4 * SMALL, 2);
    const options = { vocabSize: 2000, tieBreak };
    train(small, options); // warm up
    const ratio = cpuGrowth(() => train(small, options), () => train(large, options), { bound: MAX_RATIO, runs: 2 });
    expect(ratio).toBeLessThan(MAX_RATIO);
  });
});
