// Load times of the model families' tokenizer.json files (test/data/model-files.json): turbotoken's
// Encoding.fromTokenizerJson against Hugging Face `tokenizers`' own Tokenizer.fromFile, and
// Encoding.load of the file turbotoken saves, in this process (warm) and in a fresh process (cold:
// a server's start). CPU time, interleaved, the order of the two loaders alternated each round,
// median of the rounds; printed as ratios to HF's load, since the host is shared (absolute times
// of a loaded host say little).
//   node bench/load.mjs [--models llama3,gemma3] [--rounds 5]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Encoding } from '../index.mjs';
import { MODEL_PACKAGES, modelFile } from '../scripts/model-files.mjs';

const args = process.argv.slice(2);

// A fresh process that imports the package, loads a saved file once and prints that load's CPU
// milliseconds (process.cpuUsage around the call: a first load also pays for the modules it
// requires on first use and for fresh memory, as a server's start does) and the process's CPU
// milliseconds before the call (Node's start-up and the import of the package, stated apart).
if (args[0] === '--cold') {
  const before = process.cpuUsage();
  const t = process.cpuUsage();
  Encoding.load(args[1]);
  const d = process.cpuUsage(t);
  console.log(JSON.stringify({ load: (d.user + d.system) / 1e3, before: (before.user + before.system) / 1e3 }));
  process.exit(0);
}

// Not needed by the cold process above, which loads only this package.
const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const arg = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const root = fileURLToPath(new URL('..', import.meta.url));

const models = arg('models', Object.keys(MODEL_PACKAGES).join(',')).split(',');
const rounds = Number(arg('rounds', 5));
const dir = mkdtempSync(path.join(tmpdir(), 'turbotoken-bench-load-'));
// CPU time of the process (every thread: Hugging Face's loader may use several), not wall time:
// on a shared host the wall time is mostly waiting for a core.
const wall = (fn) => {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e3;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cold = (file) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--cold', file], { cwd: root, encoding: 'utf8' }));

const rows = [];
const load0 = loadavg()[0];
for (const model of models) {
  const file = modelFile(model);
  const saved = path.join(dir, `${model}.ttenc`);
  Encoding.fromTokenizerJson(file).save(saved);
  const t = { ours: [], hf: [], saved: [], cold: [], start: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ['hf', 'ours'] : ['ours', 'hf'];
    for (const who of order) t[who].push(wall(() => (who === 'ours' ? Encoding.fromTokenizerJson(file) : Tokenizer.fromFile(file))));
    t.saved.push(wall(() => Encoding.load(saved)));
    const c = cold(saved);
    t.cold.push(c.load);
    t.start.push(c.before);
  }
  const hf = median(t.hf);
  rows.push({ model, ours: median(t.ours) / hf, saved: median(t.saved) / hf, cold: median(t.cold) / hf, ms: { ours: median(t.ours), hf, saved: median(t.saved), cold: median(t.cold), start: median(t.start) } });
  console.error(`${model}: fromTokenizerJson ${rows.at(-1).ours.toFixed(2)}x HF`);
}
const lines = [
  `Load time as a multiple of Hugging Face tokenizers' Tokenizer.fromFile on the same file (median of ${rounds} interleaved rounds, order alternated; load average ${load0.toFixed(1)} at the start on ${models.length} models).`,
  '',
  '| model | fromTokenizerJson / HF | Encoding.load (warm) / HF | Encoding.load (cold process) / HF |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.model} | ${r.ours.toFixed(2)}x | ${r.saved.toFixed(3)}x | ${r.cold.toFixed(3)}x |`),
  '',
  'The medians in ms of CPU time (of this loaded host: for proportion only). Encoding.load (cold process) is process.cpuUsage around the one call in a fresh process; the process before that call (Node\'s start-up and the import of the package) is the last column, not included in it:',
  '',
  '| model | fromTokenizerJson | HF | Encoding.load (warm) | Encoding.load (cold process) | cold process before the call |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.model} | ${r.ms.ours.toFixed(0)} | ${r.ms.hf.toFixed(0)} | ${r.ms.saved.toFixed(0)} | ${r.ms.cold.toFixed(0)} | ${r.ms.start.toFixed(0)} |`),
];
console.log(lines.join('\n'));
