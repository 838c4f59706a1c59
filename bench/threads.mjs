#!/usr/bin/env node
// MB/s of one large text encoded with threads: 1 vs 2 (and count), native backend. The text is
// the npm-only corpus (scripts/build-corpus.mjs --npm-only) repeated to about 64 MB.
//   node bench/threads.mjs [megabytes]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { getEncoding, backend } = require('../dist/cjs/index.js');
const KINDS = ['prose', 'code', 'email', 'multilingual'];
const dir = `${root}/corpus/npm-only`;
if (!existsSync(`${dir}/prose.txt`)) execFileSync(process.execPath, ['scripts/build-corpus.mjs', '--npm-only'], { cwd: root, stdio: 'inherit' });

const megabytes = Number(process.argv[2] ?? 64);
const unit = KINDS.map((k) => readFileSync(`${dir}/${k}.txt`, 'utf8')).join('\n');
const text = unit.repeat(Math.ceil((megabytes * 1e6) / Buffer.byteLength(unit)));
const bytes = Buffer.byteLength(text);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

console.log(`load average ${require('node:os').loadavg()[0].toFixed(1)}; backend ${backend}, ${(bytes / 1e6).toFixed(1)} MB, ${require('node:os').availableParallelism()} cores available`);
for (const name of ['cl100k_base', 'o200k_base']) {
  const enc = getEncoding(name);
  enc.encode(text.slice(0, 2e6), { disallowedSpecial: [] }); // warm-up: page in the vocabulary
  const runs = { encode: { 1: [], 2: [] }, count: { 1: [], 2: [] } };
  const cpu = { encode: { 1: [], 2: [] }, count: { 1: [], 2: [] } }; // CPU seconds of all threads
  for (let r = 0; r < 3; r++) {
    for (const threads of [1, 2]) {
      for (const op of ['encode', 'count']) {
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        enc[op](text, { disallowedSpecial: [], threads });
        const used = process.cpuUsage(c0);
        runs[op][threads].push(bytes / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9));
        cpu[op][threads].push((used.user + used.system) / 1e6);
      }
    }
  }
  for (const op of ['encode', 'count']) {
    const one = median(runs[op][1]);
    const two = median(runs[op][2]);
    console.log(`${name} ${op}: threads 1 ${one.toFixed(1)} MB/s, threads 2 ${two.toFixed(1)} MB/s, ratio ${(two / one).toFixed(2)}x (medians of 3); ` +
      `CPU s (all threads) ${median(cpu[op][1]).toFixed(2)} vs ${median(cpu[op][2]).toFixed(2)}`);
  }
}
