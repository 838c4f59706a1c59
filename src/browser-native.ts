// The browser bundle's stand-in for src/native.ts (scripts/build-browser.mjs redirects imports
// of './native' here): the binding is always the WebAssembly one, which the browser entry
// instantiates once it has the module, so it is looked up on first use, not at import.
import type { NativeBinding } from './backend-contract';
import { loadWasm } from './wasm';

export const packageRoot = '.';

export const native: NativeBinding = new Proxy({} as NativeBinding, {
  get: (_target, key) => Reflect.get(loadWasm(), key),
});
