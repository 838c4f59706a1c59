// trainAsync collects its input in slices of a few ms with turns of the event loop between them:
// an input at hand (an array, a generator) of fewer documents than one batch was read in one go,
// and on a loaded machine that one pause was 40% of a 1 MB run (test/api/train-async-thread).
// And the batches it lends to the count in flight (counted in place, not copied) are never written
// before that count ends: many small batches train what train (which copies each batch) trains.
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';
import { madeUpCorpus } from '../support/made-up-corpus.mjs';

describe('trainAsync reads its input in slices', () => {
  it('timers fire while a generator of 200 slow documents is read', async () => {
    // Each document takes 0.5 ms to make: 100 ms of reading, in one batch, fewer than 1024 documents.
    const words = madeUpCorpus(64 << 10, 3, { bytesPerWord: 20, maxLetters: 8, wordsPerDocument: 100, sentenceWords: 13, skew: 2 });
    let ticks = 0;
    const during = [];
    function* documents() {
      for (let k = 0; k < 200; k++) {
        const until = performance.now() + 0.5;
        while (performance.now() < until);
        during.push(ticks);
        yield words[k % words.length];
      }
    }
    const timer = setInterval(() => ticks++, 1);
    try {
      const r = await trainAsync(documents(), { vocabSize: 300 });
      expect(r.tokens.length).toBe(300);
    } finally {
      clearInterval(timer);
    }
    // One turn per 2 ms of reading at least: about 50, unless the machine stalls the process.
    expect(during.at(-1) - during[0]).toBeGreaterThanOrEqual(10);
  });
});

describe('trainAsync reads the clock every few documents, not every one', () => {
  // The clock is read at a stride that follows the pace of the input: once per document on slow
  // documents (the test above), a few times per 2 ms on fast ones, and back to once per document
  // when fast documents turn slow.
  const fast = Array.from({ length: 20000 }, (_, k) => Buffer.from(`word${k % 97} other${k % 13}\n`));
  const slow = (count, ms) => function* () {
    for (let k = 0; k < count; k++) {
      const until = performance.now() + ms;
      while (performance.now() < until);
      yield fast[k];
    }
  };

  it('fewer clock readings than a tenth of the documents on fast ones', async () => {
    const now = performance.now;
    let calls = 0;
    performance.now = function () {
      calls++;
      return Reflect.apply(now, this, []);
    };
    try {
      await trainAsync(fast, { vocabSize: 260 });
    } finally {
      performance.now = now;
    }
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(fast.length / 10);
  });

  it('timers fire while slow documents follow fast ones', async () => {
    let ticks = 0;
    const during = [];
    function* documents() {
      yield* fast;
      for (const doc of slow(200, 0.5)()) {
        during.push(ticks);
        yield doc;
      }
    }
    const timer = setInterval(() => ticks++, 1);
    try {
      await trainAsync(documents(), { vocabSize: 260 });
    } finally {
      clearInterval(timer);
    }
    // 100 ms of slow documents after the fast ones: about 50 turns, at least 10 unless the machine stalls.
    expect(during.at(-1) - during[0]).toBeGreaterThanOrEqual(10);
  });
});

describe('lent batches are not written while counted', () => {
  useTrainBatchBytes(64 << 10);

  it('trainAsync over about 12 batches of 64 KiB gives what train gives, on 1 and 2 threads', async () => {
    const docs = madeUpCorpus(0.8e6, 41, { bytesPerWord: 30, maxLetters: 8, wordsPerDocument: 60, sentenceWords: 9, skew: 2 });
    const summary = (r) => ({ merges: Array.from(r.merges), counts: Array.from(r.mergeCounts), chunks: r.chunks });
    const expected = summary(train(docs, { vocabSize: 450, chunking: 'lines' }));
    expect(expected.merges.length).toBeGreaterThan(3 * 150);
    expect(summary(await trainAsync(docs, { vocabSize: 450, chunking: 'lines' }))).toEqual(expected);
    expect(summary(await trainAsync(docs, { vocabSize: 450, chunking: 'lines', threads: 2 }))).toEqual(expected);
  });
});
