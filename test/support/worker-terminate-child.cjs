// Creates and terminates workers that have async and batch calls in flight (issue 21, item 1):
// each worker posts its message only once its first round of calls has resolved, so that every
// terminate lands while the next round runs. Prints "done <cycles>" when the process survived.
'use strict';
const { Worker } = require('node:worker_threads');

const [entry, cyclesArg] = process.argv.slice(2);
const cycles = Number(cyclesArg);
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const t = require(workerData.entry);
const enc = t.getEncoding('cl100k_base');
const text = 'hello world '.repeat(100);
const ids = enc.encode(text);
const bytes = new TextEncoder().encode(text);
const round = () => Promise.all([
  enc.encodeAsync(text), enc.countAsync(text), enc.decodeAsync(ids), enc.encodeAsync(bytes),
  Promise.resolve().then(() => enc.encodeBatch([text, bytes, 'x'])),
  Promise.resolve().then(() => enc.countBatch([text, text])),
  Promise.resolve().then(() => enc.decodeBytes(ids)),
]);
let posted = false;
(async () => {
  for (;;) {
    await round();
    if (!posted) { posted = true; parentPort.postMessage('busy'); }
  }
})();
`;

(async () => {
  for (let i = 0; i < cycles; i++) {
    const worker = new Worker(WORKER, { eval: true, workerData: { entry } });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
    await worker.terminate();
  }
  process.stdout.write(`done ${cycles}\n`);
})().catch((error) => {
  process.stderr.write(`${error && error.stack || error}\n`);
  process.exitCode = 1;
});
