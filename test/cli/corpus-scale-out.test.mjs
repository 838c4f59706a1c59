// --shard auto under the schedulers' variables, --resume and merge, as docs/scale-out.md runs
// them: shards run as separate processes with the variables a Kubernetes Indexed Job or a Slurm
// job array sets, one is killed (SIGKILL) mid-run, every task is run again with --resume (the
// complete ones are skipped, the killed one redone), the shards are merged, and the result is the
// single run's files byte for byte.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.mjs';
import { randomText, rng } from '../support/random-text.mjs';

const require = createRequire(import.meta.url);
const BIN = fileURLToPath(new URL('../../bin/turbotoken.js', import.meta.url));
const dir = tempDir('turbotoken-corpus-scale-out-');

// The test's own environment may be a scheduler's: none of its variables reach the children
// unless a test sets them.
const SCHEDULER = /^(JOB_COMPLETION_INDEX|TURBOTOKEN_SHARD_COUNT|SLURM_.*)$/;
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SCHEDULER.test(name)));

function start(args, env = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...baseEnv, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data) => (stderr += data));
  const exited = new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stderr })));
  return { child, exited };
}

const run = (args, env) => start(args, env).exited;

// Kills a run once its temporaries exist (made before the first byte is read) and resolves with
// how it ended.
async function killMidRun(args, env, out) {
  const { child, exited } = start(args, env);
  const temp = path.join(dir, `${out}.json.tmp-${child.pid}`);
  let ended = false;
  exited.then(() => (ended = true));
  while (!existsSync(temp) && !ended) await new Promise((resolve) => setTimeout(resolve, 2));
  child.kill('SIGKILL');
  return exited;
}

const read = (base) => ['bin', 'idx', 'json'].map((ext) => readFileSync(path.join(dir, `${base}.${ext}`)));

beforeAll(() => {
  // About 1.5 MB in four files: each shard has enough to read that a kill lands mid-run.
  const next = rng(0x5ca1e);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  for (let f = 0; f < 4; f++) {
    const lines = Array.from({ length: 1500 }, () => JSON.stringify({ text: randomText(next, 60) }));
    writeFileSync(path.join(dir, 'data', `part-${f}.jsonl`), lines.join('\n') + '\n');
  }
});

describe('--shard auto', () => {
  const { parseShard } = require('../../dist/cjs/cli/shard-auto.js');
  const fails = (fn, message) => expect(fn).toThrow(message);

  it('reads a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) and a Slurm array (its task id by position)', () => {
    expect(parseShard('auto', '4', { JOB_COMPLETION_INDEX: '3' })).toEqual([3, 4]);
    expect(parseShard('auto', undefined, { JOB_COMPLETION_INDEX: '0', TURBOTOKEN_SHARD_COUNT: '2' })).toEqual([0, 2]);
    // --array=5-11:3 runs tasks 5, 8, 11.
    const slurm = { SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_MAX: '11', SLURM_ARRAY_TASK_STEP: '3', SLURM_ARRAY_TASK_COUNT: '3' };
    expect([5, 8, 11].map((id) => parseShard('auto', undefined, { ...slurm, SLURM_ARRAY_TASK_ID: String(id) }))).toEqual([[0, 3], [1, 3], [2, 3]]);
    // The count: --shard-count, then TURBOTOKEN_SHARD_COUNT, then SLURM_ARRAY_TASK_COUNT.
    expect(parseShard('auto', '6', { ...slurm, SLURM_ARRAY_TASK_ID: '8', TURBOTOKEN_SHARD_COUNT: '5' })).toEqual([1, 6]);
    expect(parseShard('auto', undefined, { ...slurm, SLURM_ARRAY_TASK_ID: '8', TURBOTOKEN_SHARD_COUNT: '5' })).toEqual([1, 5]);
    expect(parseShard('0/1', undefined, {})).toEqual([0, 1]);
  });

  it('is an error without an index, without a count, off the array, or out of range', () => {
    fails(() => parseShard('auto', '3', {}), 'JOB_COMPLETION_INDEX');
    fails(() => parseShard('auto', undefined, { JOB_COMPLETION_INDEX: '1' }), 'needs the shard count');
    fails(() => parseShard('auto', '3', { JOB_COMPLETION_INDEX: '3' }), 'not below the shard count 3');
    fails(() => parseShard('auto', '3', { JOB_COMPLETION_INDEX: 'x' }), 'whole number');
    fails(() => parseShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_STEP: '3', SLURM_ARRAY_TASK_COUNT: '3' }), 'not in the array');
    fails(() => parseShard('auto', undefined, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '3' }), 'SLURM_ARRAY_TASK_MIN');
    fails(() => parseShard('auto', '0', { JOB_COMPLETION_INDEX: '0' }), 'at least 1');
    fails(() => parseShard('1/2', '2', {}), '--shard-count goes with --shard auto');
  });
});

describe('shards as scheduled tasks, one killed and retried with --resume, then merged', () => {
  const schedulers = [
    {
      name: 'a Kubernetes Indexed Job (completions 3, TURBOTOKEN_SHARD_COUNT in the pod template), turbotoken layout',
      format: 'turbotoken',
      env: (k) => ({ JOB_COMPLETION_INDEX: String(k), TURBOTOKEN_SHARD_COUNT: '3', JOB_NAME: 'tokenize' }),
    },
    {
      name: 'a Slurm job array (--array=5-11:3), Megatron layout',
      format: 'megatron',
      env: (k) => ({
        SLURM_JOB_ID: String(4300 + k),
        SLURM_ARRAY_JOB_ID: '4242',
        SLURM_ARRAY_TASK_ID: String(5 + 3 * k),
        SLURM_ARRAY_TASK_MIN: '5',
        SLURM_ARRAY_TASK_MAX: '11',
        SLURM_ARRAY_TASK_STEP: '3',
        SLURM_ARRAY_TASK_COUNT: '3',
      }),
    },
  ];

  for (const { name, format, env } of schedulers) {
    it(name, async () => {
      const out = (k) => `${format}/shard-${k}`;
      mkdirSync(path.join(dir, format, 'merged'), { recursive: true });
      // The task script: the same command line in every task; only the variables differ.
      const task = (k, ...more) => ['corpus', 'data', '-e', 'cl100k_base', '--append-eot', '--format', format, '--shard', 'auto', '--out', `${out(k)}.bin`, '-q', ...more];
      const [single, first, last] = await Promise.all([
        run(['corpus', 'data', '-e', 'cl100k_base', '--append-eot', '--format', format, '--out', `${format}/single.bin`, '-q']),
        run(task(0), env(0)),
        run(task(2), env(2)),
      ]);
      for (const result of [single, first, last]) expect(result).toEqual({ status: 0, signal: null, stderr: '' });
      const killed = await killMidRun(task(1), env(1), out(1));
      expect(killed.signal).toBe('SIGKILL');
      expect(existsSync(path.join(dir, `${out(1)}.json`))).toBe(false);
      expect(readdirSync(path.join(dir, format)).some((file) => file.includes('.tmp-'))).toBe(true);

      // Merging now is refused: shard 1 is missing.
      const early = await run(['corpus', 'merge', `${format}/shard-*.bin`, '--out', `${format}/merged/all.bin`]);
      expect(early.stderr).toContain('missing (shard 1)');

      const before = [0, 2].map((k) => statSync(path.join(dir, `${out(k)}.bin`), { bigint: true }).mtimeNs);
      const again = await Promise.all([0, 1, 2].map((k) => run(task(k, '--resume').filter((arg) => arg !== '-q'), env(k))));
      for (const result of again) expect(result.status).toBe(0);
      expect(again[0].stderr).toContain('shard 0/3');
      expect(again[0].stderr).toContain('is complete, skipped (--resume)');
      expect(again[2].stderr).toContain('is complete, skipped (--resume)');
      expect(again[1].stderr).not.toContain('skipped');
      expect([0, 2].map((k) => statSync(path.join(dir, `${out(k)}.bin`), { bigint: true }).mtimeNs)).toEqual(before);
      expect(readdirSync(path.join(dir, format)).filter((file) => file.includes('.tmp-'))).toEqual([]);

      const merge = await run(['corpus', 'merge', `${format}/shard-*.bin`, '--out', `${format}/merged/single.bin`, '-q']);
      expect(merge).toEqual({ status: 0, signal: null, stderr: '' });
      const [want, got] = [read(`${format}/single`), read(`${format}/merged/single`)];
      for (let i = 0; i < 3; i++) expect(got[i].equals(want[i])).toBe(true);
    });
  }

  it('--resume redoes a shard whose output is incomplete or of other settings', async () => {
    const env = { JOB_COMPLETION_INDEX: '1', TURBOTOKEN_SHARD_COUNT: '2' };
    const task = (...more) => ['corpus', 'data', '-e', 'r50k_base', '--shard', 'auto', '--out', 'redo/shard.bin', '--resume', ...more];
    mkdirSync(path.join(dir, 'redo'), { recursive: true });
    expect((await run(task(), env)).status).toBe(0);
    const good = read('redo/shard');
    const bin = path.join(dir, 'redo', 'shard.bin');
    writeFileSync(bin, good[0].subarray(0, good[0].length - 2));
    const incomplete = await run(task(), env);
    expect(incomplete.stderr).not.toContain('skipped');
    expect(read('redo/shard')[0].equals(good[0])).toBe(true);
    const other = await run(task('--append-eot'), env);
    expect(other.stderr).not.toContain('skipped');
    expect(JSON.parse(readFileSync(path.join(dir, 'redo', 'shard.json'), 'utf8')).appendEot).toBe(true);
    const same = await run(task('--append-eot'), env);
    expect(same.stderr).toContain('skipped');
  });
});
