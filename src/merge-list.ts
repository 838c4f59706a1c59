// The core's merges-list BPE (native/core/bpe/merge_list.h) on whichever backend this process
// uses: the addon's MergeList class, or tt_merge_list_* in the WebAssembly module.
import { bindingError } from './binding-errors';
import { TurbotokenError } from './errors';
import { native } from './native';
import { CoreObject, guarded, type Runtime, type WasmExports } from './wasm-runtime';

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

const textEncoder = new TextEncoder();

const exportsOf = (x: WasmExports): MergeListExports => x as unknown as MergeListExports;

function statusText(rt: Runtime, status: number): string {
  return rt.cString(exportsOf(rt.x).tt_status_name(status) >>> 0);
}

class WasmMergeList extends CoreObject implements MergeListHandle {
  #added: [Uint8Array, Uint32Array, Uint32Array] | undefined;

  // The table is kept so that the list can be rebuilt in a new instance after a trap.
  constructor(private readonly table: Uint32Array) {
    super((x, ptr) => exportsOf(x).tt_merge_list_destroy(ptr));
    this.attach();
  }

  protected build(rt: Runtime): number {
    const failed = (status: number) => bindingError('invalidVocabulary', { status: statusText(rt, status) }, TurbotokenError);
    const handle = rt.createFromWords(exportsOf(rt.x).tt_merge_list_create, this.table, failed);
    if (this.#added) this.#putAdded(rt, handle, ...this.#added);
    return handle;
  }

  #putAdded(rt: Runtime, handle: number, texts: Uint8Array, ends: Uint32Array, ids: Uint32Array): void {
    const x = exportsOf(rt.x);
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
      // A rebuild puts the added tokens itself.
      if (this.livesIn(rt)) this.#putAdded(rt, this.core(rt), ...this.#added!);
      else this.core(rt);
    });
  }

  encodeText(text: string, accept: Uint8Array | null, prepend: boolean): Uint32Array {
    return guarded((rt) => {
      const handle = this.core(rt);
      const x = exportsOf(rt.x);
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
      const handle = this.core(rt);
      const x = exportsOf(rt.x);
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
    return this.table.byteLength * 2;
  }
}

type MergeListClass = new (table: Uint32Array) => MergeListHandle;

/** Loads a table (merge_list.h's layout) into the core of this process's backend. */
export function createMergeList(table: Uint32Array): MergeListHandle {
  const addon = (native as unknown as { MergeList?: MergeListClass }).MergeList;
  if (native.backend === 'wasm' || typeof addon !== 'function') return new WasmMergeList(table);
  return new addon(table);
}
