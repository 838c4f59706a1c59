// Tens of thousands of distinct short chunks (up to 16 bytes, held in their slot), some
// counted thousands of times and most a few times, over several batches: the distinct count and
// every merge's count must be the reference's, on 1, 2 and 3 threads (each extra thread's batch
// table added to the chunk table after every batch), with train and trainAsync.
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { applyMerge, asTriples, bestPair, countChunks, GPT2_PATTERN, pairCounts, trainerState } from '../support/reference-trainer.mjs';
import { randomDocuments } from '../support/train-corpora.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';

const VOCAB = 256 + 40;
// 30,000 words of 1 to 16 letters from 8 (chunks of 2 to 17 bytes with their space).
const WORDS = 30000;
const wordText = (k) => {
  let s = '';
  for (let x = k, n = 1 + (k % 16); s.length < n; x = Math.floor(x / 8) + 7 * s.length + 1) s += 'abcdefgh'[x % 8];
  return ' ' + s;
};
// Index k drawn with density falling as a power of k: the first few words make most of the text.
const word = (random) => wordText(Math.floor(WORDS * random() ** 4));

function reference(counts) {
  const state = trainerState(counts);
  const merges = [];
  const mergeCounts = [];
  while (state.base + state.made < VOCAB) {
    const best = bestPair(pairCounts(state.words), state.order);
    merges.push([best.l, best.r, applyMerge(state, best.l, best.r)]);
    mergeCounts.push(best.count);
  }
  return { merges, mergeCounts, chunks: counts.size };
}

const summary = (r) => ({ merges: asTriples(r.merges), mergeCounts: Array.from(r.mergeCounts, Number), chunks: r.chunks });

describe('many distinct short chunks', () => {
  // 256 KiB batches: the corpus (about 1 MB) spans four or five, each counted on up to 4 threads.
  useTrainBatchBytes(256 << 10);
  const docs = randomDocuments(27, 8000, 40, word);
  const counts = countChunks(docs, GPT2_PATTERN);
  const expected = reference(counts);

  it('are counted exactly, whatever the thread count', async () => {
    // Many distinct short chunks, some counted many times, and chunks just over 16 bytes.
    const short = [...counts].filter(([c]) => c.length <= 16);
    expect(short.length).toBeGreaterThan(4 * 4096);
    expect(short.filter(([, n]) => n >= 50).length).toBeGreaterThan(200);
    expect([...counts.keys()].some((c) => c.length === 17)).toBe(true);
    expect(docs.join('').length).toBeGreaterThan(3.5 * (256 << 10));
    for (const threads of [1, 2, 3]) {
      expect(summary(train(docs, { vocabSize: VOCAB, pattern: 'gpt2', threads }))).toEqual(expected);
      expect(summary(await trainAsync(docs, { vocabSize: VOCAB, pattern: 'gpt2', threads }))).toEqual(expected);
    }
  });
});
