// Parquet input: the --field column, read one row group at a time (memory stays bounded by a row
// group, never the file) with hyparquet; snappy pages decoded by the core (src/snappy.ts) into
// memory reused from row group to row group (PageMemory), the other codecs by
// hyparquet-compressors (gzip, zstd, brotli, lz4). Each non-null value is a document; a null holds
// no text and is skipped.
import { isUtf8 } from 'node:buffer';
import { type FileHandle } from 'node:fs/promises';
import { segmenterFor } from '../../safe-cut';
import { snappyDecompress } from '../../snappy';
import { fileError } from '../common';
import { checkUnchanged, type DocumentSink, type InputFile, openInput, type ReadSettings } from '../corpus-input';
import { BLOCK_BYTES, blockMemory } from '../corpus-jsonl';
import { CliError } from '../options';
import { firstInvalidUtf8 } from '../utf8';

interface SchemaElement {
  name: string;
  type?: string;
  converted_type?: string;
  logical_type?: { type?: string };
  num_children?: number;
}
interface SchemaTree {
  element: SchemaElement;
  children: SchemaTree[];
}
interface RowGroup {
  num_rows: bigint | number;
}
interface Metadata {
  row_groups: RowGroup[];
}
interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}
interface Hyparquet {
  parquetMetadataAsync(file: AsyncBuffer): Promise<Metadata>;
  parquetSchema(metadata: Metadata): SchemaTree;
  parquetRead(options: {
    file: AsyncBuffer;
    metadata: Metadata;
    columns: string[];
    rowStart: number;
    rowEnd: number;
    compressors: unknown;
    parsers: { stringFromBytes(bytes: Uint8Array | undefined): unknown };
    onComplete(rows: unknown[][]): void;
  }): Promise<void>;
}

// The column's bytes as they are: hyparquet's own decoding drops a byte-order mark that starts a
// value (TextDecoder's default), which would change the text; checking UTF-8 here honours --invalid.
const RAW_STRINGS = { stringFromBytes: (bytes: Uint8Array | undefined) => bytes };
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// hyparquet is an ES module only; a real import() (which CommonJS output would turn into require()).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let libraries: Promise<{ hyparquet: Hyparquet; compressors: unknown }> | undefined;
function load(): Promise<{ hyparquet: Hyparquet; compressors: unknown }> {
  libraries ??= Promise.all([importEsm('hyparquet'), importEsm('hyparquet-compressors')]).then(([hyparquet, extra]) => ({
    hyparquet: hyparquet as Hyparquet,
    compressors: (extra as { compressors: unknown }).compressors,
  }));
  return libraries;
}

function asyncBuffer(handle: FileHandle, file: InputFile): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start, end = file.size) {
      const buffer = Buffer.allocUnsafeSlow(Math.max(0, end - start));
      let at = 0;
      while (at < buffer.length) {
        const { bytesRead } = await handle.read(buffer, at, buffer.length - at, start + at).catch((error) => Promise.reject(fileError(error, file.path)));
        if (bytesRead === 0) throw new CliError(`${file.path}: ended at byte ${start + at} while reading Parquet data`);
        at += bytesRead;
      }
      // allocUnsafeSlow's memory is its own: handed on whole, not copied (a row group's column
      // chunk is megabytes, and a copy is fresh pages too).
      if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length) return buffer.buffer as ArrayBuffer;
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer;
    },
  };
}

function isString(element: SchemaElement): boolean {
  return element.type === 'BYTE_ARRAY' && (element.converted_type === 'UTF8' || element.logical_type?.type === 'STRING' || (element.converted_type === undefined && element.logical_type === undefined));
}

function describe(element: SchemaElement): string {
  if (element.num_children) return 'a group';
  return [element.type, element.logical_type?.type ?? element.converted_type].filter(Boolean).join(' ') || 'unknown type';
}

export async function readParquetDocuments(file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const { hyparquet, compressors } = await load();
  const handle = await openInput(file);
  try {
    const buffer = asyncBuffer(handle, file);
    let metadata: Metadata;
    try {
      metadata = await hyparquet.parquetMetadataAsync(buffer);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${file.path}: not a readable Parquet file (${(error as Error).message})`);
    }
    const field = settings.field;
    const columns = hyparquet.parquetSchema(metadata).children;
    const column = columns.find((child) => child.element.name === field);
    if (!column) throw new CliError(`${file.path}: no column ${JSON.stringify(field)} (columns: ${columns.map((c) => JSON.stringify(c.element.name)).join(', ')}); choose one with --field`);
    if (!isString(column.element)) throw new CliError(`${file.path}: column ${JSON.stringify(field)} is ${describe(column.element)}, not a string column`);
    const packed = sink.documents ? new PackedValues(sink as Required<Pick<DocumentSink, 'documents'>>, index) : undefined;
    const pages = new PageMemory();
    const codecs = { ...(compressors as object), SNAPPY: pages.snappy };
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: unknown[][] = [];
      // The values read below are views of the page memory: every one of the last row group's
      // was copied out (a block, a string) before the memory is written again.
      pages.reuse();
      try {
        await hyparquet.parquetRead({ file: buffer, metadata, columns: [field], rowStart, rowEnd, compressors: codecs, parsers: RAW_STRINGS, onComplete: (read) => (rows = read) });
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw Object.assign(new CliError(`${file.path}: corrupt Parquet data in rows ${rowStart}-${rowEnd - 1} (${(error as Error).message})`), { cause: error });
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
      await packed?.flush(); // its values are views of the pages the next row group overwrites
      rowStart = rowEnd;
    }
    await checkUnchanged(handle, file);
    sink.progress(file.size);
  } finally {
    await handle.close();
  }
}

// Snappy pages go to chunks of this size, each page whole in one chunk (a page of more has a chunk
// of its own size); 8-byte aligned, as hyparquet reads numbers in place when they are aligned.
const PAGE_CHUNK_BYTES = 8 << 20;

/**
 * Memory for one row group's decoded snappy pages, reused by the next row group: a fresh buffer
 * per 1 MB page (hyparquet-compressors' way) was a minor page fault per 4 KB decoded.
 */
export class PageMemory {
  #chunks: Uint8Array[] = [];
  #chunk = 0;
  #at = 0;

  constructor(readonly chunkBytes = PAGE_CHUNK_BYTES) {}

  /** Starts over at the first chunk: the caller holds no view of the pages given out so far. */
  reuse(): void {
    this.#chunk = 0;
    this.#at = 0;
  }

  /** hyparquet's codec signature: the page decoded into this memory. */
  readonly snappy = (input: Uint8Array, length: number): Uint8Array => {
    let chunk = this.#chunks[this.#chunk];
    while (chunk && chunk.length - this.#at < length) {
      chunk = this.#chunks[++this.#chunk];
      this.#at = 0;
    }
    if (!chunk) {
      chunk = new Uint8Array(Math.max(this.chunkBytes, length));
      this.#chunks.push(chunk);
      this.#chunk = this.#chunks.length - 1;
      this.#at = 0;
    }
    const at = this.#at;
    snappyDecompress(input, chunk, at, length);
    this.#at = Math.min(chunk.length, Math.ceil((at + length) / 8) * 8);
    return chunk.subarray(at, at + length);
  };
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
