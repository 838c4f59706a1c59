// trainAsync on the native addon runs the counting and the merges off the event loop (libuv's
// thread pool): timers keep firing while it trains, the longest pause between two of them is a
// small part of the whole run (the JS thread only collects each batch of input), and trainAsync
// calls in parallel give what train gives.
import { describe, expect, it } from 'vitest';
import { train, trainAsync } from '../../index.mjs';
import { madeUpCorpus } from '../support/made-up-corpus.mjs';

// Made-up words from a skewed list: many distinct words, so that both the counting and the merge
// phase (2000 tokens) take a while.
const corpus = (bytes, seed) => madeUpCorpus(bytes, seed, { bytesPerWord: 30, maxLetters: 9, wordsPerDocument: 200, sentenceWords: 17, skew: 2 });

/** Runs fn while a 1 ms interval counts ticks: the ticks, and the longest pause between ticks (and before the first, after the last) as a share of the run. */
async function ticking(fn) {
  const stamps = [];
  const timer = setInterval(() => stamps.push(performance.now()), 1);
  const start = performance.now();
  const value = await fn();
  const end = performance.now();
  clearInterval(timer);
  const points = [start, ...stamps, end];
  let longest = 0;
  for (let k = 1; k < points.length; k++) longest = Math.max(longest, points[k] - points[k - 1]);
  return { value, ticks: stamps.length, longestShare: longest / (end - start) };
}

describe('trainAsync leaves the event loop free', () => {
  const docs = corpus(1 << 20, 5);
  const options = { vocabSize: 2000, threads: 2 };

  it('timers fire throughout a training run', async () => {
    const { value, ticks, longestShare } = await ticking(() => trainAsync(docs, options));
    expect(value.tokens.length).toBe(2000);
    expect(ticks).toBeGreaterThan(20);
    // On the calling thread the merge phase alone was one pause of most of the run.
    expect(longestShare).toBeLessThan(0.4);
  });

  it('two trainAsync calls in parallel give what train gives', async () => {
    const one = { vocabSize: 800, threads: 2 };
    const other = { vocabSize: 600, tieBreak: 'huggingface', chunking: 'lines' };
    const half = docs.slice(0, docs.length >> 1);
    const [a, b] = await Promise.all([trainAsync(half, one), trainAsync(half, other)]);
    const expectedA = train(half, one);
    const expectedB = train(half, other);
    expect(a.merges).toEqual(expectedA.merges);
    expect(Array.from(a.mergeCounts)).toEqual(Array.from(expectedA.mergeCounts));
    expect(b.merges).toEqual(expectedB.merges);
    expect(b.encoding.encode(half[0])).toEqual(expectedB.encoding.encode(half[0]));
  });
});
