// Chooses what runs the core: the native addon where it loads, else the same core compiled to
// WebAssembly. TURBOTOKEN_BACKEND=native|wasm forces one (no fallback); unset, empty or 'auto'
// tries them in that order. TURBOTOKEN_DEBUG makes the automatic choice say why native failed.
import { rangeError, TurbotokenError } from './errors';
import type { NativeBinding } from './backend-contract';

type BackendName = 'native' | 'wasm';

const ADVICE: Record<BackendName, string> = {
  native: 'run `npm rebuild turbotoken` (needs a C++ compiler and python3) to build the native addon',
  wasm: 'reinstall turbotoken to restore wasm/turbotoken.wasm',
};

function loadNative(root: string): NativeBinding {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
  return nodeGypBuild(root);
}

function load(name: BackendName, root: string): NativeBinding {
  if (name === 'native') return loadNative(root);
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
      return load(name, root);
    } catch (cause) {
      failures.push([name, cause]);
      if (name === 'native' && candidates.length > 1 && env.TURBOTOKEN_DEBUG) {
        process.stderr.write(`turbotoken: the native addon did not load, trying WebAssembly: ${reason(cause)}\n`);
      }
    }
  }
  throw loadFailed(failures, candidates.length === 1);
}
