// train's result does not depend on the number of counting threads: 1, 2 and 3 threads give the
// same merges, merge counts and distinct chunks on a corpus of several batches (the batch size is
// lowered so that a small corpus spans many), by lines and by documents, with train and with
// trainAsync, and with maxChunks (pruning after every batch). Thread 0 counts into the trainer's
// table and each other thread into a table of its own for the batch, added to the trainer's after
// the batch; a chunk held by two threads must be counted once with both counts.
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';
import { madeUpCorpus } from '../support/made-up-corpus.mjs';

// 256 KiB batches: enough for three threads (a thread per 64 KiB at most), about six of them.
const BATCH = 256 << 10;
// Made-up words with letter runs, so that many pairs tie and the tie-break decides.
const docs = madeUpCorpus(1.5e6, 27, { bytesPerWord: 40, maxLetters: 7, wordsPerDocument: 120, sentenceWords: 11, skew: 2 }).map((d, k) =>
  k % 5 === 0 ? `${d} ${'aa'.repeat(1 + (k % 7))} ${'ab'.repeat(1 + (k % 3))}\n` : d,
);

function summary(r) {
  return { merges: Array.from(r.merges), counts: Array.from(r.mergeCounts), chunks: r.chunks, alphabet: r.alphabet };
}

describe('counting threads do not change what is trained', () => {
  useTrainBatchBytes(BATCH);

  it('the corpus spans several batches', () => {
    const reports = [];
    train(docs, { vocabSize: 257, threads: 2, onProgress: (p) => reports.push(p) });
    expect(reports.length).toBeGreaterThanOrEqual(5);
  });

  it('train, chunking by lines: 1, 2 and 3 threads give the same merges', () => {
    const options = { vocabSize: 700, tieBreak: 'huggingface', chunking: 'lines', pattern: 'cl100k' };
    const one = summary(train(docs, { ...options, threads: 1 }));
    expect(one.merges.length).toBeGreaterThan(3 * 300);
    expect(summary(train(docs, { ...options, threads: 2 }))).toEqual(one);
    expect(summary(train(docs, { ...options, threads: 3 }))).toEqual(one);
  });

  it('trainAsync, chunking by documents: 1, 2 and 3 threads give the same merges', async () => {
    const options = { vocabSize: 700, tieBreak: 'bytes', chunking: 'documents', pattern: 'gpt2' };
    const one = summary(await trainAsync(docs, { ...options, threads: 1 }));
    expect(summary(await trainAsync(docs, { ...options, threads: 2 }))).toEqual(one);
    expect(summary(await trainAsync(docs, { ...options, threads: 3 }))).toEqual(one);
  });

  it('with maxChunks: 1, 2 and 3 threads give the same merges', () => {
    const options = { vocabSize: 600, chunking: 'lines', maxChunks: 4000 };
    const one = summary(train(docs, { ...options, threads: 1 }));
    expect(one.chunks).toBeLessThanOrEqual(4000);
    expect(summary(train(docs, { ...options, threads: 2 }))).toEqual(one);
    expect(summary(train(docs, { ...options, threads: 3 }))).toEqual(one);
  });

  it('the last progress report gives the distinct chunks, as the result does', async () => {
    const reports = [];
    const r = await trainAsync(docs, { vocabSize: 300, threads: 2, onProgress: (p) => reports.push(p) });
    expect(reports.at(-1).chunks).toBe(r.chunks);
    expect(r.chunks).toBe(train(docs, { vocabSize: 300, threads: 1 }).chunks);
  });
});
