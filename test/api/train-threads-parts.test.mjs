// Within a batch the counting threads take parts from a shared counter, each part a quarter of
// what is left per thread (at least 64 KiB), cut at a line or document boundary, and the threads
// are kept from batch to batch. Whatever the cuts: 1, 2, 3 and 4 threads train the same merges
// and counts as one, on whole 4 MB batches of mixed documents (short ones, documents of 200-700 KiB
// that hold several parts or swallow a cut, empty ones, non-Latin text), by lines and by documents.
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { madeUpCorpus } from '../support/made-up-corpus.mjs';

const words = madeUpCorpus(1.2e6, 77, { bytesPerWord: 30, maxLetters: 8, wordsPerDocument: 150, sentenceWords: 11, skew: 2 });
const docs = [];
for (let k = 0; k < words.length; k++) {
  docs.push(k % 9 === 0 ? `${words[k]} ${'дом мир '.repeat(1 + (k % 5))}日本語のテキスト\n` : words[k]);
  if (k % 40 === 0) docs.push('');
  // A long document every so often: several parts' worth of lines, or one part alone by documents.
  if (k % 150 === 75) docs.push(words.slice(k, k + 30 + (k % 60)).join('\n').repeat(10));
}

const summary = (r) => ({ merges: Array.from(r.merges), counts: Array.from(r.mergeCounts), chunks: r.chunks });

describe('the parts of a batch and the kept threads', () => {
  it('the corpus fills more than one 4 MB batch', () => {
    const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
    expect(bytes).toBeGreaterThan(4.5 * 2 ** 20);
    expect(docs.some((d) => d.length > 200 << 10)).toBe(true);
  });

  it('by lines: 2, 3 and 4 threads train what 1 trains', () => {
    const options = { vocabSize: 500, chunking: 'lines', tieBreak: 'huggingface' };
    const one = summary(train(docs, { ...options, threads: 1 }));
    expect(one.merges.length).toBeGreaterThan(3 * 200);
    for (const threads of [2, 3, 4]) expect(summary(train(docs, { ...options, threads }))).toEqual(one);
  });

  it('by documents: 2 and 4 threads train what 1 trains, with train and trainAsync', async () => {
    const options = { vocabSize: 500, chunking: 'documents', pattern: 'o200k' };
    const one = summary(train(docs, { ...options, threads: 1 }));
    expect(summary(train(docs, { ...options, threads: 4 }))).toEqual(one);
    expect(summary(await trainAsync(docs, { ...options, threads: 2 }))).toEqual(one);
  });
});
