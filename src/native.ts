// The interface every backend implements (the native addon, or the core compiled to WebAssembly in
// src/wasm.ts), and the backend this process uses: src/backend.ts picks it.
import * as path from 'node:path';
import { selectBackend } from './backend';
import { TurbotokenError } from './errors';

export interface NativeEncodingHandle {
  /**
   * The ids, or their count when they were written to the buffer given to setOutputBuffer.
   * threads > 1 (native): a text of at least 1 MiB is split at safe cuts over that many threads.
   */
  encode(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): Uint32Array | number;
  /** The first maxTokens ids of encode(), stopping early. */
  encodePrefix(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, maxTokens: number): Uint32Array;
  /** count(), stopping once it passes limit: exact when <= limit, else some number > limit. */
  countUpTo(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, limit: number): number;
  encodeWithOffsets(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): { tokens: Uint32Array; offsets: Uint32Array; byteOffsets: Uint32Array };
  /** Every UTF-8 byte position where the core's safe-cut rules allow a cut (for tests). */
  safeCuts(text: string | Uint8Array): Uint32Array;
  /** Optional: a buffer that encode() fills instead of allocating when the ids fit. */
  setOutputBuffer?(out: Uint32Array): void;
  /** Optional (native): the same work on libuv's thread pool. */
  encodeAsync?(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): Promise<Uint32Array>;
  countAsync?(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): Promise<number>;
  decodeAsync?(ids: Uint32Array): Promise<string>;
  /** Optional (native): many texts on `threads` native threads; ids concatenated, counts per text. */
  batch?(texts: Array<string | Uint8Array>, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads: number, countOnly: boolean):
    { tokens: Uint32Array; counts: Uint32Array } | Uint32Array;
  count(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): number;
  decode(ids: Uint32Array): string;
  decodeBytes(ids: Uint32Array): Uint8Array;
  tokenBytes(id: number): Uint8Array | null;
  singleToken(bytes: Uint8Array): number;
  info(): { maxTokenValue: number; memoryBytes: number };
  /** Caller-delimited pieces (piece k = bytes[ends[k-1]..ends[k])), each merged as encode merges a piece. */
  encodePieces(bytes: Uint8Array, ends: Uint32Array): Uint32Array;
}

export interface NativeBinding {
  NativeEncoding: new (vocab: Uint8Array, family: number, texts: string[], ids: number[]) => NativeEncodingHandle;
  setErrorClass(ctor: typeof TurbotokenError): void;
  /** Optional (native): registers sampledTwoByte, asked about strings of 16K units and more. */
  setTwoByteProbe?(probe: (text: string) => boolean): void;
  /** Optional (native): registers bufferText, which makes the strings of decodes of a million units and more. */
  setBufferText?(toText: ((view: Uint8Array | Uint16Array) => string) | undefined): void;
  setMergeStrategy(strategy: string): void;
  /** 'native' or 'wasm'. */
  backend: string;
  /** The pre-tokenizer kernels this build and CPU have, 'scalar' first, the default last. */
  kernels: readonly string[];
  /** Makes one kernel active for the whole process (RangeError ERR_UNKNOWN_KERNEL if absent). */
  selectKernel(name: string): void;
  /** The active kernel. */
  kernel(): string;
}

export const packageRoot = path.join(__dirname, '..', '..');

// Whether one of 256 evenly spaced UTF-16 units of text is above U+00FF, which proves that V8
// holds the string as two-byte. The addon converts such a string to UTF-8 itself, 2-3x faster
// than V8's UTF-8 writer does for two-byte strings; a one-byte string V8 writes faster than the
// addon could, and a two-byte string that the sample misses goes that way too, as before.
export function sampledTwoByte(text: string): boolean {
  const step = Math.max(1, Math.floor(text.length / 256));
  for (let i = 0; i < text.length; i += step) if (text.charCodeAt(i) > 0xff) return true;
  return false;
}

// Captured at load, so that a program replacing them later does not change decode(). Node's
// Buffer#toString calls these slices, looked up on the buffer at each call.
const apply = Reflect.apply;
const bufferFrom = Buffer.from;
const { latin1Slice, ucs2Slice } = Buffer.prototype as unknown as Record<string, (start: number, end: number) => string>;

// The string of a Uint8Array of Latin-1 or a Uint16Array of UTF-16 (little-endian). For a text of
// 0xFBEE9 units and more Node makes an external string from a malloc'd copy, where
// napi_create_string_* has V8 fill a string in fresh large-object pages, a page fault per 4 KB:
// 4.2 against about 15 ms for 10M units (native/binding/js_strings.h).
export function bufferText(view: Uint8Array | Uint16Array): string {
  const bytes = apply(bufferFrom, Buffer, [view.buffer, view.byteOffset, view.byteLength]) as Buffer;
  return apply(view instanceof Uint16Array ? ucs2Slice : latin1Slice, bytes, [0, bytes.length]) as string;
}

function load(): NativeBinding {
  const binding = selectBackend(packageRoot);
  binding.setErrorClass(TurbotokenError);
  binding.setTwoByteProbe?.(sampledTwoByte);
  if (typeof latin1Slice === 'function' && typeof ucs2Slice === 'function') binding.setBufferText?.(bufferText);
  // TURBOTOKEN_BPE=direct|heap|long|run runs one BPE merge implementation for every piece (tests use it
  // to hold both to the definition); unset or 'auto' picks by piece length.
  const forced = process.env.TURBOTOKEN_BPE;
  if (forced) binding.setMergeStrategy(forced);
  // TURBOTOKEN_KERNEL=scalar|sse2|avx2|avx512|neon|simd128 forces one pre-tokenizer kernel (tests run
  // on each); unset, the fastest one the CPU has.
  const kernel = process.env.TURBOTOKEN_KERNEL;
  if (kernel) binding.selectKernel(kernel);
  return binding;
}

export const native: NativeBinding = load();
