#!/usr/bin/env node
// Times `turbotoken corpus` on >= 200 MB with --threads 1 and 2 and writes bench/results/cli.md.
// The input is the npm-only corpus (scripts/build-corpus.mjs --npm-only; corpus/ is not
// committed) copied into a temporary directory as many files (the same texts under different
// names, as a directory of documents would be). Checks that both runs write identical bytes.
//   node bench/cli.mjs [--mb 200] [--runs 3] [--encoding cl100k_base]
// With --formats it times input formats instead (bench/results/cli-formats.md): the same
// documents (the corpus cut into paragraphs of about 4 KB) as plain .jsonl, .jsonl.zst (made by
// the zstd command) and Parquet (hyparquet-writer, snappy), at --threads 1 and 2. MB/s are of
// the .jsonl bytes for every format, so that the rates compare the same work.
//   node bench/cli.mjs --formats [--mb 200] [--runs 3] [--encoding cl100k_base]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg } from './args.mjs';
import { KINDS, median, npmOnlyCorpus, timeCorpus, writeResult } from './cli-run.mjs';

if (process.argv.includes('--formats')) {
  await import('./cli-formats.mjs');
  process.exit(0);
}

const targetMb = Number(arg('mb', 200));
const runs = Number(arg('runs', 3));
const encoding = arg('encoding', 'cl100k_base');
const corpus = npmOnlyCorpus();

const work = mkdtempSync(path.join(os.tmpdir(), 'turbotoken-cli-bench-'));
const input = path.join(work, 'input');
execFileSync('mkdir', ['-p', input]);
let bytes = 0;
let files = 0;
for (let copy = 0; bytes < targetMb * 1e6; copy++) {
  for (const kind of KINDS) {
    const file = path.join(input, `${String(copy).padStart(3, '0')}-${kind}.txt`);
    copyFileSync(path.join(corpus, `${kind}.txt`), file);
    bytes += statSync(file).size;
    files++;
  }
}

function run(threads, out) {
  const { seconds, cpu } = timeCorpus(input, encoding, threads, out);
  return { rate: bytes / 1e6 / seconds, cpu };
}

const rates = { 1: [], 2: [] };
const cpus = { 1: [], 2: [] };
try {
  for (let r = 0; r < runs; r++) {
    for (const threads of [1, 2]) {
      const { rate, cpu } = run(threads, path.join(work, `out-${threads}.bin`));
      rates[threads].push(rate);
      cpus[threads].push(cpu);
      console.log(`run ${r + 1}: --threads ${threads}: ${rate.toFixed(1)} MB/s, ${cpu.toFixed(1)} CPU s, load ${os.loadavg()[0].toFixed(1)}`);
    }
  }
  const same = readFileSync(path.join(work, 'out-1.bin')).equals(readFileSync(path.join(work, 'out-2.bin')));
  if (!same) throw new Error('--threads 1 and 2 wrote different output');
  const one = median(rates[1]);
  const two = median(rates[2]);
  const cores = os.availableParallelism();
  const load = os.loadavg()[0].toFixed(1);
  writeResult('cli.md', [
    '# turbotoken corpus: --threads 1 vs 2',
    '',
    `Written by \`node bench/cli.mjs\` (${new Date().toISOString().slice(0, 10)}): ${(bytes / 1e6).toFixed(0)} MB in ${files} plain-text files (the npm-only corpus, copied), ` +
      `\`turbotoken corpus -e ${encoding} --no-progress -q\`, wall time including start-up, median of ${runs} runs; ` +
      `${cores} CPUs available (shared; load average ${load} at the end), Node ${process.version}, backend native. Both runs wrote identical bytes.`,
    '',
    '| --threads | MB/s (median) | runs (MB/s) | CPU seconds, all threads (median) |',
    '|---|---|---|---|',
    `| 1 | ${one.toFixed(1)} | ${rates[1].map((x) => x.toFixed(1)).join(', ')} | ${median(cpus[1]).toFixed(1)} |`,
    `| 2 | ${two.toFixed(1)} | ${rates[2].map((x) => x.toFixed(1)).join(', ')} | ${median(cpus[2]).toFixed(1)} |`,
    '',
    `Speed-up with 2 threads: **${(two / one).toFixed(2)}x**.`,
    '',
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
