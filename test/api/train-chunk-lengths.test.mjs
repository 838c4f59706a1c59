// The chunk table keeps chunks of up to 16 bytes in their slot and longer ones in an arena
// (native/core/train/chunks.cpp). Chunks of 13 to 21 bytes that differ only in their last bytes
// (" " and up to 20 letters of "ab") must count as the reference counts them: when added, when a
// thread's batch table is added to the chunk table, and when a cap drops the rarest and the kept
// chunks are moved into a fresh arena.
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { asTriples, countChunks, GPT2_PATTERN, referenceMerges } from '../support/reference-trainer.mjs';
import { randomDocuments } from '../support/train-corpora.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';

// Words of 12 to 20 letters: every chunk length from 13 to 21 bytes, with its leading space.
const word = (random, pick) => ' ' + Array.from({ length: 12 + Math.floor(random() * 9) }, () => pick('ab')).join('');
const VOCAB = 256 + 60;

describe('chunks on both sides of the 16 bytes held in a slot', () => {
  // 256 KiB batches: the corpus (about 680 KB) spans three, each counted on two threads or more
  // (a thread per 64 KiB at most).
  useTrainBatchBytes(256 << 10);
  const docs = randomDocuments(5, 6000, 12, word);
  const expected = referenceMerges(countChunks(docs, GPT2_PATTERN), { vocabSize: VOCAB });

  it('1 and 2 threads, train and trainAsync, give the reference merges', async () => {
    const lengths = new Set([...countChunks(docs, GPT2_PATTERN).keys()].map((c) => c.length));
    expect([...lengths].sort((a, b) => a - b)).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(expected.length).toBe(60);
    expect(docs.join('').length).toBeGreaterThan(2.5 * (256 << 10));
    for (const threads of [1, 2]) {
      expect(asTriples(train(docs, { vocabSize: VOCAB, pattern: 'gpt2', threads }).merges)).toEqual(expected);
      expect(asTriples((await trainAsync(docs, { vocabSize: VOCAB, pattern: 'gpt2', threads })).merges)).toEqual(expected);
    }
  });

  it('a cap that drops the chunks seen once keeps the others and their counts', () => {
    // Each common chunk comes 3 times in the first document; then as many chunks seen once as
    // the cap, in one batch (one count, one prune to half the cap: only the ones seen once go).
    const common = randomDocuments(6, 400, 1, word).join('');
    const commonCounts = countChunks([common], GPT2_PATTERN);
    expect(commonCounts.size).toBeGreaterThan(200);
    const once = [];
    for (let k = 0; once.length < 1200; k++) {
      const w = ' ' + (k + 4096).toString(2).replaceAll('0', 'a').replaceAll('1', 'b').padStart(14 + (k % 6), 'a');
      if (!commonCounts.has(w)) once.push(w);
    }
    const input = [common.repeat(3), once.join('')];
    const r = train(input, { vocabSize: VOCAB, pattern: 'gpt2', maxChunks: 1200 });
    expect(r.chunks).toBe(commonCounts.size);
    const counts = new Map([...commonCounts].map(([c, n]) => [c, 3 * n]));
    expect(asTriples(r.merges)).toEqual(referenceMerges(counts, { vocabSize: VOCAB }));
  });
});
