// Chooses what runs the core: the native addon where it loads, else the same core compiled to
// WebAssembly. TURBOTOKEN_BACKEND=native|wasm forces one (no fallback); unset, empty or 'auto'
// tries them in that order. TURBOTOKEN_ADDON=<file> loads that addon in place of the package's
// own (a build made elsewhere, e.g. by cmake-js).
//
// Falling back is silent where the package has no addon for this platform (WebAssembly is then
// the designed backend), but where one should load (a prebuild for this platform, a local build,
// TURBOTOKEN_ADDON) and does not, the program runs at about half the speed for a reason the user
// can fix, so one stderr line says why. TURBOTOKEN_QUIET silences it; TURBOTOKEN_DEBUG prints it
// for every fallback.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { rangeError, TurbotokenError } from './errors';
import type { NativeBinding } from './backend-contract';

type BackendName = 'native' | 'wasm';

const ADVICE: Record<BackendName, string> = {
  native: 'run `npm rebuild turbotoken` (needs a C++ compiler and python3) to build the native addon',
  wasm: 'reinstall turbotoken to restore wasm/turbotoken.wasm',
};

function loadNative(root: string, env: NodeJS.ProcessEnv): NativeBinding {
  const addon = env.TURBOTOKEN_ADDON;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  if (addon) return require(path.resolve(addon)) as NativeBinding;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
  return nodeGypBuild(root);
}

function load(name: BackendName, root: string, env: NodeJS.ProcessEnv): NativeBinding {
  if (name === 'native') return loadNative(root, env);
  // Required only when needed: the WebAssembly glue costs a few ms of import time.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { loadWasm } = require('./wasm') as typeof import('./wasm');
  return loadWasm();
}

function requested(env: NodeJS.ProcessEnv): BackendName[] {
  const value = env.TURBOTOKEN_BACKEND;
  if (value === undefined || value === '' || value === 'auto') return ['native', 'wasm'];
  if (value === 'native' || value === 'wasm') return [value];
  throw rangeError(`TURBOTOKEN_BACKEND must be 'native', 'wasm' or 'auto' (the default); received ${JSON.stringify(value)}`);
}

/** Whether an addon should have loaded: one is there (or named) for this platform. */
function addonExpected(root: string, env: NodeJS.ProcessEnv): boolean {
  if (env.TURBOTOKEN_ADDON) return true;
  const candidates = [
    path.join(root, 'prebuilds', `${process.platform}-${process.arch}`),
    path.join(root, 'build', 'Release', 'turbotoken.node'),
    path.join(root, 'build', 'Debug', 'turbotoken.node'),
  ];
  return candidates.some((file) => existsSync(file));
}

// Worker threads load the package afresh; the main thread's line is the one for the process (a
// worker pool would otherwise print one per worker).
let warned = false;

function warnFallback(root: string, env: NodeJS.ProcessEnv, cause: unknown): void {
  if (warned || !isMainThread) return;
  if (!env.TURBOTOKEN_DEBUG && (env.TURBOTOKEN_QUIET || !addonExpected(root, env))) return;
  warned = true;
  const hint = env.TURBOTOKEN_DEBUG ? '' : ' (TURBOTOKEN_BACKEND=wasm or TURBOTOKEN_QUIET=1 silences this)';
  process.stderr.write(`turbotoken: the native addon did not load, trying WebAssembly: ${reason(cause)}${hint}\n`);
}

/** A load error on one line (node-gyp-build's message spans several). */
function reason(cause: unknown): string {
  return String((cause as Error)?.message ?? cause).replace(/\s+/g, ' ').trim();
}

function loadFailed(failures: [BackendName, unknown][], forced: boolean): TurbotokenError {
  const reasons = failures.map(([name, cause]) => `${name}: ${reason(cause)}`);
  const fixes = failures.map(([name]) => ADVICE[name]);
  if (forced) fixes.push('unset TURBOTOKEN_BACKEND to let turbotoken pick a backend that loads');
  const error = new TurbotokenError(
    `turbotoken could not load ${forced ? `the ${failures[0][0]} backend` : 'any backend'} (${reasons.join('; ')}). To fix: ${fixes.join(', or ')}.`,
    'ERR_NATIVE_LOAD_FAILED',
  );
  (error as Error & { cause?: unknown }).cause = failures[failures.length - 1][1];
  return error;
}

export function selectBackend(root: string, env: NodeJS.ProcessEnv = process.env): NativeBinding {
  const candidates = requested(env);
  const failures: [BackendName, unknown][] = [];
  for (const name of candidates) {
    try {
      return load(name, root, env);
    } catch (cause) {
      failures.push([name, cause]);
      if (name === 'native' && candidates.length > 1) warnFallback(root, env, cause);
    }
  }
  throw loadFailed(failures, candidates.length === 1);
}
