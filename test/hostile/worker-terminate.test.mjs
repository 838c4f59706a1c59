// Terminating a worker while its encodeAsync / countAsync / decodeAsync / encodeBatch calls are in
// flight must not take the process down (issue 21, item 1): napi refuses every call that could run
// JS while a worker terminates, and the binding must give up quietly, never write to the null
// buffer or resolve with the empty value it got back. Runs in a child process (a crash is a
// signal there, not a failed test runner) with two busy loops beside it: on 2 cores that is what
// makes the termination land in the middle of the binding's calls.
//
// One child per backend (TURBOTOKEN_BACKEND set for each), both at once beside the same two busy
// loops, from the native project only (vitest.config.mjs): each child has the two loops and the
// other child beside it, and the suite's other worker runs other files meanwhile. A copy of this
// file per project, each with loops of its own, held both workers and kept four loops spinning.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const entry = path.resolve(require.resolve('../../dist/cjs/index.js'));
const child = fileURLToPath(new URL('../support/worker-terminate-child.cjs', import.meta.url));
// The 300 cycles. The workers build a small encoding of their own rather than load a
// shipped one (which made a cycle cost 0.6-1 s); a cycle is now mostly the worker's start-up
// (about 80 ms of CPU). Before the fix the native backend died of SIGSEGV within 2-4 s in each of
// 3 runs of this child.
const CYCLES = 300;

function run(file, args, env) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const BACKENDS = ['native', 'wasm'];
let busy = [];
let results;

beforeAll(() => {
  busy = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
  results = Object.fromEntries(BACKENDS.map((backend) => [backend, run(child, [entry, String(CYCLES)], { ...process.env, TURBOTOKEN_BACKEND: backend })]));
});

afterAll(() => {
  for (const p of busy) p.kill('SIGKILL');
});

// On a machine shared with other work a cycle can take ten times its CPU time: inside the full
// suite at load average 25 the native child took 836 s.
it.each(BACKENDS)(`%s: survives ${CYCLES} workers terminated with calls in flight`, async (backend) => {
  const result = await results[backend];
  expect({ code: result.code, signal: result.signal, stderr: result.stderr.slice(-2000) }).toEqual({ code: 0, signal: null, stderr: '' });
  expect(result.stdout).toBe(`done ${CYCLES}\n`);
}, 1_200_000);
