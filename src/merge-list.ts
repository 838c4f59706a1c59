// The core's merges-list BPE (native/core/bpe/merge_list.h) on whichever backend this process
// uses: the addon's MergeList class, or tt_merge_list_* in the WebAssembly module.
import { bindingError } from './binding-errors';
import { TurbotokenError } from './errors';
import { native } from './native';
import { guarded, liveGeneration, runtime, type Runtime } from './wasm-runtime';

/**
 * One loaded table: encode(bytes, ends) gives the ids of each word bytes[ends[k-1], ends[k]);
 * setAdded and encodeText are merge_list.h's set_added and encode_text (one call per text).
 */
export interface MergeListHandle {
  encode(bytes: Uint8Array, ends: Uint32Array): Uint32Array;
  setAdded(texts: Uint8Array, ends: Uint32Array, ids: Uint32Array): void;
  encodeText(text: string, accept: Uint8Array | null, prepend: boolean): Uint32Array;
  memoryBytes(): number;
}

interface MergeListExports {
  tt_merge_list_create(table: number, words: number): number;
  tt_merge_list_destroy(handle: number): void;
  tt_merge_list_encode(handle: number, bytes: number, size: number, ends: number, count: number): number;
  tt_merge_list_set_added(handle: number, texts: number, size: number, ends: number, ids: number, count: number): number;
  tt_merge_list_encode_text(handle: number, text: number, size: number, accept: number, acceptCount: number, prepend: number): number;
  tt_status_name(status: number): number;
}

const lists = new FinalizationRegistry<{ generation: number; ptr: number }>((cell) => {
  if (cell.generation === liveGeneration()) (runtime().x as unknown as MergeListExports).tt_merge_list_destroy(cell.ptr);
});

const textEncoder = new TextEncoder();

function statusText(rt: Runtime, status: number): string {
  return rt.cString((rt.x as unknown as MergeListExports).tt_status_name(status) >>> 0);
}

class WasmMergeList implements MergeListHandle {
  // Kept so that the list can be rebuilt in a new instance after a trap.
  readonly #table: Uint32Array;
  readonly #cell = { generation: -1, ptr: 0 };
  #added: [Uint8Array, Uint32Array, Uint32Array] | undefined;

  constructor(table: Uint32Array) {
    this.#table = table;
    guarded((rt) => this.#attach(rt));
    lists.register(this, this.#cell);
  }

  #attach(rt: Runtime): number {
    const x = rt.x as unknown as MergeListExports;
    const ptr = rt.put(new Uint8Array(this.#table.buffer, this.#table.byteOffset, this.#table.byteLength));
    const status = x.tt_merge_list_create(ptr, this.#table.length);
    rt.x.tt_free(ptr);
    if (status !== 0) throw bindingError('invalidVocabulary', { status: statusText(rt, status) }, TurbotokenError);
    const handle = rt.out()[0];
    if (this.#added) this.#putAdded(rt, handle, ...this.#added);
    this.#cell.generation = rt.generation;
    this.#cell.ptr = handle;
    return handle;
  }

  #putAdded(rt: Runtime, handle: number, texts: Uint8Array, ends: Uint32Array, ids: Uint32Array): void {
    const x = rt.x as unknown as MergeListExports;
    const ptr = rt.alloc(ends.byteLength + ids.byteLength + texts.length);
    new Uint32Array(rt.x.memory.buffer, ptr, ends.length).set(ends);
    new Uint32Array(rt.x.memory.buffer, ptr + ends.byteLength, ids.length).set(ids);
    if (texts.length > 0) rt.u8().set(texts, ptr + ends.byteLength + ids.byteLength);
    const status = x.tt_merge_list_set_added(handle, ptr + ends.byteLength + ids.byteLength, texts.length, ptr, ptr + ends.byteLength, ends.length);
    rt.x.tt_free(ptr);
    if (status !== 0) throw bindingError('otherStatus', { status: statusText(rt, status) });
  }

  setAdded(texts: Uint8Array, ends: Uint32Array, ids: Uint32Array): void {
    if (ends.length !== ids.length) throw bindingError('otherStatus', { status: 'kInvalidPieces' });
    this.#added = [texts.slice(), ends.slice(), ids.slice()];
    guarded((rt) => {
      if (this.#cell.generation === rt.generation) this.#putAdded(rt, this.#cell.ptr, ...this.#added!);
      else this.#attach(rt);
    });
  }

  encodeText(text: string, accept: Uint8Array | null, prepend: boolean): Uint32Array {
    return guarded((rt) => {
      const handle = this.#cell.generation === rt.generation ? this.#cell.ptr : this.#attach(rt);
      const x = rt.x as unknown as MergeListExports;
      const acceptBytes = accept ? accept.length : 0;
      // A UTF-16 unit is at most 3 UTF-8 bytes; encodeInto turns lone surrogates into U+FFFD.
      const capacity = 3 * text.length;
      const ptr = rt.alloc(acceptBytes + capacity || 1);
      if (accept && acceptBytes) rt.u8().set(accept, ptr);
      const { written } = textEncoder.encodeInto(text, rt.u8().subarray(ptr + acceptBytes, ptr + acceptBytes + capacity));
      const status = x.tt_merge_list_encode_text(handle, ptr + acceptBytes, written, accept ? ptr : 0, acceptBytes, prepend ? 1 : 0);
      rt.x.tt_free(ptr);
      if (status !== 0) throw bindingError('otherStatus', { status: statusText(rt, status) });
      const [a, b] = rt.out();
      const ids = new Uint32Array(rt.x.memory.buffer, a, b).slice();
      rt.releaseIfLarge(Math.max(b * 4, capacity));
      return ids;
    });
  }

  encode(bytes: Uint8Array, ends: Uint32Array): Uint32Array {
    return guarded((rt) => {
      const handle = this.#cell.generation === rt.generation ? this.#cell.ptr : this.#attach(rt);
      const x = rt.x as unknown as MergeListExports;
      const ptr = rt.alloc(ends.byteLength + bytes.length);
      new Uint32Array(rt.x.memory.buffer, ptr, ends.length).set(ends);
      if (bytes.length > 0) rt.u8().set(bytes, ptr + ends.byteLength);
      const status = x.tt_merge_list_encode(handle, ptr + ends.byteLength, bytes.length, ptr, ends.length);
      rt.x.tt_free(ptr);
      if (status !== 0) throw bindingError('otherStatus', { status: statusText(rt, status) });
      const [a, b] = rt.out();
      const ids = new Uint32Array(rt.x.memory.buffer, a, b).slice();
      rt.releaseIfLarge(b * 4);
      return ids;
    });
  }

  memoryBytes(): number {
    return this.#table.byteLength * 2;
  }
}

type MergeListClass = new (table: Uint32Array) => MergeListHandle;

/** Loads a table (merge_list.h's layout) into the core of this process's backend. */
export function createMergeList(table: Uint32Array): MergeListHandle {
  const addon = (native as unknown as { MergeList?: MergeListClass }).MergeList;
  if (native.backend === 'wasm' || typeof addon !== 'function') return new WasmMergeList(table);
  return new addon(table);
}
