#!/usr/bin/env node
// Writes test/data/reference-digests.txt: for every case of test/support/reference-cases.mjs (the
// inputs of the tests that hold turbotoken to tiktoken in bulk), a digest of the ids that the
// `tiktoken` npm package (the reference) gives. The tests compare with the digests instead of
// running tiktoken, which takes minutes on their long runs (test/support/reference-digests.mjs).
//
// --check recomputes every digest with tiktoken and fails unless the committed file is exactly
// what this script writes: the reference is re-run in full, not trusted. CI runs it (.ci/run).
// The case sets are shared out over worker threads (--jobs N, default: the available cores).
//
// Run: node scripts/make-reference-digests.mjs [--check] [--jobs N]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const support = new URL('../test/support/', import.meta.url);
const { CASE_SETS, buildCorpus } = await import(new URL('reference-cases.mjs', support));
const { DIGEST_FILE, caseKey, idsDigest, referenceIds } = await import(new URL('reference-digests.mjs', support));

// Each worker computes whole case sets; the slowest (the 16 KB worst cases, the code points)
// are split further by encoding so that the threads finish together.
function digestLines(setName, part, parts) {
  const lines = [];
  let k = 0;
  for (const [name, mode, text] of CASE_SETS[setName]()) {
    if (k++ % parts === part) lines.push(`${caseKey(name, mode, text)} ${idsDigest(referenceIds(name, mode, text))}`);
  }
  return lines;
}

if (!isMainThread) {
  for (;;) {
    const job = await new Promise((resolve) => parentPort.once('message', resolve));
    if (!job) break;
    const started = Date.now();
    parentPort.postMessage({ lines: digestLines(job.set, job.part, job.parts), job, ms: Date.now() - started });
  }
  process.exit(0);
}

const require = createRequire(import.meta.url);
const tiktokenVersion = JSON.parse(readFileSync(new URL('package.json', pathToFileURL(require.resolve('tiktoken'))), 'utf8')).version;
const check = process.argv.includes('--check');
const jobsArg = process.argv.indexOf('--jobs');
const threads = jobsArg > 0 ? Number(process.argv[jobsArg + 1]) : availableParallelism();
// Sets split into parts (a case goes to part k % parts), the costliest first.
const PARTS = { 'differential-adversarial': 6, 'every-code-point': 3, 'differential-corpus': 2 };
const queue = Object.keys(CASE_SETS)
  .flatMap((set) => Array.from({ length: PARTS[set] ?? 1 }, (_, part) => ({ set, part, parts: PARTS[set] ?? 1 })));

const started = Date.now();
buildCorpus();
const lines = [];
await Promise.all(
  Array.from({ length: Math.max(1, Math.min(threads, queue.length)) }, () => new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url));
    const next = () => worker.postMessage(queue.shift() ?? null);
    worker.on('message', ({ lines: got, job, ms }) => {
      lines.push(...got);
      console.error(`${job.set} ${job.part + 1}/${job.parts}: ${got.length} cases, ${(ms / 1000).toFixed(1)} s`);
      next();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
    next();
  })),
);

// One line per key: a text that two sets share has one digest.
const unique = [...new Set(lines)].sort();
const keys = new Set(unique.map((line) => line.slice(0, 16)));
if (keys.size !== unique.length) throw new Error('two digests for one key: a sha256 prefix collision');
const content = `# ids of tiktoken@${tiktokenVersion} for test/support/reference-cases.mjs; made by scripts/make-reference-digests.mjs, do not edit\n${unique.join('\n')}\n`;
const path = fileURLToPath(DIGEST_FILE);
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (check) {
  let old = '';
  try { old = readFileSync(path, 'utf8'); } catch {}
  if (old !== content) {
    console.error(`${path} is not what scripts/make-reference-digests.mjs makes (${seconds} s)`);
    process.exit(1);
  }
  console.log(`${path}: ${unique.length} digests, all tiktoken's (${seconds} s)`);
} else {
  mkdirSync(new URL('.', DIGEST_FILE), { recursive: true });
  writeFileSync(path, content);
  console.log(`${path}: ${unique.length} digests, ${content.length} bytes (${seconds} s)`);
}
