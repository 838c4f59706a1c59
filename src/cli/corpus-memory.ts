// Shared memory the corpus pipeline hands to its encoders and takes back once a job is written:
// input blocks, and the ids encoded from them. Memory freed by a worker's heap goes back to that
// thread's allocator, so fresh buffers per block are fresh pages on every block, each a page
// fault (docs/performance.md, "Corpus pipeline"). Shared, so that a job handed to a worker stays
// readable on the reading thread, which can still encode it itself (WorkerPool#steal), and so
// that ids a worker writes need neither a copy nor a transfer.

const GRAIN = 64 << 10;

/**
 * Buffers lent out and taken back. Only memory this pool lent and has not yet taken back is
 * kept: a buffer handed back twice (or memory the pool never lent) is ignored, so it can never
 * be lent to two jobs at once.
 */
export class SharedPool {
  readonly #spare: SharedArrayBuffer[] = [];
  // Weak: memory lent and never handed back (a failed run) is collected as usual.
  readonly #lent = new WeakSet<SharedArrayBuffer>();

  constructor(
    /** Buffers kept for reuse at most. */
    readonly maxSpare: number,
    /** Larger buffers are not kept (an unusually long line's block). */
    readonly maxBytes: number,
  ) {}

  /** Shared memory of at least `bytes`: a spare buffer when one is large enough, else new. */
  take(bytes: number): SharedArrayBuffer {
    const i = this.#spare.findIndex((memory) => memory.byteLength >= bytes);
    // Rounded up: blocks of nearly the same size (cut after a newline) then fit each other's memory.
    const memory = i < 0 ? new SharedArrayBuffer(bytes < GRAIN ? bytes : Math.ceil(bytes / GRAIN) * GRAIN) : this.#spare.splice(i, 1)[0];
    this.#lent.add(memory);
    return memory;
  }

  /**
   * Takes back the memory under `view`: call only once no thread will read or write it again
   * (its job's result is in, or the job was encoded here and the worker skips it unread).
   */
  give(view: ArrayBufferView): void {
    const memory = view.buffer;
    if (!(memory instanceof SharedArrayBuffer) || !this.#lent.delete(memory)) return;
    if (memory.byteLength > this.maxBytes || this.#spare.length >= this.maxSpare) return;
    this.#spare.push(memory);
  }

  /** Buffers waiting to be lent again. */
  get spare(): number {
    return this.#spare.length;
  }
}

/** Input blocks (.jsonl lines, Parquet's packed values, plain-text segments). */
export const blockPool = new SharedPool(16, 4 << 20);

/** Ids of jobs encoded from blocks, written by whichever thread encodes the job. */
export const idsPool = new SharedPool(16, 32 << 20);

/**
 * Room for the ids of a job of `bytes` bytes of input (or characters of strings): a token is at
 * least one byte of UTF-8, and in a .jsonl block each document's end-of-document token has a
 * line's JSON around it, so a block's ids always fit. Only the pages written are ever touched.
 * A job whose ids do not fit (strings of many tokens a character) gets an array of its own
 * (IdsBuilder in pool.ts): this bounds which jobs reuse memory, never the output.
 */
export function idsCapacity(bytes: number): number {
  // A power of two: blocks of about the same size ask for the same, and reuse each other's.
  return 2 ** Math.ceil(Math.log2(Math.max(1024, bytes)));
}

/** A view of `entries` ids in shared memory from idsPool. */
export function idsMemory(entries: number): Uint32Array {
  return new Uint32Array(idsPool.take(4 * entries), 0, entries);
}
