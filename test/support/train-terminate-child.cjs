// Creates and terminates workers in the middle of trainAsync with two counts queued in the addon
// (one counting, the next waiting on its libuv thread): each worker posts its message at its first
// progress report, so that every terminate lands while batches are being counted. Prints
// "done <cycles>" when the process survived, then trains once more in this thread.
'use strict';
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const [entry, cyclesArg] = process.argv.slice(2);
const cycles = Number(cyclesArg);
const trainModule = path.join(path.dirname(entry), 'train.js');
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const t = require(workerData.entry);
// 64 KiB batches: many of them, so that counts are queued whenever the terminate lands.
require(workerData.trainModule).setTrainBatchBytesForTests(64 << 10);
const docs = [];
for (let k = 0; k < 40000; k++) docs.push(Buffer.from('word' + (k % 977) + ' other' + (k % 131) + ' line ' + k + '\\n'));
let posted = false;
(async () => {
  for (;;) {
    await t.trainAsync(docs, { vocabSize: 300, threads: 2, chunking: 'lines', onProgress: () => {
      if (!posted) { posted = true; parentPort.postMessage('busy'); }
    } });
  }
})();
`;

(async () => {
  for (let i = 0; i < cycles; i++) {
    const worker = new Worker(WORKER, { eval: true, workerData: { entry, trainModule } });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
    await worker.terminate();
  }
  const t = require(entry);
  const docs = Array.from({ length: 2000 }, (_, k) => `word${k % 97} and ${k % 13}\n`);
  const r = await t.trainAsync(docs, { vocabSize: 280, threads: 2 });
  if (r.tokens.length !== 280) throw new Error(`trained ${r.tokens.length} tokens`);
  process.stdout.write(`done ${cycles}\n`);
})().catch((error) => {
  process.stderr.write(`${(error && error.stack) || error}\n`);
  process.exitCode = 1;
});
