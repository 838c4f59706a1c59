// The few Node APIs that the code shared with the Node build touches, for the browser bundle
// (scripts/build-browser.mjs maps node:fs, node:os, node:path, node:util and node:zlib here; zlib has
// no crc32 here, so the saved-encoding checksum takes its own table). The browser
// entry never reads files: it hands the compiled module to the runtime before anything would.

export function readFileSync(): never {
  throw new Error('turbotoken/browser reads no files: the WebAssembly module is handed in by the browser entry');
}

// Encoding#save and Encoding.load (src/saved-encoding.ts) take files; the browser has none.
export function writeFileSync(): never {
  throw new Error('turbotoken/browser writes no files: Encoding.load takes the saved bytes instead');
}

export const promises = { readFile: readFileSync, writeFile: writeFileSync };

// A large saved file is read through a descriptor (src/saved-encoding.ts); opening one is refused
// first, so the other three are never reached.
export const openSync = readFileSync;
export const fstatSync = readFileSync;
export const readSync = readFileSync;
export const closeSync = readFileSync;

export function join(...parts: string[]): string {
  return parts.join('/');
}

// Only used to name files in errors; files are not read in the browser.
export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function dirname(p: string): string {
  const at = p.lastIndexOf('/');
  return at < 0 ? '.' : p.slice(0, at);
}

export function resolve(...parts: string[]): string {
  return parts.join('/');
}

interface NavigatorLike {
  hardwareConcurrency?: number;
}

/** The default thread count of encodeBatch, which the WebAssembly backend runs on one thread anyway. */
export function availableParallelism(): number {
  return (globalThis as { navigator?: NavigatorLike }).navigator?.hardwareConcurrency ?? 1;
}

export function cpus(): unknown[] {
  return [];
}

// Reads the typed array's own tag, as node:util's checks do: it works across realms and cannot
// be faked by a prototype.
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get!;

function isTyped(value: unknown, tag: string): boolean {
  return ArrayBuffer.isView(value) && typedArrayTag.call(value) === tag;
}

export const types = {
  isUint8Array: (value: unknown): value is Uint8Array => isTyped(value, 'Uint8Array'),
  isUint32Array: (value: unknown): value is Uint32Array => isTyped(value, 'Uint32Array'),
};

export const crc32: undefined = undefined;
