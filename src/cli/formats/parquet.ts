// Parquet input: the --field column, read one row group at a time (memory stays bounded by a row
// group, never the file) with hyparquet. Each non-null value is a document; a null holds no text
// and is skipped. For a sink that encodes elsewhere (the corpus pipeline), the column chunk is read
// into shared memory and its data pages go on compressed, in jobs of about BLOCK_BYTES of values,
// decoded where they are encoded (parquet-pages.ts); only page headers and the dictionary page are
// decoded here. Pages of another encoding, or too large for one job, and every page for other
// sinks, are decoded here: snappy by the core (src/snappy.ts) into memory reused from row group to
// row group (PageMemory), the other codecs by hyparquet-compressors (gzip, zstd, brotli, lz4).
import { isUtf8 } from 'node:buffer';
import { type FileHandle } from 'node:fs/promises';
import { segmenterFor } from '../../safe-cut';
import { fileError } from '../common';
import { checkUnchanged, type DocumentSink, type InputFile, openInput, type ReadSettings } from '../corpus-input';
import { BLOCK_BYTES, blockMemory } from '../corpus-jsonl';
import { SharedPool } from '../corpus-memory';
import { CliError } from '../options';
import { firstInvalidUtf8 } from '../utf8';
import { columnDecoder, dictionaryValues, loadPageCodec, type PackedDictionary, type PageCodec, type PageColumn, type PageHeader, PageMemory, type PageRef, type ParquetFailure, RAW_STRINGS } from './parquet-pages';

interface SchemaElement {
  name: string;
  type?: string;
  converted_type?: string;
  logical_type?: { type?: string };
  num_children?: number;
  repetition_type?: string;
}
interface SchemaTree {
  element: SchemaElement;
  children: SchemaTree[];
}
interface ColumnChunk {
  meta_data?: {
    type: string;
    codec: string;
    path_in_schema: string[];
    total_compressed_size: bigint | number;
    data_page_offset: bigint | number;
    dictionary_page_offset?: bigint | number;
  };
}
interface RowGroup {
  num_rows: bigint | number;
  columns: ColumnChunk[];
}
interface Metadata {
  row_groups: RowGroup[];
}
interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}
interface HyparquetMetadata {
  parquetMetadataAsync(file: AsyncBuffer): Promise<Metadata>;
  parquetSchema(metadata: Metadata): SchemaTree;
}
interface HyparquetRead {
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

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// hyparquet is an ES module only; a real import() (which CommonJS output would turn into require()).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

// Only what a run needs, since the reading thread imports it before its first job: the metadata
// and page readers (about 27 ms of CPU) where the whole package and hyparquet-compressors took
// about 105 ms; parquetRead and the other codecs' decoders where a file needs them.
let metadataReader: Promise<HyparquetMetadata> | undefined;
let rowGroupReader: Promise<HyparquetRead> | undefined;
const loadMetadataReader = () => (metadataReader ??= importEsm('hyparquet/src/metadata.js') as Promise<HyparquetMetadata>);
const loadRowGroupReader = () => (rowGroupReader ??= importEsm('hyparquet/src/read.js') as Promise<HyparquetRead>);

async function readAt(handle: FileHandle, file: InputFile, buffer: Uint8Array, start: number): Promise<void> {
  let at = 0;
  while (at < buffer.length) {
    const { bytesRead } = await handle.read(buffer, at, buffer.length - at, start + at).catch((error) => Promise.reject(fileError(error, file.path)));
    if (bytesRead === 0) throw new CliError(`${file.path}: ended at byte ${start + at} while reading Parquet data`);
    at += bytesRead;
  }
}

function asyncBuffer(handle: FileHandle, file: InputFile): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start, end = file.size) {
      const buffer = Buffer.allocUnsafeSlow(Math.max(0, end - start));
      await readAt(handle, file, buffer, start);
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

function corruptError(path: string, first: number, last: number, error: unknown): CliError {
  if (error instanceof CliError) return error;
  return Object.assign(new CliError(`${path}: corrupt Parquet data in rows ${first}-${last} (${(error as Error).message})`), { cause: error });
}

/** The error a job's failure stands for, named with the file and row as the reading thread names its own. */
export function parquetFailureError(failure: ParquetFailure, path: string, field: string): CliError {
  if (failure.kind === 'corrupt') return new CliError(`${path}: corrupt Parquet data in rows ${failure.row}-${failure.lastRow} (${failure.detail})`);
  if (failure.kind === 'utf8') return invalidValueError(path, failure.row, field, failure.invalidAt as number);
  return notStringError(path, failure.row, field);
}

const invalidValueError = (path: string, row: number, field: string, at: number) =>
  new CliError(`${path}: invalid UTF-8 in row ${row} of column ${JSON.stringify(field)}, at byte ${at} of the value (use --invalid=replace to read it as U+FFFD)`);
const notStringError = (path: string, row: number, field: string) => new CliError(`${path}: row ${row} of column ${JSON.stringify(field)} is not a string`);

export async function readParquetDocuments(file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const [hyparquet] = await Promise.all([loadMetadataReader(), loadPageCodec('SNAPPY')]);
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
    const schema = hyparquet.parquetSchema(metadata);
    const columns = schema.children;
    const column = columns.find((child) => child.element.name === field);
    if (!column) throw new CliError(`${file.path}: no column ${JSON.stringify(field)} (columns: ${columns.map((c) => JSON.stringify(c.element.name)).join(', ')}); choose one with --field`);
    if (!isString(column.element)) throw new CliError(`${file.path}: column ${JSON.stringify(field)} is ${describe(column.element)}, not a string column`);
    const values = new Values(file, index, settings, sink);
    const pages = new PageMemory();
    // A repeated column's values are not its rows: hyparquet assembles those, and they fail as
    // values that are not strings.
    const byPages = sink.parquetPages && column.element.repetition_type !== 'REPEATED';
    const chunks = metadata.row_groups.map((group) => group.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === field)?.meta_data);
    const whole = !byPages || chunks.some((chunk) => !chunk);
    // Every codec's decoder where hyparquet reads row groups whole, as it may meet any.
    const names = whole ? [undefined] : [...new Set(chunks.map((chunk) => chunk?.codec))];
    const [codec] = await Promise.all([loadPageCodec('SNAPPY'), ...names.map((name) => loadPageCodec(name))]);
    const reader = whole ? await loadRowGroupReader() : undefined;
    const codecs = { ...codec.compressors, SNAPPY: pages.snappy };
    const pageColumn: PageColumn = { type: 'BYTE_ARRAY', codec: 'UNCOMPRESSED', element: column.element, schemaPath: [{ element: schema.element, children: [] }, { element: column.element, children: [] }] };
    let rowStart = 0;
    for (const [g, group] of metadata.row_groups.entries()) {
      const rowEnd = rowStart + Number(group.num_rows);
      // The values read below are views of the page memory: every one of the last row group's
      // was copied out (a block, a string) before the memory is written again.
      pages.reuse();
      const chunk = byPages ? chunks[g] : undefined;
      if (chunk) {
        await readChunkPages(handle, file, { ...pageColumn, type: chunk.type, codec: chunk.codec }, chunk, rowStart, rowEnd, { codec, pages, values, settings });
      } else {
        let rows: unknown[][] = [];
        try {
          await (reader as HyparquetRead).parquetRead({ file: buffer, metadata, columns: [field], rowStart, rowEnd, compressors: codecs, parsers: RAW_STRINGS, onComplete: (read) => (rows = read) });
        } catch (error) {
          throw corruptError(file.path, rowStart, rowEnd - 1, error);
        }
        for (let i = 0; i < rows.length; i++) await values.add(rows[i][0], rowStart + i);
      }
      await values.flush(); // its values are views of the pages the next row group overwrites
      rowStart = rowEnd;
    }
    await checkUnchanged(handle, file);
    sink.progress(file.size);
  } finally {
    await handle.close();
  }
}

// Column chunks, lent to the jobs of their pages: a fresh chunk per row group was a page fault
// per 4 KB of the file. Two in use at a time is usual (the jobs in flight span about two).
const chunkPool = new SharedPool(4, 256 << 20);

// A page holds at most this much to go on compressed as (part of) one job: a larger one (a value
// longer than a page) is decoded here, its values cut into segments, so that no job is unbounded.
const PAGE_JOB_BYTES = 4 << 20;

// A dictionary page whose values expand to more than a job goes on as up to this many ranges of
// its rows (every one decodes the page's indices); one that expands further is decoded here.
const RANGE_JOBS = 16;

let dictionaries = 0;

interface ChunkContext {
  codec: PageCodec;
  pages: PageMemory;
  values: Values;
  settings: ReadSettings;
}

/**
 * One row group's column chunk: read into shared memory, its page headers walked as hyparquet's
 * readColumn walks them (a flat column: until the row group's rows are read or the chunk ends),
 * its data pages handed on compressed.
 */
async function readChunkPages(
  handle: FileHandle,
  file: InputFile,
  column: PageColumn,
  meta: NonNullable<ColumnChunk['meta_data']>,
  rowStart: number,
  rowEnd: number,
  { codec, pages, values, settings }: ChunkContext,
): Promise<void> {
  const sink = values.sink as Required<Pick<DocumentSink, 'parquetPages'>>;
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const length = Number(meta.total_compressed_size);
  if (!(start >= 0 && length >= 0 && start + length <= file.size)) {
    throw corruptError(file.path, rowStart, rowEnd - 1, new Error(`column chunk at bytes ${start}-${start + length} outside the file`));
  }
  const chunk = new Uint8Array(chunkPool.take(length), 0, length);
  // The chunk's memory is read again by the next chunk once its last job is written (each job
  // holds one reference, this reader one until its last page is handed on).
  let references = 1;
  const release = () => {
    if (--references === 0) chunkPool.give(chunk);
  };
  await readAt(handle, file, chunk, start);
  const view = new DataView(chunk.buffer, 0, length);
  const decode = columnDecoder(codec, column, pages);
  let dictionary: PackedDictionary | undefined;
  let dictionaryMean = 0;
  let dictionaryMax = 0;
  let batch: PageRef[] = [];
  let batchBytes = 0;
  const submit = async (refs: PageRef[], bytes: number) => {
    await values.flush(); // the values before these go first
    references++;
    await sink.parquetPages(values.index, { job: { chunk, pages: refs, column, dictionary, invalid: settings.invalid, target: settings.target }, bytes }, release);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const [refs, bytes] = [batch, batchBytes];
    batch = [];
    batchBytes = 0;
    await submit(refs, bytes);
  };
  const reader = { view, offset: 0 };
  let row = rowStart;
  while (row < rowEnd && reader.offset < length - 1) {
    let header: PageHeader;
    try {
      header = codec.parquetHeader(reader);
    } catch (error) {
      throw corruptError(file.path, row, rowEnd - 1, error);
    }
    const at = reader.offset;
    // Checked here, since a job reads it elsewhere: a size that ran back would read one header forever.
    const size = header.compressed_page_size;
    if (!(Number.isSafeInteger(size) && size >= 0 && at + size <= length)) {
      throw corruptError(file.path, row, rowEnd - 1, new Error(`a page of ${size} bytes at byte ${at} of a column chunk of ${length}`));
    }
    reader.offset += size;
    if (header.type === 'DICTIONARY_PAGE') {
      await flush(); // the pages before it read the previous dictionary
      let data: ArrayLike<unknown>;
      try {
        data = codec.readPage({ view, offset: at }, header, decode, undefined, undefined, 0).data ?? [];
      } catch (error) {
        throw corruptError(file.path, row, rowEnd - 1, error);
      }
      ({ dictionary, mean: dictionaryMean, max: dictionaryMax } = packDictionary(data));
      continue;
    }
    const v1 = header.type === 'DATA_PAGE' ? header.data_page_header : undefined;
    const v2 = header.type === 'DATA_PAGE_V2' ? header.data_page_header_v2 : undefined;
    // A flat column's page holds a value or a null per row.
    const rows = v1?.num_values ?? v2?.num_rows ?? 0;
    // A job's page is at most PAGE_JOB_BYTES decoded; any other is decoded (or fails) here, as before.
    const fits = Number.isSafeInteger(rows) && rows >= 0 && header.uncompressed_page_size >= 0 && header.uncompressed_page_size <= PAGE_JOB_BYTES;
    const encoding = fits ? (v1 ?? v2)?.encoding : undefined;
    const ref = (skip: number, take: number): PageRef => ({ at, header, firstRow: row, rows, skip, take });
    // Pages join a job while it stays within BLOCK_BYTES of values (a larger page is a job of its own).
    const add = async (bytes: number) => {
      if (batch.length > 0 && batchBytes + bytes > BLOCK_BYTES) await flush();
      batch.push(ref(0, rows));
      batchBytes += bytes;
    };
    const byDictionary = (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') && dictionary !== undefined && dictionaryMax <= PAGE_JOB_BYTES;
    // A dictionary page's values are the dictionary's, about the mean length each (a row at least
    // a byte: it is a document). A few bytes of indices can stand for gigabytes of them.
    const expands = byDictionary ? rows * Math.max(1, dictionaryMean) : 0;
    if (encoding === 'PLAIN') {
      await add(header.uncompressed_page_size);
    } else if (byDictionary && expands <= BLOCK_BYTES) {
      await add(expands);
    } else if (byDictionary && expands <= RANGE_JOBS * BLOCK_BYTES) {
      // As ranges of its rows, each job decoding the page's indices again: at most RANGE_JOBS
      // times, so that the work stays linear in the page.
      await flush();
      const per = Math.max(1, Math.floor(BLOCK_BYTES / Math.max(1, dictionaryMean)));
      for (let skip = 0; skip < rows; skip += per) await submit([ref(skip, Math.min(per, rows - skip))], Math.min(per, rows - skip) * Math.max(1, dictionaryMean));
    } else {
      // Decoded here (an unsupported page type fails here too, as hyparquet fails it), its values
      // as a row group's read whole are.
      await flush();
      let data: ArrayLike<unknown>;
      try {
        data = codec.readPage({ view, offset: at }, header, decode, dictionary && dictionaryValues(dictionary), undefined, 0).data ?? [];
      } catch (error) {
        throw corruptError(file.path, row, rows > 0 ? row + rows - 1 : rowEnd - 1, error);
      }
      for (let i = 0; i < data.length; i++) await values.add(data[i], row + i);
    }
    row += Number.isSafeInteger(rows) ? rows : 0;
  }
  await flush();
  await values.flush(); // an uncompressed page's values decoded here are views of the chunk
  release();
}

/** A dictionary page's values into shared memory, with their mean and longest lengths. */
function packDictionary(data: ArrayLike<unknown>): { dictionary: PackedDictionary; mean: number; max: number } {
  let total = 0;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    const length = value instanceof Uint8Array ? value.length : 0;
    total += length;
    if (length > max) max = length;
  }
  const bytes = new Uint8Array(new SharedArrayBuffer(Math.max(1, total)), 0, total);
  const ends = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, data.length)), 0, data.length);
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (value instanceof Uint8Array) {
      bytes.set(value, at);
      at += value.length;
    }
    ends[i] = at;
  }
  return { dictionary: { id: ++dictionaries, bytes, ends }, mean: data.length ? total / data.length : 0, max };
}

/** Values decoded on the reading thread, each a document, handed on as the sink takes them. */
class Values {
  readonly #packed: PackedValues | undefined;

  constructor(
    readonly file: InputFile,
    readonly index: number,
    readonly settings: ReadSettings,
    readonly sink: DocumentSink,
  ) {
    this.#packed = sink.documents ? new PackedValues(sink as Required<Pick<DocumentSink, 'documents'>>, index) : undefined;
  }

  async add(value: unknown, row: number): Promise<void> {
    if (value === null || value === undefined) return;
    const { file, settings, sink } = this;
    if (!(value instanceof Uint8Array) && typeof value !== 'string') throw notStringError(file.path, row, settings.field);
    let content: string;
    if (typeof value === 'string') content = value;
    else {
      const invalid = isUtf8(value) ? -1 : firstInvalidUtf8(value);
      if (invalid >= 0) {
        if (settings.invalid === 'fail') throw invalidValueError(file.path, row, settings.field, invalid);
        sink.replaced(this.index, row);
      }
      // Decoding, cutting and cloning the text here would keep the reading thread busiest
      // of all; a value of up to a segment's length goes on as bytes, decoded where it is
      // encoded. A longer one is cut into segments here, so that its work still spreads.
      if (this.#packed && value.length <= settings.target) {
        await this.#packed.add(value);
        return;
      }
      content = decoder.decode(value);
    }
    await this.#packed?.flush(); // the values before it go first
    const segmenter = segmenterFor(settings.encoding, settings.target);
    for (const segment of segmenter.push(content)) await sink.text(segment);
    await sink.text(segmenter.end());
    await sink.endDocument(this.index, Buffer.byteLength(content));
  }

  /** Hands on the values waiting to be packed (before others go on, and before their page memory is reused). */
  async flush(): Promise<void> {
    await this.#packed?.flush();
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
