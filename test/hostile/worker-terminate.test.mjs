// Terminating a worker while its encodeAsync / countAsync / decodeAsync / encodeBatch calls are in
// flight must not take the process down (issue 21, item 1): napi refuses every call that could run
// JS while a worker terminates, and the binding must give up quietly, never write to the null
// buffer or resolve with the empty value it got back. Runs in a child process (a crash is a
// signal there, not a failed test runner) with two busy loops beside it: on 2 cores that is what
// makes the termination land in the middle of the binding's calls.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const entry = path.resolve(require.resolve('../../dist/cjs/index.js'));
const child = fileURLToPath(new URL('../support/worker-terminate-child.cjs', import.meta.url));
// Before the fix the native backend died of SIGSEGV within 2-5 s (under 30 cycles) in each run;
// more cycles cost 0.6-1 s each on a loaded 2-core machine (worker start-up beside busy loops).
const CYCLES = 30;

function run(file, args) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

it(`survives ${CYCLES} workers terminated with calls in flight`, async () => {
  const busy = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
  try {
    const result = await run(child, [entry, String(CYCLES)]);
    expect({ code: result.code, signal: result.signal, stderr: result.stderr.slice(-2000) }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(result.stdout).toBe(`done ${CYCLES}\n`);
  } finally {
    for (const p of busy) p.kill('SIGKILL');
  }
});
