// Servers load turbotoken in worker_threads: the addon must be context-aware (per-environment
// state only: js_errors.cpp keeps the error class in napi instance data), every thread must get
// the main thread's results, and many concurrent async calls must neither mix results nor leak.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { TurbotokenError, backend, getEncoding } from '../../index.mjs';
import { PARAGRAPHS } from '../support/compat-paragraphs.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const entry = path.resolve(require.resolve('../../dist/cjs/index.js'));
const NAMES = ['cl100k_base', 'o200k_base', 'gpt2'];

function sampleTexts() {
  const next = rng(0x3012);
  return [...PARAGRAPHS.slice(0, 8), ...Array.from({ length: 40 }, () => randomText(next, 40))];
}

// Everything a worker computes, as plain data; the main thread computes the same.
const WORK = `
const { parentPort, workerData } = require('node:worker_threads');
const t = require(workerData.entry);
async function work() {
  const out = { backend: t.backend, results: [] };
  for (let round = 0; round < workerData.rounds; round++) {
    for (const name of workerData.names) {
      const enc = t.getEncoding(name);
      for (const text of workerData.texts) {
        const ids = enc.encode(text, { allowedSpecial: 'all' });
        const [asyncIds, asyncCount] = await Promise.all([enc.encodeAsync(text, { disallowedSpecial: [] }), enc.countAsync(text, { allowedSpecial: 'all' })]);
        const row = [name, Array.from(ids), Array.from(asyncIds), asyncCount, enc.decode(ids), await enc.decodeAsync(asyncIds)];
        if (round === 0) out.results.push(row);
      }
      let error;
      try { enc.encode('x <|endoftext|>'); } catch (e) { error = e; }
      out.errorOk = error instanceof t.TurbotokenError && error.code === 'ERR_DISALLOWED_SPECIAL_TOKEN';
    }
  }
  return out;
}
work().then((out) => parentPort.postMessage(out), (e) => parentPort.postMessage({ failed: String(e && e.stack || e) }));
`;

async function mainResults(texts) {
  const results = [];
  for (const name of NAMES) {
    const enc = getEncoding(name);
    for (const text of texts) {
      const ids = enc.encode(text, { allowedSpecial: 'all' });
      const other = enc.encode(text, { disallowedSpecial: [] });
      results.push([name, [...ids], [...other], ids.length, enc.decode(ids), enc.decode(other)]);
    }
  }
  return results;
}

function runWorker(texts, rounds) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORK, { eval: true, workerData: { entry, names: NAMES, texts, rounds } });
    worker.once('message', (m) => worker.terminate().then(() => resolve(m)));
    worker.once('error', reject);
  });
}

describe('worker_threads', () => {
  it('4 workers at once get the main thread results and their own error class', async () => {
    const texts = sampleTexts();
    const expected = await mainResults(texts);
    const outputs = await Promise.all([0, 1, 2, 3].map(() => runWorker(texts, 3)));
    for (const out of outputs) {
      expect(out.failed).toBeUndefined();
      expect(out.backend).toBe(backend);
      expect(out.errorOk).toBe(true);
      expect(out.results).toEqual(expected);
    }
    // The main thread's error class is still its own after the workers are gone.
    expect(() => getEncoding('cl100k_base').encode('<|endoftext|>')).toThrow(TurbotokenError);
  });

  it('a worker terminated with async jobs in flight leaves the main thread working', async () => {
    const text = 'word '.repeat(200_000);
    const worker = new Worker(`const t = require(${JSON.stringify(entry)}); const e = t.getEncoding('cl100k_base');
      for (let i = 0; i < 8; i++) e.encodeAsync(${JSON.stringify(text.slice(0, 1000))}.repeat(200));
      require('node:worker_threads').parentPort.postMessage('queued');`, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(await getEncoding('cl100k_base').countAsync(text)).toBe(getEncoding('cl100k_base').count(text));
  });
});

describe('many concurrent async calls', () => {
  it('1,000 concurrent encodeAsync / countAsync calls give the sync results', async () => {
    const enc = getEncoding('o200k_base');
    const next = rng(0x1000);
    const texts = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? PARAGRAPHS[i % PARAGRAPHS.length].repeat(5) : randomText(next, 1 + (i % 50))));
    const calls = texts.map((text, i) => (i % 2 ? enc.countAsync(text, { allowedSpecial: 'all' }) : enc.encodeAsync(text, { allowedSpecial: 'all' })));
    const results = await Promise.all(calls);
    results.forEach((result, i) => {
      const ids = enc.encode(texts[i], { allowedSpecial: 'all' });
      if (i % 2) expect(result).toBe(ids.length);
      else expect([...result]).toEqual([...ids]);
    });
  });

  it('memory stays flat over a soak loop (after warm-up)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const enc = getEncoding('cl100k_base');
    const text = PARAGRAPHS.join('\n').repeat(60);
    const round = async () => {
      const ids = enc.encode(text);
      enc.count(text);
      enc.decode(ids);
      enc.encodeWithOffsets(text);
      enc.isWithinTokenLimit(text, 100);
      enc.encode(text, { maxTokens: 50 });
      await Promise.all([enc.encodeAsync(text), enc.countAsync(text), enc.decodeAsync(ids)]);
    };
    for (let i = 0; i < 30; i++) await round();
    gc();
    const before = process.memoryUsage().rss;
    const iterations = 300;
    for (let i = 0; i < iterations; i++) await round();
    gc();
    const after = process.memoryUsage().rss;
    const growthMb = (after - before) / 2 ** 20;
    console.log(`soak (${backend}): ${iterations} rounds of ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, RSS ${(before / 2 ** 20).toFixed(1)} -> ${(after / 2 ** 20).toFixed(1)} MiB (${growthMb.toFixed(1)} MiB)`);
    expect(growthMb).toBeLessThan(64);
  });
});
