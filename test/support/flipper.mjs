// A worker that keeps rewriting a SharedArrayBuffer-backed view with each pattern in turn
// (repeated over the whole view) until stopped: the other thread of the shared-memory races
// (test/hostile/shared-memory.test.mjs, test/sanitizer/shared-memory-races.mjs).
import { Worker } from 'node:worker_threads';

export function flipper(view, patterns) {
  const code = `
    const { workerData } = require('node:worker_threads');
    const v = new (workerData.kind === 'u8' ? Uint8Array : Uint32Array)(workerData.buffer);
    const stop = new Int32Array(workerData.stop);
    for (let f = 0; Atomics.load(stop, 0) === 0; f = (f + 1) % workerData.patterns.length) {
      const p = workerData.patterns[f];
      // Ids flip with fill (the whole array at once); bytes one at a time, so that a call sees
      // characters cut anywhere.
      if (workerData.kind === 'u32') v.fill(p[0]);
      else for (let i = 0; i < v.length; i++) v[i] = p[i % p.length];
    }`;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(code, {
    eval: true,
    workerData: { buffer: view.buffer, kind: view instanceof Uint8Array ? 'u8' : 'u32', patterns, stop: stop.buffer },
  });
  return {
    started: new Promise((resolve) => worker.once('online', resolve)),
    stop: async () => {
      Atomics.store(stop, 0, 1);
      await worker.terminate();
    },
  };
}
