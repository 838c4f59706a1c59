// The speed of each CPU of this machine on the encoder, one process pinned to each CPU in turn
// (`taskset`). A two-thread run gains over a one-thread run at most what the second CPU adds:
// on a virtual machine whose CPUs run at different speeds (a busy neighbour on one of them), two
// threads cannot reach twice one thread however well the work is split. The thread-scaling
// benches (bench/cli-formats.mjs, bench/train.mjs) print this beside their ratios.
//
// `node bench/host-cpus.mjs [--rounds 5]` prints it on its own.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './args.mjs';
import { median, npmOnlyCorpus, root } from './cli-run.mjs';

// The work: encode about 6 MB of the corpus (each kind's first 1.5 MB) with cl100k_base, after
// one warm-up pass; the CPU time of the timed passes only (no start-up, no loading).
const WORK = `
const { getEncoding } = require(process.argv[1]);
const text = JSON.parse(process.argv[2]).map((file) => require('node:fs').readFileSync(file, 'utf8').slice(0, 1500000)).join('');
const enc = getEncoding('cl100k_base');
enc.encode(text);
const bytes = Buffer.byteLength(text);
const start = process.cpuUsage();
for (let i = 0; i < 3; i++) enc.encode(text);
const cpu = process.cpuUsage(start);
console.log(JSON.stringify({ mbPerCpuSecond: (3 * bytes) / 1e6 / ((cpu.user + cpu.system) / 1e6) }));
`;

function hasTaskset() {
  return spawnSync('taskset', ['--version']).status === 0;
}

/**
 * Each CPU's MB/s (per CPU second) on the encoder, the median of `rounds` runs taken in turn
 * (CPU 0, 1, …, 0, 1, …), or null without `taskset` or with one CPU.
 */
export function cpuSpeeds(rounds = 3) {
  const cpus = os.availableParallelism();
  if (cpus < 2 || !hasTaskset()) return null;
  const files = JSON.stringify(['prose', 'code', 'email', 'multilingual'].map((kind) => path.join(npmOnlyCorpus(), `${kind}.txt`)));
  const runs = Array.from({ length: cpus }, () => []);
  for (let r = 0; r < rounds; r++) {
    for (let cpu = 0; cpu < cpus; cpu++) {
      const result = spawnSync('taskset', ['-c', String(cpu), process.execPath, '-e', WORK, path.join(root, 'dist', 'cjs', 'index.js'), files], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`the CPU ${cpu} run failed: ${result.stderr}`);
      runs[cpu].push(JSON.parse(result.stdout).mbPerCpuSecond);
    }
  }
  return runs.map((speeds) => median(speeds));
}

/**
 * One sentence on the speeds: each CPU's MB/s and what two threads can reach over one: the sum of
 * the two fastest over the fastest (a one-thread run on the faster CPU) and over the slower
 * (a one-thread run on the slower).
 */
export function describeCpus(speeds) {
  if (!speeds) return 'Per-CPU speeds not measured (needs `taskset` and two CPUs).';
  const [fast, slow] = [...speeds].sort((a, b) => b - a);
  const list = speeds.map((s, cpu) => `CPU ${cpu} ${s.toFixed(1)}`).join(', ');
  return (
    `This machine's CPUs on the encoder, one pinned process each (MB per CPU second, medians): ${list}. ` +
    `Two threads can do ${((fast + slow) / fast).toFixed(2)}x the work of one thread on the faster CPU ` +
    `(${((fast + slow) / slow).toFixed(2)}x of one on the slower).`
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(describeCpus(cpuSpeeds(Number(arg('rounds', 5)))));
}
