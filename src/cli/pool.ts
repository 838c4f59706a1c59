// Encoding jobs (lists of text segments) inline or on worker threads, one Encoding per worker.
// Results are promises the caller awaits in submission order, so the output order never depends
// on which worker finishes first.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncodeOptions, Encoding } from '../encoding';
import { TurbotokenError } from '../errors';
import type { EncodingSource } from './common';
import { type JsonlSettings, parseJsonlBlock } from './corpus-jsonl';
import { type BlockResult, encodeDocumentTexts, encodeJob, type JobResult } from './job-encode';
import { encodeParquetPages, type PagesResult, type ParquetPagesJob } from './formats/parquet-pages';

/** A block of whole JSON lines (raw bytes, transferred to a worker) and what to make of them. */
export interface BlockJob extends JsonlSettings {
  bytes: Uint8Array;
  atFileStart: boolean;
  /** Appended to each document (not to one of no tokens unless eotOnEmpty). */
  eot: number | undefined;
  eotOnEmpty: boolean;
  /** Where to write the ids (shared memory the calling thread reuses), when they fit. */
  ids?: Uint32Array;
}

/**
 * Documents already cut out of their file (the UTF-8 bytes of Parquet string values), packed
 * end to end in one buffer that is transferred: document i is bytes[ends[i-1], ends[i]).
 */
export interface DocumentsJob {
  bytes: Uint8Array;
  ends: Uint32Array;
  eot: number | undefined;
  eotOnEmpty: boolean;
  /** Where to write the ids, when they fit (as BlockJob's). */
  ids?: Uint32Array;
}

export interface Encoder {
  /** Segments of text: strings, or UTF-8 bytes (read as TextDecoder would); their ids go into `ids` when they fit. */
  submit(texts: (string | Uint8Array)[], ids?: Uint32Array): Promise<JobResult>;
  /** A block of JSON lines, parsed and encoded where the encoder runs. */
  submitBlock(job: BlockJob): Promise<BlockResult>;
  /** Packed documents, decoded and encoded where the encoder runs. */
  submitDocuments(job: DocumentsJob): Promise<BlockResult>;
  /** Compressed Parquet data pages, decompressed, decoded and encoded where the encoder runs. */
  submitPages(job: ParquetPagesJob): Promise<PagesResult>;
  /** Encodes here a job waiting at a worker, if there is one that has not begun (true then). */
  steal?(): boolean;
  close(): Promise<void>;
}

export function encodeBlock(encoding: Encoding, options: EncodeOptions | undefined, job: BlockJob): BlockResult {
  const { texts, ...rest } = parseJsonlBlock(job.bytes, job.atFileStart, job);
  return { ...rest, ...encodeDocumentTexts(encoding, options, texts, job.eot, job.eotOnEmpty, job.ids) };
}

// As the reading thread decoded a Parquet value before: a byte-order mark starting it is text.

export function encodeDocuments(encoding: Encoding, options: EncodeOptions | undefined, job: DocumentsJob): BlockResult {
  // Each value's bytes go to encode() as they are: it reads them as a TextDecoder that keeps a
  // byte-order mark would (ill-formed sequences as U+FFFD), and making a string of each first
  // took 180 of 2,850 ms of a 30 MB Parquet run's CPU profile (docs/performance.md).
  const texts: Uint8Array[] = [];
  for (let i = 0, start = 0; i < job.ends.length; start = job.ends[i++]) texts.push(job.bytes.subarray(start, job.ends[i]));
  return { lines: texts.length, textBytes: job.bytes.length, firstInvalid: -1, ...encodeDocumentTexts(encoding, options, texts, job.eot, job.eotOnEmpty, job.ids) };
}

/** Encodes on the calling thread. */
export function inlineEncoder(encoding: Encoding, options: EncodeOptions | undefined): Encoder {
  return {
    submit: (texts, ids) => {
      try {
        return Promise.resolve(encodeJob(encoding, options, texts, ids));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    submitBlock: (job) => {
      try {
        return Promise.resolve(encodeBlock(encoding, options, job));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    submitDocuments: (job) => {
      try {
        return Promise.resolve(encodeDocuments(encoding, options, job));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    submitPages: (job) => {
      try {
        return Promise.resolve(encodeParquetPages(encoding, options, job));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close: async () => {},
  };
}

/** Jobs waiting at every worker before the calling thread encodes one itself. */
const WORKER_BACKLOG = 3;

/** Claim flags per worker: a flag is reused CLAIMS jobs later, once the worker has taken its message. */
const CLAIMS = 1024;
/** What each worker shares with the calling thread (an Int32Array): */
export const SHARED = {
  /** jobs the worker has finished, */
  done: 0,
  /** messages it has taken (finished, or skipped as stolen), */
  taken: 1,
  /** 1 once its encoding is loaded. */
  ready: 2,
  length: 3,
} as const;

/** A job's claim flag: 0 unclaimed, then set once by whichever thread encodes it. */
export const CLAIMED_BY_WORKER = 1;
const CLAIMED_BY_CALLER = 2;

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Posted jobs the calling thread could still encode itself (their input is shared, not moved), oldest first. */
  stealable: Pending[];
  posted: number;
  stolen: number;
  shared: Int32Array;
  claims: Int32Array;
}

// A worker's unfinished jobs as of now: counting results as they arrive would see a worker busy
// whose results wait for the calling thread to finish a job of its own.
const backlog = (slot: Slot) => slot.posted - slot.stolen - Atomics.load(slot.shared, SHARED.done);

interface Pending {
  seq: number;
  claim: number;
  resolve(result: JobResult): void;
  reject(error: Error): void;
  /** Encodes the job on the calling thread (for a stealable job). */
  inline?: () => Promise<JobResult>;
}

interface WorkerError {
  message: string;
  code?: string;
}

const isShared = (bytes: Uint8Array | Uint32Array) => typeof SharedArrayBuffer === 'function' && bytes.buffer instanceof SharedArrayBuffer;

/**
 * `threads` encoders: the calling thread and `threads - 1` workers (each loading its own copy of
 * the encoding). A job goes to the least busy worker once it has loaded its encoding; the calling
 * thread encodes one itself while no worker is ready or every worker has WORKER_BACKLOG jobs
 * waiting, so that it stays free to read and write and no worker ever waits for it. On two cores,
 * a reading thread beside two workers would have three threads contend for them and a second
 * worker to start. Workers start with the second job, except one
 * the caller may have started before loading its own encoding (EarlyWorker), whose start-up then
 * overlaps the caller's.
 * A job whose input the worker shares rather than owns (strings, or bytes in shared memory) stays
 * stealable until the worker claims it: steal() has the calling thread encode the last such job
 * instead of waiting for a result, so that both threads stay busy to the end.
 */
export class WorkerPool implements Encoder {
  readonly #workers: Slot[] = [];
  readonly #inline: Encoder;
  #seq = 0;
  #jobs = 0;
  #failure: Error | undefined;

  constructor(
    readonly source: EncodingSource,
    encoding: Encoding,
    readonly options: EncodeOptions | undefined,
    readonly threads: number,
    early?: EarlyWorker,
  ) {
    this.#inline = inlineEncoder(encoding, options);
    if (early && threads > 1) this.#adopt(early);
  }

  #start(): void {
    for (let i = this.#workers.length; i < this.threads - 1; i++) this.#adopt(new EarlyWorker(this.source, this.options));
  }

  #adopt(started: EarlyWorker): void {
    const { worker, shared, claims } = started;
    started.adopted = true;
    worker.ref();
    const slot: Slot = { worker, pending: new Map<number, Pending>(), stealable: [], posted: 0, stolen: 0, shared, claims };
    worker.on('message', (message: { seq: number; result?: BlockResult; error?: WorkerError }) => {
      const job = slot.pending.get(message.seq);
      if (!job) return;
      slot.pending.delete(message.seq);
      if (job.inline) slot.stealable.splice(slot.stealable.indexOf(job), 1);
      if (message.error) job.reject(new TurbotokenError(message.error.message, message.error.code ?? 'ERR_WORKER'));
      else job.resolve(message.result as BlockResult);
    });
    worker.on('error', (error) => this.#fail(slot, error));
    worker.on('exit', (code) => {
      if (slot.pending.size) this.#fail(slot, new Error(`An encoding worker exited with code ${code}`));
    });
    this.#workers.push(slot);
    if (started.failed) this.#fail(slot, started.failed);
  }

  submit(texts: (string | Uint8Array)[], ids?: Uint32Array): Promise<JobResult> {
    const inline = () => this.#inline.submit(texts, ids);
    const shared = texts.every((text) => typeof text === 'string' || isShared(text));
    return this.#post({ texts, ids }, [], inline, shared);
  }

  submitBlock(job: BlockJob): Promise<BlockResult> {
    const inline = () => this.#inline.submitBlock(job);
    // Bytes not in shared memory move to the worker (the reading thread keeps no view of them).
    if (isShared(job.bytes)) return this.#post({ block: job }, [], inline, true);
    return this.#post({ block: job }, [job.bytes.buffer as ArrayBuffer], inline, false);
  }

  submitDocuments(job: DocumentsJob): Promise<BlockResult> {
    const inline = () => this.#inline.submitDocuments(job);
    if (isShared(job.bytes) && isShared(job.ends)) return this.#post({ documents: job }, [], inline, true);
    return this.#post({ documents: job }, [job.bytes.buffer as ArrayBuffer, job.ends.buffer as ArrayBuffer], inline, false);
  }

  submitPages(job: ParquetPagesJob): Promise<PagesResult> {
    const inline = () => this.#inline.submitPages(job);
    // The chunk is read by every job of its pages: only shared memory is posted (an owned chunk is encoded here).
    return isShared(job.chunk) ? this.#post({ pages: job }, [], inline, true) : inline();
  }

  #post<T extends JobResult>(message: object, transfer: ArrayBuffer[], inline: () => Promise<T>, stealable: boolean): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#jobs++ === 1) this.#start();
    const ready = this.#workers.filter((w) => Atomics.load(w.shared, SHARED.ready) === 1 && w.posted - Atomics.load(w.shared, SHARED.taken) < CLAIMS);
    if (ready.length === 0) return inline();
    const slot = ready.reduce((best, w) => (backlog(w) < backlog(best) ? w : best));
    if (backlog(slot) >= WORKER_BACKLOG) return inline();
    const claim = slot.posted++ % CLAIMS;
    Atomics.store(slot.claims, claim, 0);
    const seq = this.#seq++;
    return new Promise((resolve, reject) => {
      const job: Pending = { seq, claim, resolve: (result) => resolve(result as T), reject, ...(stealable ? { inline } : {}) };
      slot.pending.set(seq, job);
      if (stealable) slot.stealable.push(job);
      slot.worker.postMessage({ seq, claim, ...message }, transfer);
    });
  }

  /**
   * Encodes on the calling thread the newest job a worker has not begun, and returns true; false
   * when there is none (the worker has begun all of its jobs, or they were moved to it).
   */
  steal(): boolean {
    for (const slot of this.#workers) {
      const job = slot.stealable.at(-1);
      if (!job?.inline) continue;
      // A worker takes its jobs in order: once it has claimed the newest, it has claimed them all.
      if (Atomics.compareExchange(slot.claims, job.claim, 0, CLAIMED_BY_CALLER) !== 0) continue;
      slot.stealable.pop();
      slot.pending.delete(job.seq);
      slot.stolen++;
      job.inline().then(job.resolve, job.reject);
      return true;
    }
    return false;
  }

  /** Jobs the workers have encoded so far (not those stolen back). */
  get workerJobs(): number {
    return this.#workers.reduce((sum, slot) => sum + Atomics.load(slot.shared, SHARED.done), 0);
  }

  #closing: Promise<void> | undefined;

  /** Stops the workers; called again, the same promise. */
  close(): Promise<void> {
    this.#closing ??= Promise.all(this.#workers.map(({ worker }) => worker.terminate())).then(() => {});
    return this.#closing;
  }

  #fail(slot: Slot, error: Error): void {
    // A worker that stops before it has loaded its encoding has been given no job: the calling
    // thread encodes what it would have, and the output is the same.
    if (Atomics.load(slot.shared, SHARED.ready) !== 1 && slot.pending.size === 0) {
      const at = this.#workers.indexOf(slot);
      if (at >= 0) this.#workers.splice(at, 1);
      return;
    }
    this.#failure ??= error;
    for (const job of slot.pending.values()) job.reject(error);
    slot.pending.clear();
    slot.stealable.length = 0;
  }
}

/**
 * A worker started before its pool, so that its start-up (loading its encoding) runs while the
 * calling thread checks the arguments and loads its own. Until a pool adopts it, it does not keep
 * the process alive and a failure is only recorded: the pool then encodes without it.
 */
export class EarlyWorker {
  readonly shared = new Int32Array(new SharedArrayBuffer(4 * SHARED.length));
  readonly claims = new Int32Array(new SharedArrayBuffer(4 * CLAIMS));
  readonly worker: Worker;
  failed: Error | undefined;
  adopted = false;

  constructor(
    readonly source: EncodingSource,
    readonly options: EncodeOptions | undefined,
  ) {
    const workerData = { source, options, shared: this.shared, claims: this.claims };
    this.worker = new Worker(path.join(__dirname, 'worker.js'), { workerData });
    this.worker.unref();
    this.worker.on('error', (error) => (this.failed ??= error));
    this.worker.on('exit', (code) => (this.failed ??= new Error(`An encoding worker exited with code ${code}`)));
  }

  /** Stops the worker unless a pool has adopted it (the pool stops it then). */
  stop(): void {
    if (!this.adopted) this.worker.terminate().catch(() => {});
  }
}
