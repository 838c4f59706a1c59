// Creates and terminates workers that have async and batch calls in flight (issue 21, item 1):
// each worker posts its message only once its first round of calls has resolved, so that every
// terminate lands while the next round runs. Prints "done <cycles>" when the process survived.
//
// The workers build a small encoding of their own (the 256 bytes and a few merges, under
// cl100k_base's pattern, so the native scanner runs it and the async calls leave the JS thread):
// loading a shipped vocabulary in every worker made a cycle cost 0.6-1 s, where the crash needs
// only the terminate to meet calls in flight, whatever their vocabulary.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const [entry, cyclesArg] = process.argv.slice(2);
const cycles = Number(cyclesArg);
const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', '..', 'data', 'encodings.json'), 'utf8'));
const pattern = manifest.encodings.cl100k_base.pattern;
// Every kind of call 4 times over in each round. A terminate meets the round's async calls in
// flight: with an addon that reports each completion run in a terminating environment, a round of
// one copy met 5 per terminate (of its 6 that complete through napi), a round of four 17-21. A
// worker's start-up (80-150 ms of CPU) is the cost of a cycle; more calls per round cost little.
const ROUND_COPIES = 4;
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const t = require(workerData.entry);
const ranks = new Map();
for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
for (const merge of ['he', 'll', 'hell', 'hello', ' w', 'or', ' wor', ' worl', ' world']) ranks.set(merge, ranks.size);
const enc = new t.Encoding({ name: 'tiny', pattern: workerData.pattern, ranks, specialTokens: { '<|endoftext|>': 1000 } });
const text = 'hello world '.repeat(400);
const ids = enc.encode(text);
const bytes = new TextEncoder().encode(text);
const round = () => Promise.all(Array.from({ length: ${ROUND_COPIES} }, () => [
  enc.encodeAsync(text), enc.countAsync(text), enc.decodeAsync(ids), enc.encodeAsync(bytes),
  enc.encodeAsync(text, { allowedSpecial: 'all' }), enc.countAsync(bytes),
  Promise.resolve().then(() => enc.encodeBatch([text, bytes, 'x'])),
  Promise.resolve().then(() => enc.countBatch([text, text])),
  Promise.resolve().then(() => enc.decodeBytes(ids)),
]).flat());
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
    const worker = new Worker(WORKER, { eval: true, workerData: { entry, pattern } });
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
