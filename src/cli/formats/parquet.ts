// Parquet input: the --field column, read one row group at a time (memory stays bounded by a row
// group, never the file) with hyparquet and every codec hyparquet-compressors decodes (snappy,
// gzip, zstd, brotli, lz4). Each non-null value is a document; a null holds no text and is skipped.
import { isUtf8 } from 'node:buffer';
import { type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { segmenterFor } from '../../safe-cut';
import { fileError } from '../common';
import { checkUnchanged, type DocumentSink, type InputFile, openInput, type ReadSettings } from '../corpus-input';
import { BLOCK_BYTES, blockMemory } from '../corpus-jsonl';
import { CliError } from '../options';
import { firstInvalidUtf8 } from '../utf8';
import { asyncBuffer, type DecodedRows, type DecodeFailure, type DecodeRequest, decodeRows, loadParquet, type Metadata, ParquetReadError, type SchemaElement, unpackRows } from './parquet-library';

function isString(element: SchemaElement): boolean {
  return element.type === 'BYTE_ARRAY' && (element.converted_type === 'UTF8' || element.logical_type?.type === 'STRING' || (element.converted_type === undefined && element.logical_type === undefined));
}

function describe(element: SchemaElement): string {
  if (element.num_children) return 'a group';
  return [element.type, element.logical_type?.type ?? element.converted_type].filter(Boolean).join(' ') || 'unknown type';
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// What failed reading the file's bytes, as the file's error; other failures are the caller's to word.
function readFailure(error: unknown, file: string): unknown {
  if (!(error instanceof ParquetReadError)) return error;
  if (error.endedAt !== undefined) return new CliError(`${file}: ended at byte ${error.endedAt} while reading Parquet data`);
  return fileError(error, file);
}

/**
 * The decoding thread (parquet-worker.ts) of a run with --threads 2 and more, started on the first
 * file of two row groups or more: while the reading thread hands on one row group's values, it
 * decodes the next. Decoding a row group (tens of MB) on the reading thread took it away from
 * feeding the encoders for that long, and a worker ran out of jobs meanwhile.
 */
export class ParquetDecoder {
  #worker: Worker | undefined;
  #id = 0;
  #failure: Error | undefined;
  readonly #pending = new Map<number, { resolve(rows: unknown[][]): void; reject(error: unknown): void }>();

  decode(request: Omit<DecodeRequest, 'id'>): Promise<unknown[][]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const worker = (this.#worker ??= this.#start());
    const id = this.#id++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...request });
    });
  }

  #start(): Worker {
    const worker = new Worker(path.join(__dirname, 'parquet-worker.js'));
    worker.on('message', (message: DecodedRows | DecodeFailure) => {
      const job = this.#pending.get(message.id);
      if (!job) return;
      this.#pending.delete(message.id);
      if ('error' in message) {
        const { message: text, code, endedAt, read } = message.error;
        job.reject(read ? new ParquetReadError(text, code, endedAt) : new Error(text));
      } else job.resolve(unpackRows(message));
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      for (const job of this.#pending.values()) job.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the Parquet decoding thread exited with code ${code}`)));
    return worker;
  }

  #closing: Promise<void> | undefined;

  /** Stops the thread (every file has settled its requests before closing its descriptor); called again, the same promise. */
  close(): Promise<void> {
    this.#failure ??= new Error('the Parquet decoding thread was stopped');
    this.#closing ??= this.#worker ? this.#worker.terminate().then(() => {}) : Promise.resolve();
    return this.#closing;
  }
}

export async function readParquetDocuments(file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const { hyparquet } = await loadParquet();
  const handle = await openInput(file);
  // A row group being decoded on the decoding thread, which reads through this handle: settled
  // before the handle closes, whatever ends the reading.
  let ahead: Promise<unknown[][]> | undefined;
  try {
    const buffer = asyncBuffer(file.size, async (bytes, at, length, position) => (await handle.read(bytes, at, length, position)).bytesRead);
    let metadata: Metadata;
    try {
      metadata = await hyparquet.parquetMetadataAsync(buffer);
    } catch (error) {
      if (error instanceof ParquetReadError) throw readFailure(error, file.path);
      throw new CliError(`${file.path}: not a readable Parquet file (${(error as Error).message})`);
    }
    const field = settings.field;
    const columns = hyparquet.parquetSchema(metadata).children;
    const column = columns.find((child) => child.element.name === field);
    if (!column) throw new CliError(`${file.path}: no column ${JSON.stringify(field)} (columns: ${columns.map((c) => JSON.stringify(c.element.name)).join(', ')}); choose one with --field`);
    if (!isString(column.element)) throw new CliError(`${file.path}: column ${JSON.stringify(field)} is ${describe(column.element)}, not a string column`);
    const packed = sink.documents ? new PackedValues(sink as Required<Pick<DocumentSink, 'documents'>>, index) : undefined;
    const groups = metadata.row_groups;
    const starts = [0];
    for (const group of groups) starts.push(starts[starts.length - 1] + Number(group.num_rows));
    // With one row group there is nothing to decode while another is handed on.
    const thread = groups.length > 1 ? settings.parquetDecoder : undefined;
    const onThread = (g: number): Promise<unknown[][]> | undefined => {
      if (!thread || g >= groups.length) return undefined;
      const rows = thread.decode({ file: index, fd: handle.fd, size: file.size, field, rowStart: starts[g], rowEnd: starts[g + 1] });
      rows.catch(() => {}); // awaited below, or settled before the handle closes
      return rows;
    };
    // The first row group is decoded here while the thread starts and decodes the second.
    ahead = onThread(1);
    for (let g = 0; g < groups.length; g++) {
      const rowStart = starts[g];
      const rowEnd = starts[g + 1];
      let rows: unknown[][];
      try {
        if (g === 0 || !ahead) rows = await decodeRows(buffer, metadata, field, rowStart, rowEnd);
        else {
          rows = await ahead;
          ahead = onThread(g + 1);
        }
      } catch (error) {
        if (error instanceof ParquetReadError) throw readFailure(error, file.path);
        if (error instanceof CliError) throw error;
        throw new CliError(`${file.path}: corrupt Parquet data in rows ${rowStart}-${rowEnd - 1} (${(error as Error).message})`);
      }
      for (let i = 0; i < rows.length; i++) {
        const value = rows[i][0];
        if (value === null || value === undefined) continue;
        if (!(value instanceof Uint8Array) && typeof value !== 'string') throw new CliError(`${file.path}: row ${rowStart + i} of column ${JSON.stringify(field)} is not a string`);
        let content: string;
        if (typeof value === 'string') content = value;
        else {
          const invalid = isUtf8(value) ? -1 : firstInvalidUtf8(value);
          if (invalid >= 0) {
            if (settings.invalid === 'fail') throw new CliError(`${file.path}: invalid UTF-8 in row ${rowStart + i} of column ${JSON.stringify(field)}, at byte ${invalid} of the value (use --invalid=replace to read it as U+FFFD)`);
            sink.replaced(index, rowStart + i);
          }
          // Decoding, cutting and cloning the text here would keep the reading thread busiest
          // of all; a value of up to a segment's length goes on as bytes, decoded where it is
          // encoded. A longer one is cut into segments here, so that its work still spreads.
          if (packed && value.length <= settings.target) {
            await packed.add(value);
            continue;
          }
          content = decoder.decode(value);
        }
        await packed?.flush(); // the values before it go first
        const segmenter = segmenterFor(settings.encoding, settings.target);
        for (const segment of segmenter.push(content)) await sink.text(segment);
        await sink.text(segmenter.end());
        await sink.endDocument(index, Buffer.byteLength(content));
      }
    }
    await packed?.flush();
    await checkUnchanged(handle, file);
    sink.progress(file.size);
  } finally {
    await ahead?.catch(() => {});
    await handle.close();
  }
}
/** String values copied end to end into blocks of about BLOCK_BYTES, each handed on whole (its buffers then belong to the sink). */
class PackedValues {
  #values: Uint8Array[] = [];
  #bytes = 0;

  constructor(readonly sink: Required<Pick<DocumentSink, 'documents'>>, readonly index: number) {}

  async add(value: Uint8Array): Promise<void> {
    this.#values.push(value);
    this.#bytes += value.length;
    if (this.#bytes >= BLOCK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#values.length === 0) return;
    // Shared memory: the reading thread can still encode the block should its worker not have begun it.
    const bytes = blockMemory(this.#bytes);
    const ends = new Uint32Array(new SharedArrayBuffer(4 * this.#values.length));
    let at = 0;
    for (let i = 0; i < this.#values.length; i++) {
      bytes.set(this.#values[i], at);
      at += this.#values[i].length;
      ends[i] = at;
    }
    this.#values = [];
    this.#bytes = 0;
    await this.sink.documents(this.index, bytes, ends);
  }
}
