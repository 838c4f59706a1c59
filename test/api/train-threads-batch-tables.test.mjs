// With several counting threads, thread 0 counts into the chunk table and each other thread into
// a table of its own for the batch; after the batch the threads add those tables to the chunk
// table, each thread its own set of the 64 shards. So there is one table after every batch,
// whatever the thread count: each progress report's `chunks` is the distinct count so far, as one
// thread's is, and a document bigger than a batch (one part, cut by one thread, while the others
// have nothing to count) trains what one thread trains, on 2, 3 and 5 threads (64 shards do not
// split evenly over 3 or 5).
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';
import { madeUpCorpus } from '../support/made-up-corpus.mjs';

// 256 KiB batches: up to four threads each (a thread per 64 KiB at most).
const BATCH = 256 << 10;
const docs = madeUpCorpus(1.2e6, 41, { bytesPerWord: 40, maxLetters: 7, wordsPerDocument: 120, sentenceWords: 11, skew: 2 });
// About 1.5 MB as one document: counted alone (it is over a batch), as one part by documents.
const big = madeUpCorpus(1.5e6, 42, { bytesPerWord: 30, maxLetters: 8, wordsPerDocument: 200, sentenceWords: 9, skew: 2 }).join(' ');

const summary = (r) => ({ merges: Array.from(r.merges), counts: Array.from(r.mergeCounts), chunks: r.chunks });

describe('counting threads with batch tables added to the chunk table after each batch', () => {
  useTrainBatchBytes(BATCH);

  it('every progress report gives the distinct chunks so far, on 1, 2 and 3 threads alike', () => {
    const reports = (threads) => {
      const chunks = [];
      train(docs, { vocabSize: 257, chunking: 'lines', threads, onProgress: (p) => chunks.push(p.chunks) });
      return chunks;
    };
    const one = reports(1);
    expect(one.length).toBeGreaterThanOrEqual(4);
    // The corpus keeps bringing new chunks, so a sum over per-thread tables would differ.
    expect(one.at(-2)).toBeLessThan(one.at(-1));
    expect(reports(2)).toEqual(one);
    expect(reports(3)).toEqual(one);
  });

  it('a document over a batch, by documents: 2, 3 and 5 threads train what 1 trains', async () => {
    expect(big.length).toBeGreaterThan(4 * BATCH);
    const input = [...docs.slice(0, 50), big, ...docs.slice(50, 100)];
    const options = { vocabSize: 600, chunking: 'documents', tieBreak: 'huggingface' };
    const one = summary(train(input, { ...options, threads: 1 }));
    expect(one.merges.length).toBeGreaterThan(3 * 300);
    expect(summary(train(input, { ...options, threads: 2 }))).toEqual(one);
    expect(summary(train(input, { ...options, threads: 3 }))).toEqual(one);
    expect(summary(await trainAsync(input, { ...options, threads: 5 }))).toEqual(one);
  });
});
