// Encoding jobs (lists of text segments) inline or on worker threads, one Encoding per worker.
// Results are promises the caller awaits in submission order, so the output order never depends
// on which worker finishes first.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { concatArrays, joinIds } from '../bytes';
import type { EncodeOptions, Encoding } from '../encoding';
import { TurbotokenError } from '../errors';
import type { EncodingSource } from './common';
import { type JsonlFailure, type JsonlSettings, parseJsonlBlock } from './corpus-jsonl';

/** The ids of a job's segments, flat, with each segment's count. */
export interface JobResult {
  ids: Uint32Array;
  lengths: Uint32Array;
}

/** A block of whole JSON lines (raw bytes, transferred to a worker) and what to make of them. */
export interface BlockJob extends JsonlSettings {
  bytes: Uint8Array;
  atFileStart: boolean;
  /** Appended to each document (not to one of no tokens unless eotOnEmpty). */
  eot: number | undefined;
  eotOnEmpty: boolean;
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
}

/** A block's documents: their ids (end-of-document tokens included), flat, and each one's count. */
export interface BlockResult extends JobResult {
  lines: number;
  textBytes: number;
  firstInvalid: number;
  /** The first failing line; the documents before it are in ids. */
  failure?: JsonlFailure;
}

export interface Encoder {
  /** Segments of text: strings, or UTF-8 bytes (read as TextDecoder would). */
  submit(texts: (string | Uint8Array)[]): Promise<JobResult>;
  /** A block of JSON lines, parsed and encoded where the encoder runs. */
  submitBlock(job: BlockJob): Promise<BlockResult>;
  /** Packed documents, decoded and encoded where the encoder runs. */
  submitDocuments(job: DocumentsJob): Promise<BlockResult>;
  close(): Promise<void>;
}

export function encodeBlock(encoding: Encoding, options: EncodeOptions | undefined, job: BlockJob): BlockResult {
  const { texts, ...rest } = parseJsonlBlock(job.bytes, job.atFileStart, job);
  return { ...rest, ...encodeDocumentTexts(encoding, options, texts, job.eot, job.eotOnEmpty) };
}

// As the reading thread decoded a Parquet value before: a byte-order mark starting it is text.
const valueDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function encodeDocuments(encoding: Encoding, options: EncodeOptions | undefined, job: DocumentsJob): BlockResult {
  const texts: string[] = [];
  for (let i = 0, start = 0; i < job.ends.length; start = job.ends[i++]) texts.push(valueDecoder.decode(job.bytes.subarray(start, job.ends[i])));
  return { lines: texts.length, textBytes: job.bytes.length, firstInvalid: -1, ...encodeDocumentTexts(encoding, options, texts, job.eot, job.eotOnEmpty) };
}

/** Each text a document: its ids, then the end-of-document token (not after one of no tokens unless eotOnEmpty). */
function encodeDocumentTexts(encoding: Encoding, options: EncodeOptions | undefined, texts: readonly string[], eotToken: number | undefined, eotOnEmpty: boolean): JobResult {
  const eot = eotToken === undefined ? undefined : Uint32Array.of(eotToken);
  const parts: Uint32Array[] = [];
  const lengths = new Uint32Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const ids = encoding.encode(texts[i], options);
    parts.push(ids);
    lengths[i] = ids.length;
    if (eot && (eotOnEmpty || ids.length > 0)) {
      parts.push(eot);
      lengths[i]++;
    }
  }
  return { ids: concatArrays(Uint32Array, parts), lengths };
}

export function encodeJob(encoding: Encoding, options: EncodeOptions | undefined, texts: readonly (string | Uint8Array)[]): JobResult {
  const parts = texts.map((text) => encoding.encode(text, options));
  const lengths = Uint32Array.from(parts, (part) => part.length);
  return { ids: joinIds(parts), lengths };
}

/** Encodes on the calling thread. */
export function inlineEncoder(encoding: Encoding, options: EncodeOptions | undefined): Encoder {
  return {
    submit: (texts) => {
      try {
        return Promise.resolve(encodeJob(encoding, options, texts));
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
    close: async () => {},
  };
}

/** Jobs waiting at every worker before the calling thread encodes one itself. */
const WORKER_BACKLOG = 3;

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  posted: number;
  /** Jobs the worker has finished, counted by the worker: its results may not have been received yet. */
  done: Int32Array;
}

// A worker's unfinished jobs as of now: counting results as they arrive would see a worker busy
// whose results wait for the calling thread to finish a job of its own.
const backlog = (slot: Slot) => slot.posted - Atomics.load(slot.done, 0);

interface Pending {
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

interface WorkerError {
  message: string;
  code?: string;
}

/**
 * `threads` encoders: the calling thread and `threads - 1` workers (each loading its own copy of
 * the encoding). A job goes to the least busy worker; the calling thread encodes one itself only
 * while every worker has WORKER_BACKLOG jobs waiting, so that it stays free to read and write
 * and no worker ever waits for it. On two cores, a reading thread beside two workers would have
 * three threads contend for them and a second worker to start.
 */
export class WorkerPool implements Encoder {
  readonly #workers: Slot[] = [];
  readonly #inline: Encoder;
  #seq = 0;
  #failure: Error | undefined;

  constructor(source: EncodingSource, encoding: Encoding, options: EncodeOptions | undefined, threads: number) {
    this.#inline = inlineEncoder(encoding, options);
    const script = path.join(__dirname, 'worker.js');
    for (let i = 0; i < threads - 1; i++) {
      const done = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(script, { workerData: { source, options, done } });
      const slot: Slot = { worker, pending: new Map<number, Pending>(), posted: 0, done };
      worker.on('message', (message: { seq: number; result?: BlockResult; error?: WorkerError }) => {
        const job = slot.pending.get(message.seq);
        slot.pending.delete(message.seq);
        if (!job) return;
        if (message.error) job.reject(new TurbotokenError(message.error.message, message.error.code ?? 'ERR_WORKER'));
        else job.resolve(message.result as BlockResult);
      });
      worker.on('error', (error) => this.#fail(slot.pending, error));
      worker.on('exit', (code) => {
        if (slot.pending.size) this.#fail(slot.pending, new Error(`An encoding worker exited with code ${code}`));
      });
      this.#workers.push(slot);
    }
  }

  submit(texts: (string | Uint8Array)[]): Promise<JobResult> {
    return this.#post({ texts }, [], () => this.#inline.submit(texts));
  }

  submitBlock(job: BlockJob): Promise<BlockResult> {
    // The block's bytes move to the worker (the reading thread keeps no view of them).
    return this.#post({ block: job }, [job.bytes.buffer as ArrayBuffer], () => this.#inline.submitBlock(job));
  }

  submitDocuments(job: DocumentsJob): Promise<BlockResult> {
    return this.#post({ documents: job }, [job.bytes.buffer as ArrayBuffer, job.ends.buffer as ArrayBuffer], () => this.#inline.submitDocuments(job));
  }

  #post<T extends JobResult>(message: object, transfer: ArrayBuffer[], inline: () => Promise<T>): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#workers.length === 0) return inline();
    const slot = this.#workers.reduce((best, w) => (backlog(w) < backlog(best) ? w : best));
    if (backlog(slot) >= WORKER_BACKLOG) return inline();
    slot.posted++;
    const seq = this.#seq++;
    return new Promise((resolve, reject) => {
      slot.pending.set(seq, { resolve: (result) => resolve(result as T), reject });
      slot.worker.postMessage({ seq, ...message }, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }

  #fail(pending: Map<number, Pending>, error: Error): void {
    this.#failure ??= error;
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  }
}
