// Never quadratic: at a fixed vocabulary size, training on 4x the text takes about 4x the CPU time
// (counting is linear in the text; merging touches only the words that hold each merged pair). A
// trainer that recounted every pair after each merge, or rescanned the corpus, takes far more.
import { describe, expect, it } from 'vitest';
import { train } from '../../index.mjs';
import { cpuGrowth } from '../support/growth.mjs';
import { rng } from '../support/random-text.mjs';

const SMALL = 1 << 18;
// Linear is 4x; the larger run's tables leave the caches, which moves a loaded machine's ratio
// toward 6x. Quadratic is 16x.
const MAX_RATIO = 10;

// Words drawn from a Zipf-like list of made-up words, one list word per 40 bytes of text: the
// distinct words, and with them the merge phase's work, grow with the text.
function corpus(bytes, seed) {
  const random = rng(seed);
  const letters = 'etaoinshrdlucmfwypvbgkqjxz';
  const words = [];
  for (let k = 0; k < bytes / 40; k++) {
    let w = '';
    const n = 2 + Math.floor(random() * 8);
    for (let i = 0; i < n; i++) w += letters[Math.floor(letters.length * random() * random())];
    words.push(w);
  }
  const docs = [];
  let size = 0;
  while (size < bytes) {
    let doc = '';
    for (let i = 0; i < 100; i++) doc += (i % 13 === 12 ? '.\n' : ' ') + words[Math.floor(words.length * random() ** 3)];
    docs.push(doc);
    size += doc.length;
  }
  return docs;
}

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
