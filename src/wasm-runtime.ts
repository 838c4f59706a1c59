// One instance of wasm/turbotoken.wasm (the C++ core built by scripts/build-wasm.sh) and the
// plumbing around it: memory views, allocation, and recovery from a trap. A trap (an allocation
// that cannot be met: wasm32 memory ends at 4 GiB) leaves the C heap in an unknown state, so the
// instance is dropped and the next call starts a fresh one; handles re-attach by generation.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TurbotokenError } from './errors';

// The parts of the WebAssembly JS API used here: tsconfig's lib (ES2022, no DOM) leaves them out.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  RuntimeError: new (message?: string) => Error;
};

export const WASM_FILE = path.join(__dirname, '..', '..', 'wasm', 'turbotoken.wasm');

/** The C ABI of native/wasm/wasm_api.h. Pointers are offsets into memory. */
export interface WasmExports {
  memory: WasmMemory;
  _initialize?: () => void;
  tt_out(): number;
  tt_alloc(size: number): number;
  tt_free(ptr: number): void;
  tt_release_scratch(): void;
  tt_status_name(status: number): number;
  tt_encoding_create(vocab: number, vocabSize: number, family: number, specials: number, specialsSize: number, count: number): number;
  tt_encoding_destroy(handle: number): void;
  tt_encode(handle: number, text: number, n: number, mayBeInvalid: number, allowed: number, disallowed: number): number;
  tt_count(handle: number, text: number, n: number, mayBeInvalid: number, allowed: number, disallowed: number): number;
  tt_encode_prefix(handle: number, text: number, n: number, mayBeInvalid: number, allowed: number, disallowed: number, max: number): number;
  tt_count_up_to(handle: number, text: number, n: number, mayBeInvalid: number, allowed: number, disallowed: number, limit: number): number;
  tt_encode_offsets(handle: number, text: number, n: number, mayBeInvalid: number, allowed: number, disallowed: number): number;
  tt_offsets(which: number): number;
  tt_safe_cuts(handle: number, text: number, n: number, mayBeInvalid: number): void;
  tt_piece_ends(handle: number, text: number, n: number, mayBeInvalid: number): void;
  tt_decode(handle: number, ids: number, n: number): number;
  tt_encode_pieces(handle: number, bytes: number, size: number, ends: number, count: number): number;
  tt_token_bytes(handle: number, id: number): number;
  tt_vocabulary_table(handle: number, checkReachable: number): number;
  tt_vocabulary_table_part(which: number): number;
  tt_vocabulary_table_free(): void;
  tt_is_canonical(handle: number, ids: number, n: number): number;
  tt_special_text(handle: number, index: number): number;
  tt_special_count(handle: number): number;
  tt_single_token(handle: number, bytes: number, n: number): number;
  tt_max_token_value(handle: number): number;
  tt_memory_bytes(handle: number): number;
  tt_set_merge_strategy(strategy: number): number;
  tt_kernel_name(k: number): number;
  tt_active_kernel(): number;
  tt_select_kernel(k: number): number;
  tt_set_memory_limit(bytes: number): void;
  tt_out_of_memory(): number;
}

// turbotoken::Status values (native/core/status.h) that the JS side acts on.
export const STATUS_OK = 0;
export const STATUS_DISALLOWED_SPECIAL = 3;
export const STATUS_OUT_OF_MEMORY = 6;
export const STATUS_BYTE_NOT_IN_VOCABULARY = 7;

// Results above this size have their scratch buffers released, so a one-off huge call does not
// pin its memory in the module.
const RELEASE_SCRATCH_BYTES = 1 << 22;

export class Runtime {
  readonly x: WasmExports;
  readonly generation: number;
  readonly #out: number; // index of the TtOut slot in 32-bit words
  #u8: Uint8Array;
  #u32: Uint32Array;

  constructor(x: WasmExports, generation: number) {
    this.x = x;
    this.generation = generation;
    this.#out = (x.tt_out() >>> 0) / 4;
    this.#u8 = new Uint8Array(x.memory.buffer);
    this.#u32 = new Uint32Array(x.memory.buffer);
  }

  /** The whole memory; fresh views after the memory grew (growing detaches the old buffer). */
  u8(): Uint8Array {
    this.#refresh();
    return this.#u8;
  }

  /** The TtOut slot: [a, b]. */
  out(): [number, number] {
    this.#refresh();
    return [this.#u32[this.#out], this.#u32[this.#out + 1]];
  }

  #refresh(): void {
    const buffer = this.x.memory.buffer;
    if (this.#u8.buffer === buffer) return;
    this.#u8 = new Uint8Array(buffer);
    this.#u32 = new Uint32Array(buffer);
  }

  alloc(size: number): number {
    // A wasm32 size is 32 bits; a larger request would wrap around to a small one.
    if (size > 0xffffffff) throw outOfMemory();
    const ptr = this.x.tt_alloc(size) >>> 0;
    if (ptr === 0) throw outOfMemory();
    return ptr;
  }

  /** Copies bytes in; the caller frees the returned pointer. */
  put(bytes: Uint8Array): number {
    const ptr = this.alloc(bytes.length);
    // A view of a detached ArrayBuffer has length 0 and reads as empty, as on the native backend;
    // set() would throw an uncoded TypeError on it.
    if (bytes.length > 0) this.u8().set(bytes, ptr);
    return ptr;
  }

  /**
   * A core object made from a table of words by a tt_*_create(words, count) export (which leaves
   * the object in TtOut's first slot): its pointer, or `failed(status)` thrown.
   */
  createFromWords(create: (words: number, count: number) => number, words: Uint32Array, failed: (status: number) => Error): number {
    const ptr = this.put(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
    const status = create(ptr, words.length);
    this.x.tt_free(ptr);
    if (status !== STATUS_OK) throw failed(status);
    return this.out()[0];
  }

  bytesAt(ptr: number, len: number): Uint8Array {
    return this.u8().subarray(ptr, ptr + len);
  }

  /** A short NUL-terminated ASCII string (a status name). */
  cString(ptr: number): string {
    const u8 = this.u8();
    let text = '';
    for (let at = ptr; u8[at] !== 0; at++) text += String.fromCharCode(u8[at]);
    return text;
  }

  releaseIfLarge(bytes: number): void {
    if (bytes > RELEASE_SCRATCH_BYTES) this.x.tt_release_scratch();
  }
}

let compiled: object | undefined;
let current: Runtime | undefined;
let generation = 0;
// Process-wide settings, re-applied to each new instance.
let mergeStrategy = 0;
let memoryLimit = 0;
let kernelIndex = -1; // -1: the module's default

/**
 * Hands in the compiled module instead of reading WASM_FILE. The browser entry compiles it
 * asynchronously and calls this first: browsers have no file system, and Chromium refuses to
 * compile a module this size synchronously on the main thread.
 */
export function provideModule(module: object): void {
  compiled = module;
}

function instantiate(): Runtime {
  compiled ??= new WebAssembly.Module(readFileSync(WASM_FILE));
  // The module imports nothing (scripts/build-wasm.sh keeps WASI out of it).
  const instance = new WebAssembly.Instance(compiled, {});
  const x = instance.exports as unknown as WasmExports;
  x._initialize?.();
  x.tt_set_merge_strategy(mergeStrategy);
  x.tt_set_memory_limit(memoryLimit);
  if (kernelIndex >= 0) x.tt_select_kernel(kernelIndex);
  return new Runtime(x, ++generation);
}

export function runtime(): Runtime {
  current ??= instantiate();
  return current;
}

/** The generation of the live instance, or -1 when there is none. */
export function liveGeneration(): number {
  return current ? current.generation : -1;
}

// What a CoreObject's finalizer needs: the object's pointer, the instance it lives in, and how to
// free it there. Held apart from the JS object, which is gone when the finalizer runs.
interface CoreCell {
  generation: number;
  ptr: number;
  readonly destroy: (x: WasmExports, ptr: number) => void;
}

const coreObjects = new FinalizationRegistry<CoreCell>((cell) => {
  if (cell.generation === liveGeneration()) cell.destroy(runtime().x, cell.ptr);
});

/**
 * A core object (an encoding, a splitter, a merge list) behind a JS object. A trap replaces the
 * instance and loses every object in it, so the subclass keeps what built it and `build` makes it
 * again in the live instance on its next use. When the JS object is collected, the core object is
 * freed if its instance is still the live one.
 */
export abstract class CoreObject {
  readonly #cell: CoreCell;

  protected constructor(destroy: (x: WasmExports, ptr: number) => void) {
    this.#cell = { generation: -1, ptr: 0, destroy };
  }

  /** Makes the object in rt and returns its pointer; a failure throws. */
  protected abstract build(rt: Runtime): number;

  /** The first build; a subclass calls it last in its constructor, once build has what it needs. */
  protected attach(): void {
    guarded((rt) => this.#rebuild(rt));
    coreObjects.register(this, this.#cell);
  }

  /** Whether the object already lives in rt (no rebuild on the next `core`). */
  protected livesIn(rt: Runtime): boolean {
    return this.#cell.generation === rt.generation;
  }

  /** The object's pointer in rt, built there first if an earlier trap replaced the instance. */
  protected core(rt: Runtime): number {
    return this.livesIn(rt) ? this.#cell.ptr : this.#rebuild(rt);
  }

  #rebuild(rt: Runtime): number {
    const ptr = this.build(rt);
    this.#cell.generation = rt.generation;
    this.#cell.ptr = ptr;
    return ptr;
  }
}

export function setRuntimeMergeStrategy(strategy: number): void {
  mergeStrategy = strategy;
  runtime().x.tt_set_merge_strategy(strategy);
}

/** The module's pre-tokenizer kernels, 'scalar' first and the default last. */
export function runtimeKernels(): string[] {
  const rt = runtime();
  const names: string[] = [];
  for (let k = 0; ; k++) {
    const ptr = rt.x.tt_kernel_name(k);
    if (!ptr) return names;
    names.push(rt.cString(ptr));
  }
}

export function setRuntimeKernel(index: number): void {
  kernelIndex = index;
  runtime().x.tt_select_kernel(index);
}

export function runtimeKernel(): string {
  const rt = runtime();
  return rt.cString(rt.x.tt_kernel_name(rt.x.tt_active_kernel()));
}

export function setRuntimeMemoryLimit(bytes: number): void {
  memoryLimit = bytes;
  runtime().x.tt_set_memory_limit(bytes);
}

export function outOfMemory(): TurbotokenError {
  return new TurbotokenError(
    'The WebAssembly backend ran out of memory (a wasm32 module has at most 4 GiB); ' +
      'work on smaller texts or fewer ids at a time, or use the native addon',
    'ERR_OUT_OF_MEMORY',
  );
}

/**
 * Runs fn against the live instance. A trap discards the instance and becomes a TurbotokenError;
 * JS errors pass through.
 */
export function guarded<T>(fn: (rt: Runtime) => T): T {
  const rt = runtime();
  try {
    return fn(rt);
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError)) throw error;
    const oom = rt.x.tt_out_of_memory() !== 0;
    if (current === rt) current = undefined;
    if (oom) throw outOfMemory();
    const wrapped = new TurbotokenError(`The WebAssembly core trapped: ${(error as Error).message}`, 'ERR_WASM_TRAP');
    (wrapped as Error & { cause?: unknown }).cause = error;
    throw wrapped;
  }
}
