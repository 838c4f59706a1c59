// The WebAssembly backend: the same C++ core as the native addon, compiled to wasm, implementing
// the same contract (src/backend-contract.ts). Arguments are checked as native/binding/*.cpp
// checks them, and the errors come from the table both use (src/binding-errors.ts), so the facade
// cannot tell the two apart (except by `backend`).
import { types } from 'node:util';
import type { NativeBinding, NativeEncodingHandle, VocabularyTable } from './backend-contract';
import { bindingError, type BindingErrorName } from './binding-errors';
import type { TurbotokenError } from './errors';
import {
  CoreObject,
  guarded,
  outOfMemory,
  runtime,
  setRuntimeMemoryLimit,
  runtimeKernel,
  runtimeKernels,
  setRuntimeKernel,
  setRuntimeMergeStrategy,
  STATUS_BYTE_NOT_IN_VOCABULARY,
  STATUS_DISALLOWED_SPECIAL,
  STATUS_OK,
  STATUS_OUT_OF_MEMORY,
  type Runtime,
} from './wasm-runtime';

export interface WasmBinding extends NativeBinding {
  /** For tests: caps the module's linear memory (0 = none) to exercise the out-of-memory path. */
  setMemoryLimit(bytes: number): void;
}

const MERGE_STRATEGIES: Record<string, number> = { auto: 0, direct: 1, heap: 2, long: 3, run: 4, windows: 5 };
const FAMILY_COUNT = 3;
// Below this many UTF-16 units a string gets the worst case (3 bytes a unit) without measuring.
const MEASURE_STRING_UNITS = 1 << 16;

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF, as V8's UTF-8 decoding in the native binding does.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

type TextCall = 'tt_encode' | 'tt_count' | 'tt_encode_prefix' | 'tt_count_up_to' | 'tt_encode_offsets';

/** A count or limit as the module's u32, where 0xFFFFFFFF means none (wasm32 holds fewer). */
function saturate(value: number): number {
  return value >= 0xffffffff ? 0xffffffff : Math.max(0, Math.floor(value));
}

let errorClass: (new (message: string, code: string) => Error) | undefined;

function fail(name: BindingErrorName, params?: Record<string, string | number>): Error {
  return bindingError(name, params, errorClass);
}

/** Text (a string or Uint8Array) in wasm memory as UTF-8, after `extra` bytes for the caller. */
function putText(rt: Runtime, text: string | Uint8Array, extra: number): { ptr: number; size: number; invalid: number } {
  if (typeof text === 'string') {
    // encodeInto turns lone surrogates into U+FFFD, as V8 does for the native binding.
    const capacity = text.length < MEASURE_STRING_UNITS ? text.length * 3 : Buffer.byteLength(text, 'utf8');
    const ptr = rt.alloc(capacity + extra);
    const { written } = encoder.encodeInto(text, rt.u8().subarray(ptr + extra, ptr + extra + capacity));
    return { ptr, size: written, invalid: 0 };
  }
  const ptr = rt.alloc(text.length + extra);
  // A view of a detached ArrayBuffer has length 0 and reads as empty, as on the native backend;
  // set() would throw on it.
  if (text.length > 0) rt.u8().set(text, ptr + extra);
  return { ptr, size: text.length, invalid: 1 };
}

// The errors js_errors.cpp's throw_encode_error makes.
function encodeStatusError(rt: Runtime, status: number): Error {
  if (status === STATUS_OUT_OF_MEMORY) return outOfMemory();
  if (status === STATUS_BYTE_NOT_IN_VOCABULARY) return fail('byteNotInVocabulary');
  return fail('otherStatus', { status: rt.cString(rt.x.tt_status_name(status) >>> 0) });
}

function checkMask(mask: unknown, specials: number): Uint8Array | null {
  if (mask === undefined || mask === null) return null;
  if (!types.isUint8Array(mask) || mask.length !== specials) {
    throw fail('maskType');
  }
  return mask;
}

/** The special-token list as native/wasm/wasm_api.h wants it: {u32 id, u32 length, bytes}*. */
function packSpecials(texts: unknown[], ids: unknown[]): Uint8Array {
  const parts: Buffer[] = [];
  for (let k = 0; k < texts.length; k++) {
    const text = texts[k];
    const id = ids[k];
    if (typeof text !== 'string' || typeof id !== 'number') throw fail('specialTokenTypes');
    const bytes = Buffer.from(text, 'utf8');
    const head = Buffer.alloc(8);
    head.writeUInt32LE(id >>> 0, 0);
    head.writeUInt32LE(bytes.length, 4);
    parts.push(head, bytes);
  }
  return Buffer.concat(parts);
}

class WasmEncoding extends CoreObject implements NativeEncodingHandle {
  // Kept so that the core can be rebuilt in a new instance after a trap.
  readonly #vocab: Uint8Array;
  readonly #family: number;
  readonly #specials: Uint8Array;
  readonly #specialCount: number;

  constructor(vocab: Uint8Array, family: number, texts: string[], ids: number[]) {
    super((x, ptr) => x.tt_encoding_destroy(ptr));
    if (arguments.length < 4 || !types.isUint8Array(vocab) || typeof family !== 'number' || !Array.isArray(texts) || !Array.isArray(ids)) {
      throw fail('constructorUsage');
    }
    if (family >>> 0 >= FAMILY_COUNT) throw fail('unknownFamily');
    this.#vocab = vocab;
    this.#family = family >>> 0;
    this.#specials = packSpecials(texts, ids);
    this.#specialCount = texts.length;
    this.attach();
  }

  protected build(rt: Runtime): number {
    const vocab = rt.put(this.#vocab);
    const specials = rt.put(this.#specials);
    const status = rt.x.tt_encoding_create(vocab, this.#vocab.length, this.#family, specials, this.#specials.length, this.#specialCount);
    rt.x.tt_free(vocab);
    rt.x.tt_free(specials);
    if (status !== STATUS_OK) {
      throw fail('invalidVocabulary', { status: rt.cString(rt.x.tt_status_name(status) >>> 0) });
    }
    return rt.out()[0];
  }

  // `threads` is accepted for the native binding's sake: WebAssembly here has no threads, and the
  // split result equals the single-threaded one by construction.
  encode(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, _threads?: number): Uint32Array {
    return guarded((rt) => {
      const [status, a, b] = this.#run(rt, 'tt_encode', text, allowed, disallowed);
      if (status === STATUS_DISALLOWED_SPECIAL) throw this.#disallowed(rt, a);
      if (status !== STATUS_OK) throw encodeStatusError(rt, status);
      return this.#ids(rt, a, b);
    });
  }

  count(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, _threads?: number): number {
    return guarded((rt) => {
      const [status, a] = this.#run(rt, 'tt_count', text, allowed, disallowed);
      if (status === STATUS_DISALLOWED_SPECIAL) throw this.#disallowed(rt, a);
      if (status !== STATUS_OK) throw encodeStatusError(rt, status);
      return a;
    });
  }

  encodePrefix(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, maxTokens: number): Uint32Array {
    return guarded((rt) => {
      const [status, a, b] = this.#run(rt, 'tt_encode_prefix', text, allowed, disallowed, saturate(maxTokens));
      if (status === STATUS_DISALLOWED_SPECIAL) throw this.#disallowed(rt, a);
      if (status !== STATUS_OK) throw encodeStatusError(rt, status);
      return this.#ids(rt, a, b);
    });
  }

  countUpTo(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, limit: number): number {
    return guarded((rt) => {
      const [status, a] = this.#run(rt, 'tt_count_up_to', text, allowed, disallowed, saturate(limit));
      if (status === STATUS_DISALLOWED_SPECIAL) throw this.#disallowed(rt, a);
      if (status !== STATUS_OK) throw encodeStatusError(rt, status);
      return a;
    });
  }

  encodeWithOffsets(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): { tokens: Uint32Array; offsets: Uint32Array; byteOffsets: Uint32Array } {
    return guarded((rt) => {
      const [status, a, b] = this.#run(rt, 'tt_encode_offsets', text, allowed, disallowed);
      if (status === STATUS_DISALLOWED_SPECIAL) throw this.#disallowed(rt, a);
      if (status !== STATUS_OK) throw encodeStatusError(rt, status);
      const tokens = this.#ids(rt, a, b);
      const byteOffsets = new Uint32Array(rt.x.memory.buffer, rt.x.tt_offsets(0) >>> 0, b).slice();
      const offsets = new Uint32Array(rt.x.memory.buffer, rt.x.tt_offsets(1) >>> 0, b).slice();
      return { tokens, offsets, byteOffsets };
    });
  }

  safeCuts(text: string | Uint8Array): Uint32Array {
    return this.#positions('tt_safe_cuts', text);
  }

  pieceEnds(text: string | Uint8Array): Uint32Array {
    return this.#positions('tt_piece_ends', text);
  }

  // Byte positions the core computes over a text (after U+FFFD repair).
  #positions(fn: 'tt_safe_cuts' | 'tt_piece_ends', text: string | Uint8Array): Uint32Array {
    if (typeof text !== 'string' && !types.isUint8Array(text)) throw fail('textType', { name: 'text' });
    return guarded((rt) => {
      const core = this.core(rt);
      const input = putText(rt, text, 0);
      rt.x[fn](core, input.ptr, input.size, input.invalid);
      rt.x.tt_free(input.ptr);
      const [a, b] = rt.out();
      return this.#ids(rt, a, b);
    });
  }

  #ids(rt: Runtime, ptr: number, count: number): Uint32Array {
    const ids = new Uint32Array(rt.x.memory.buffer, ptr, count).slice();
    rt.releaseIfLarge(ids.byteLength);
    return ids;
  }

  encodePieces(bytes: Uint8Array, ends: Uint32Array): Uint32Array {
    if (!types.isUint8Array(bytes) || !types.isUint32Array(ends)) throw fail('encodePiecesUsage');
    return guarded((rt) => {
      const core = this.core(rt);
      const ptr = rt.alloc(ends.byteLength + bytes.length);
      new Uint32Array(rt.x.memory.buffer, ptr, ends.length).set(ends);
      rt.u8().set(bytes, ptr + ends.byteLength);
      const status = rt.x.tt_encode_pieces(core, ptr + ends.byteLength, bytes.length, ptr, ends.length);
      rt.x.tt_free(ptr);
      if (status !== STATUS_OK) throw encodeStatusError(rt, status);
      const [a, b] = rt.out();
      const ids = new Uint32Array(rt.x.memory.buffer, a, b).slice();
      rt.releaseIfLarge(ids.byteLength);
      return ids;
    });
  }

  // Checks in the binding's order (text, then masks); one allocation holds the masks, then the text.
  #run(rt: Runtime, fn: TextCall, text: unknown, allowed: unknown, disallowed: unknown, ...extra: number[]): [number, number, number] {
    if (typeof text !== 'string' && !types.isUint8Array(text)) throw fail('textType', { name: 'text' });
    const n = this.#specialCount;
    const masks = [checkMask(allowed, n), checkMask(disallowed, n)];
    const core = this.core(rt);
    const input = putText(rt, text, 2 * n);
    const maskPtrs = masks.map((mask, k) => {
      if (!mask) return 0;
      rt.u8().set(mask, input.ptr + k * n);
      return input.ptr + k * n;
    });
    const call = rt.x[fn] as (...args: number[]) => number;
    const status = call(core, input.ptr + 2 * n, input.size, input.invalid, maskPtrs[0], maskPtrs[1], ...extra);
    rt.x.tt_free(input.ptr);
    const [a, b] = rt.out();
    return [status, a, b];
  }

  #disallowed(rt: Runtime, index: number): Error {
    rt.x.tt_special_text(this.core(rt), index);
    const [ptr, len] = rt.out();
    const token = decoder.decode(rt.bytesAt(ptr, len));
    return fail('disallowedSpecial', { token });
  }

  decode(ids: Uint32Array): string {
    return this.#decode(ids, (bytes) => decoder.decode(bytes));
  }

  decodeBytes(ids: Uint32Array): Uint8Array {
    return this.#decode(ids, (bytes) => bytes.slice());
  }

  #decode<T>(ids: unknown, convert: (bytes: Uint8Array) => T): T {
    if (!types.isUint32Array(ids)) throw fail('idsType');
    return guarded((rt) => {
      const [a, b] = this.#overIds(rt, ids, (core, ptr, count) => rt.x.tt_decode(core, ptr, count));
      const result = convert(rt.bytesAt(a, b));
      rt.releaseIfLarge(b);
      return result;
    });
  }

  isCanonical(ids: Uint32Array): boolean {
    if (!types.isUint32Array(ids)) throw fail('idsType');
    return guarded((rt) => this.#overIds(rt, ids, (core, ptr, count) => rt.x.tt_is_canonical(core, ptr, count))[0] === 1);
  }

  // Runs an export over a copy of `ids` in the instance's memory: out()'s two words, or the error
  // for running out of memory or for the id (at index out()[0]) the vocabulary does not have.
  #overIds(rt: Runtime, ids: Uint32Array, call: (core: number, ptr: number, count: number) => number): [number, number] {
    const core = this.core(rt);
    const ptr = rt.alloc(ids.byteLength);
    if (ids.length > 0) new Uint32Array(rt.x.memory.buffer, ptr, ids.length).set(ids); // see putText
    const status = call(core, ptr, ids.length);
    rt.x.tt_free(ptr);
    const out = rt.out();
    if (status === STATUS_OUT_OF_MEMORY) throw outOfMemory();
    if (status !== STATUS_OK) throw fail('invalidTokenId', { id: ids[out[0]], index: out[0] });
    return out;
  }

  vocabularyTable(checkReachable: boolean): VocabularyTable {
    return guarded((rt) => {
      const status = rt.x.tt_vocabulary_table(this.core(rt), checkReachable === true ? 1 : 0);
      if (status !== STATUS_OK) {
        rt.x.tt_vocabulary_table_free();
        throw encodeStatusError(rt, status);
      }
      const [count, size] = rt.out();
      const at = (which: number): number => rt.x.tt_vocabulary_table_part(which) >>> 0;
      const table = {
        ids: new Uint32Array(rt.x.memory.buffer, at(0), count).slice(),
        starts: new Uint32Array(rt.x.memory.buffer, at(1), count + 1).slice(),
        bytes: rt.bytesAt(at(2), size).slice(),
        flags: rt.bytesAt(at(3), count).slice(),
        reachability: checkReachable === true,
      };
      rt.x.tt_vocabulary_table_free();
      return table;
    });
  }

  tokenBytes(id: number): Uint8Array | null {
    if (typeof id !== 'number') return null;
    return guarded((rt) => {
      if (!rt.x.tt_token_bytes(this.core(rt), id >>> 0)) return null;
      const [ptr, len] = rt.out();
      return rt.bytesAt(ptr, len).slice();
    });
  }

  singleToken(bytes: Uint8Array): number {
    if (!types.isUint8Array(bytes)) throw fail('bytesType');
    return guarded((rt) => {
      const core = this.core(rt);
      const ptr = rt.put(bytes);
      const id = rt.x.tt_single_token(core, ptr, bytes.length) >>> 0;
      rt.x.tt_free(ptr);
      return id === 0xffffffff ? -1 : id;
    });
  }

  info(): { maxTokenValue: number; memoryBytes: number } {
    return guarded((rt) => {
      const core = this.core(rt);
      return { maxTokenValue: rt.x.tt_max_token_value(core) >>> 0, memoryBytes: rt.x.tt_memory_bytes(core) >>> 0 };
    });
  }
}

function setErrorClass(ctor: typeof TurbotokenError): void {
  if (typeof ctor !== 'function') throw fail('errorClassType');
  errorClass = ctor;
}

function setMergeStrategy(strategy: string): void {
  const code = typeof strategy === 'string' && Object.prototype.hasOwnProperty.call(MERGE_STRATEGIES, strategy) ? MERGE_STRATEGIES[strategy] : -1;
  if (code < 0) throw fail('mergeStrategy');
  setRuntimeMergeStrategy(code);
}

function selectKernel(name: string): void {
  const names = runtimeKernels();
  const index = typeof name === 'string' ? names.indexOf(name) : -1;
  if (index < 0) {
    throw fail('unknownKernel', { name: String(name), machine: 'WebAssembly build', kernels: names.join(', ') });
  }
  setRuntimeKernel(index);
}

let binding: WasmBinding | undefined;

/** The WebAssembly backend; compiles and instantiates the module on first use (synchronously). */
export function loadWasm(): WasmBinding {
  if (binding) return binding;
  runtime();
  binding = {
    NativeEncoding: WasmEncoding,
    setErrorClass,
    setMergeStrategy,
    setMemoryLimit: (bytes: number) => setRuntimeMemoryLimit(bytes >>> 0),
    backend: 'wasm',
    kernels: runtimeKernels(),
    selectKernel,
    kernel: runtimeKernel,
  };
  return binding;
}
