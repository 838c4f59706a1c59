// Terminating a worker while its trainAsync has two counts queued in the addon (one counting on a
// libuv thread, the next waiting on another for its turn) must not take the process down or leave
// a libuv thread waiting for good: the environment's teardown waits for both jobs, and the process
// trains as before afterwards. Runs in a child process (a crash is a signal there, a hang its
// timeout).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const entry = path.resolve(require.resolve('../../dist/cjs/index.js'));
const child = fileURLToPath(new URL('../support/train-terminate-child.cjs', import.meta.url));
const CYCLES = 30;

it(`survives ${CYCLES} workers terminated in the middle of trainAsync`, () => {
  const result = spawnSync(process.execPath, [child, entry, String(CYCLES)], { encoding: 'utf8', timeout: 300_000, env: process.env });
  expect({ status: result.status, signal: result.signal, stderr: result.stderr.slice(-2000) }).toEqual({ status: 0, signal: null, stderr: '' });
  expect(result.stdout).toBe(`done ${CYCLES}\n`);
}, 320_000);
