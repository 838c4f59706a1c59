// The corpus command's encoder pool hands work back and forth so that both threads stay busy:
// a worker gets jobs only once its encoding is loaded (before that the calling thread encodes
// them), and a job whose input is shared (strings, or bytes in a SharedArrayBuffer) can be
// encoded by the calling thread while it still waits at the worker (steal), which then skips it.
// Whoever encodes a job, its result is the inline encoder's.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { counted, untilWorkerReady } from '../support/pool-probe.mjs';

const require = createRequire(import.meta.url);
const { WorkerPool, inlineEncoder } = require('../../dist/cjs/cli/pool.js');
const { getEncoding } = require('../../dist/cjs/index.js');

const enc = getEncoding('cl100k_base');
const inline = inlineEncoder(enc, undefined);
const pools = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

// Documents packed end to end, in shared memory (stealable) or not (moved to the worker).
function packed(texts, shared) {
  const parts = texts.map((text) => Buffer.from(text));
  const size = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
  const ends = shared ? new Uint32Array(new SharedArrayBuffer(4 * parts.length)) : new Uint32Array(parts.length);
  let at = 0;
  parts.forEach((part, i) => {
    bytes.set(part, at);
    ends[i] = at += part.length;
  });
  return { bytes, ends, eot: enc.eotToken, eotOnEmpty: true };
}

async function readyPool(threads = 2) {
  const { encoding, calls } = counted(enc);
  const pool = new WorkerPool({ name: 'cl100k_base' }, encoding, undefined, threads);
  pools.push(pool);
  await untilWorkerReady(pool, calls);
  return { pool, calls };
}

const docs = (j, n = 4) => Array.from({ length: n }, (_, i) => `job ${j}, document ${i}: ${'Some words, and some more. '.repeat(20 + i + j)}`);

async function expectInline(result, texts) {
  const want = await inline.submitDocuments(packed(texts, false));
  expect([...result.ids]).toEqual([...want.ids]);
  expect([...result.lengths]).toEqual([...want.lengths]);
}

describe('WorkerPool: start-up and stealing', () => {
  it('jobs submitted before the worker has loaded its encoding are encoded on the calling thread', async () => {
    const { encoding, calls } = counted(enc);
    const pool = new WorkerPool({ name: 'cl100k_base' }, encoding, undefined, 2);
    pools.push(pool);
    const jobs = Array.from({ length: 5 }, (_, j) => docs(j));
    const results = await Promise.all(jobs.map((texts) => pool.submitDocuments(packed(texts, true))));
    expect(calls.n).toBe(5 * 4);
    expect(pool.workerJobs).toBe(0);
    for (let j = 0; j < jobs.length; j++) await expectInline(results[j], jobs[j]);
  });

  it('a pool given one job never starts a worker', async () => {
    const before = process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort').length;
    const pool = new WorkerPool({ name: 'cl100k_base' }, enc, undefined, 2);
    pools.push(pool);
    await pool.submit(['the only job']);
    expect(process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort').length).toBe(before);
  });

  it('steal() encodes the newest shared jobs waiting behind a busy worker, the worker skips them, results stay in order', async () => {
    const { pool, calls } = await readyPool();
    const probes = pool.workerJobs;
    // A long job the worker is busy with (moved to it, so not stealable), then two shared ones.
    const long = docs('long', 1).map((text) => text.repeat(2000));
    const jobs = [long, docs(1), docs(2)];
    const results = [pool.submitDocuments(packed(long, false)), pool.submitDocuments(packed(jobs[1], true)), pool.submitDocuments(packed(jobs[2], true))];
    calls.n = 0;
    expect(pool.steal()).toBe(true);
    expect(calls.n).toBe(4); // job 2, the newest
    expect(pool.steal()).toBe(true);
    expect(calls.n).toBe(8);
    expect(pool.steal()).toBe(false); // the long job was moved to the worker
    const done = await Promise.all(results);
    for (let j = 0; j < jobs.length; j++) await expectInline(done[j], jobs[j]);
    // The worker encoded the long job alone; a later job still goes to it and comes back.
    expect(pool.workerJobs - probes).toBe(1);
    await expectInline(await pool.submitDocuments(packed(docs(3), true)), docs(3));
    expect(pool.workerJobs - probes).toBe(2);
  });

  it('nothing to steal once the worker has taken a job, and without a worker', async () => {
    const { pool } = await readyPool();
    const probes = pool.workerJobs;
    const result = pool.submit(docs(9));
    // The worker claims it as it starts (and has, once it counts it done); its result may not be in yet.
    for (let i = 0; i < 2000 && pool.workerJobs === probes; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(pool.steal()).toBe(false);
    const got = await result;
    const want = await inline.submit(docs(9));
    expect([...got.ids]).toEqual([...want.ids]);
    const idle = new WorkerPool({ name: 'cl100k_base' }, enc, undefined, 2);
    pools.push(idle);
    expect(idle.steal()).toBe(false);
  });
});
