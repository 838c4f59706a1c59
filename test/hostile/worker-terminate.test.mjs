// Terminating a worker while its encodeAsync / countAsync / decodeAsync / encodeBatch calls are in
// flight must not take the process down (issue 21, item 1): napi refuses every call that could run
// JS while a worker terminates, and the binding must give up quietly, never write to the null
// buffer or resolve with the empty value it got back. Runs in a child process (a crash is a
// signal there, not a failed test runner).
//
// One child per backend (TURBOTOKEN_BACKEND set for each), both at once, from the native project
// only (vitest.config.mjs). What the check needs is completions that run in a terminating
// environment, and every terminate meets those of the round in flight: counted with an addon
// that reports each such completion, 40 cycles met 208 of them alone and 217 beside two busy
// loops (one spinning process per core), which only doubled the wall time. An addon that skips
// the null-buffer check in adopt_ids died of SIGSEGV in the first cycle in 5 of 5 runs.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const entry = path.resolve(require.resolve('../../dist/cjs/index.js'));
const child = fileURLToPath(new URL('../support/worker-terminate-child.cjs', import.meta.url));
// 100 cycles of rounds with four copies of each call (worker-terminate-child.cjs) met 2,081
// completions in a terminating environment, more than the 300 cycles of one copy (about
// 1,600 at the rate above).
// The workers build a small encoding of their own rather than load a shipped one: a cycle is
// mostly the worker's start-up (80-150 ms of CPU).
const CYCLES = 100;

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
let results;

beforeAll(() => {
  results = Object.fromEntries(BACKENDS.map((backend) => [backend, run(child, [entry, String(CYCLES)], { ...process.env, TURBOTOKEN_BACKEND: backend })]));
});

// On a machine shared with other work a cycle can take ten times its CPU time: inside the full
// suite at load average 25 the native child took 836 s.
it.each(BACKENDS)(`%s: survives ${CYCLES} workers terminated with calls in flight`, async (backend) => {
  const result = await results[backend];
  expect({ code: result.code, signal: result.signal, stderr: result.stderr.slice(-2000) }).toEqual({ code: 0, signal: null, stderr: '' });
  expect(result.stdout).toBe(`done ${CYCLES}\n`);
}, 1_200_000);
