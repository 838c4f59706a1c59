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

interface Pending {
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

interface WorkerError {
  message: string;
  code?: string;
}

/** `threads` workers, each loading its own copy of the encoding; a job goes to the least busy one. */
export class WorkerPool implements Encoder {
  readonly #workers: { worker: Worker; pending: Map<number, Pending> }[] = [];
  #seq = 0;
  #failure: Error | undefined;

  constructor(source: EncodingSource, options: EncodeOptions | undefined, threads: number) {
    const script = path.join(__dirname, 'worker.js');
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(script, { workerData: { source, options } });
      const slot = { worker, pending: new Map<number, Pending>() };
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
    return this.#post({ texts }, []);
  }

  submitBlock(job: BlockJob): Promise<BlockResult> {
    // The block's bytes move to the worker (the reading thread keeps no view of them).
    return this.#post({ block: job }, [job.bytes.buffer as ArrayBuffer]);
  }

  submitDocuments(job: DocumentsJob): Promise<BlockResult> {
    return this.#post({ documents: job }, [job.bytes.buffer as ArrayBuffer, job.ends.buffer as ArrayBuffer]);
  }

  #post<T extends JobResult>(message: object, transfer: ArrayBuffer[]): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const slot = this.#workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
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
