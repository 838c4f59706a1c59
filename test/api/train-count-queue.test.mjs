// trainAsync on the addon hands the core the next batch while the current one is counted (two
// counts queued, the counting threads going from one batch straight to the next): at some point
// of a run of many batches two counts are in the addon at once, and still every progress report
// comes in batch order with the distinct chunks right after its batch (what train reports), the
// merges are train's, a thrown onProgress ends the run with its error and is not called again, and
// the trainer's calls end before trainAsync settles.
import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { train, trainAsync } from '../../index.mjs';
import { useTrainBatchBytes } from '../support/train-batches.mjs';
import { madeUpCorpus } from '../support/made-up-corpus.mjs';

const require = createRequire(import.meta.url);
const { native } = require('../../dist/cjs/native.js');
const addon = native.backend !== 'wasm' && typeof native.Trainer === 'function';

// 256 KiB batches: four threads' worth of parts, about eight batches.
useTrainBatchBytes(256 << 10);
const docs = madeUpCorpus(2e6, 31, { bytesPerWord: 40, maxLetters: 8, wordsPerDocument: 150, sentenceWords: 13, skew: 2 }).map((d) => Buffer.from(d));

// The addon's Trainer replaced by a subclass whose countAsync records how many of its jobs are in
// flight at each call (the class's own methods are read-only).
let restore;
function watchCounts() {
  const Original = native.Trainer;
  const seen = { inFlight: 0, most: 0, calls: 0 };
  class Watched extends Original {
    countAsync(...args) {
      const job = super.countAsync(...args);
      seen.calls++;
      if (job instanceof Promise) {
        seen.most = Math.max(seen.most, ++seen.inFlight);
        job.finally(() => seen.inFlight--).catch(() => {});
      }
      return job;
    }
  }
  Watched.gather = Original.gather;
  native.Trainer = Watched;
  restore = () => {
    native.Trainer = Original;
    restore = undefined;
  };
  return seen;
}
afterEach(() => restore?.());

describe('trainAsync with the next batch queued', () => {
  it('reports every batch in order with the chunks after it, as train does, and merges alike', async () => {
    const options = { vocabSize: 600, threads: 2, chunking: 'lines', tieBreak: 'huggingface' };
    const expected = [];
    const sync = train(docs, { ...options, onProgress: (p) => expected.push({ ...p }) });
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const seen = addon ? watchCounts() : undefined;
    const reports = [];
    const r = await trainAsync(docs, { ...options, onProgress: (p) => reports.push({ ...p }) });
    expect(reports).toEqual(expected);
    expect(r.merges).toEqual(sync.merges);
    expect(Array.from(r.mergeCounts)).toEqual(Array.from(sync.mergeCounts));
    expect(r.chunks).toBe(sync.chunks);
    if (seen) {
      expect(seen.calls).toBe(expected.length);
      expect(seen.most).toBe(2);
    }
  });

  it('a thrown onProgress rejects trainAsync with its error, with no report after it', async () => {
    const seen = addon ? watchCounts() : undefined;
    const boom = new Error('stop at the second batch');
    let calls = 0;
    const run = trainAsync(docs, {
      vocabSize: 300,
      threads: 2,
      onProgress: () => {
        if (++calls === 2) throw boom;
      },
    });
    await expect(run).rejects.toBe(boom);
    expect(calls).toBe(2);
    if (seen) expect(seen.inFlight).toBe(0); // no count left running after trainAsync settled
  });
});
