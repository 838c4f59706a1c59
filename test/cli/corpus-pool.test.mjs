// The corpus command's encoder pool: --threads N is the calling (reading) thread and N - 1
// workers, and the calling thread encodes a job itself only once every worker has a backlog;
// whoever encodes a job, the results are the inline encoder's, in submission order.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { counted, untilWorkerReady } from '../support/pool-probe.mjs';

const require = createRequire(import.meta.url);
const { WorkerPool, inlineEncoder } = require('../../dist/cjs/cli/pool.js');
const { getEncoding } = require('../../dist/cjs/index.js');

const enc = getEncoding('cl100k_base');
const pools = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

const ports = () => process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort').length;

function packed(texts) {
  const parts = texts.map((text) => Buffer.from(text));
  const bytes = new Uint8Array(Buffer.concat(parts));
  let at = 0;
  const ends = Uint32Array.from(parts, (part) => (at += part.length));
  return { bytes, ends, eot: enc.eotToken, eotOnEmpty: true };
}

// Six jobs submitted in one loop to a pool of one ready worker. The first three are large (5 x 400 KB): the worker, on its own core, cannot finish
// one while the six are submitted (with small ones it could, and take a fourth), so where each
// goes is known. inlineCalls counts the documents the calling thread encoded.
async function burst() {
  const { encoding, calls } = counted(enc);
  const pool = new WorkerPool({ name: 'cl100k_base' }, encoding, undefined, 2);
  pools.push(pool);
  await untilWorkerReady(pool, calls);
  calls.n = 0;
  const jobs = Array.from({ length: 6 }, (_, j) => Array.from({ length: 5 }, (_, i) => `job ${j} document ${i}: ${'some words '.repeat(j < 3 ? 36_000 + i : i * 7 + j)}`));
  const packs = jobs.map(packed); // packed before any is submitted: the six go in one loop
  const results = await Promise.all(packs.map((job) => pool.submitDocuments(job)));
  return { jobs, results, inlineCalls: calls.n };
}

// Each job's ids and lengths are the inline encoder's, in order.
async function expectInlineResults(results, jobs) {
  const inline = inlineEncoder(enc, undefined);
  for (let j = 0; j < jobs.length; j++) {
    const want = await inline.submitDocuments(packed(jobs[j]));
    expect([...results[j].ids]).toEqual([...want.ids]);
    expect([...results[j].lengths]).toEqual([...want.lengths]);
  }
}

describe('WorkerPool', () => {
  it.each([2, 3])('--threads %i starts one worker fewer, with the second job: the calling thread encodes too', async (threads) => {
    const before = ports();
    const pool = new WorkerPool({ name: 'cl100k_base' }, enc, undefined, threads);
    pools.push(pool);
    await pool.submit(['one']);
    expect(ports() - before).toBe(0);
    await pool.submit(['two']);
    expect(ports() - before).toBe(threads - 1);
  });

  it('a burst of jobs: the worker takes a backlog of 3 once ready, the calling thread the rest, the results are the inline ones in order', async () => {
    // Three posted, then inline (see burst).
    const { jobs, results, inlineCalls } = await burst();
    expect(inlineCalls).toBe(3 * 5);
    await expectInlineResults(results, jobs);
  });
});
