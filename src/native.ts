// Loads the native addon: a prebuilt binary for this platform, else the local build.
import * as path from 'node:path';
import { TurbotokenError } from './errors';

export interface NativeEncodingHandle {
  encode(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): Uint32Array;
  count(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): number;
  decode(ids: Uint32Array): string;
  decodeBytes(ids: Uint32Array): Uint8Array;
  tokenBytes(id: number): Uint8Array | null;
  singleToken(bytes: Uint8Array): number;
  info(): { maxTokenValue: number; memoryBytes: number };
}

export interface NativeBinding {
  NativeEncoding: new (vocab: Uint8Array, family: number, texts: string[], ids: number[]) => NativeEncodingHandle;
  setErrorClass(ctor: typeof TurbotokenError): void;
  setMergeStrategy(strategy: string): void;
  backend: string;
}

export const packageRoot = path.join(__dirname, '..', '..');

function load(): NativeBinding {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
  let binding: NativeBinding;
  try {
    binding = nodeGypBuild(packageRoot);
  } catch (cause) {
    const error = new TurbotokenError(
      `turbotoken could not load its native addon: ${(cause as Error).message}. ` +
        'Run `npm rebuild turbotoken` (needs a C++ compiler and python3) to build it.',
      'ERR_NATIVE_LOAD_FAILED',
    );
    (error as Error & { cause?: unknown }).cause = cause;
    throw error;
  }
  binding.setErrorClass(TurbotokenError);
  // TURBOTOKEN_BPE=direct|heap runs one BPE merge implementation for every piece (tests use it
  // to hold both to the definition); unset or 'auto' picks by piece length.
  const forced = process.env.TURBOTOKEN_BPE;
  if (forced) binding.setMergeStrategy(forced);
  return binding;
}

export const native: NativeBinding = load();
