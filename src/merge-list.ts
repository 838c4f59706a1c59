// The core's merges-list BPE (native/core/bpe/merge_list.h) on whichever backend this process
// uses: the addon's MergeList class, or tt_merge_list_* in the WebAssembly module.
import { bindingError } from './binding-errors';
import { TurbotokenError } from './errors';
import { native } from './native';
import { guarded, liveGeneration, runtime, type Runtime } from './wasm-runtime';

/** One loaded table: encode(bytes, ends) gives the ids of each word bytes[ends[k-1], ends[k]). */
export interface MergeListHandle {
  encode(bytes: Uint8Array, ends: Uint32Array): Uint32Array;
  memoryBytes(): number;
}

interface MergeListExports {
  tt_merge_list_create(table: number, words: number): number;
  tt_merge_list_destroy(handle: number): void;
  tt_merge_list_encode(handle: number, bytes: number, size: number, ends: number, count: number): number;
  tt_status_name(status: number): number;
}

const lists = new FinalizationRegistry<{ generation: number; ptr: number }>((cell) => {
  if (cell.generation === liveGeneration()) (runtime().x as unknown as MergeListExports).tt_merge_list_destroy(cell.ptr);
});

function statusText(rt: Runtime, status: number): string {
  return rt.cString((rt.x as unknown as MergeListExports).tt_status_name(status) >>> 0);
}

class WasmMergeList implements MergeListHandle {
  // Kept so that the list can be rebuilt in a new instance after a trap.
  readonly #table: Uint32Array;
  readonly #cell = { generation: -1, ptr: 0 };

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
    this.#cell.generation = rt.generation;
    this.#cell.ptr = rt.out()[0];
    return this.#cell.ptr;
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
