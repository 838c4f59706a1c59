// Parquet data pages decoded on the thread that encodes them. The reading thread reads a column
// chunk into shared memory, walks its page headers and decodes its dictionary page; a job is a
// run of compressed data pages (or a range of one page's rows) of that memory, which a worker, or
// the reading thread when it encodes inline or steals the job back, decompresses and decodes with
// hyparquet's own page reader (readPage: levels, PLAIN values, dictionary indices), then checks
// each value's UTF-8 against --invalid and encodes it. Decompression and decoding thus scale with
// --threads instead of bounding them on the reading thread.
import { isUtf8 } from 'node:buffer';
import type { EncodeOptions, Encoding } from '../../encoding';
import { snappyDecompress } from '../../snappy';
import type { InvalidMode } from '../text-input';
import { firstInvalidUtf8 } from '../utf8';
import { type BlockResult, encodeDocumentTexts } from '../job-encode';

export interface PageHeader {
  type: string;
  uncompressed_page_size: number;
  compressed_page_size: number;
  data_page_header?: { num_values: number; encoding: string };
  data_page_header_v2?: { num_values: number; num_rows: number; encoding: string };
  dictionary_page_header?: { num_values: number };
}

/** What hyparquet's page reader needs to know of the column (all of it cloneable). */
export interface PageColumn {
  type: string;
  codec: string;
  element: object;
  /** The root's and the column's schema elements, without their children: the levels come from these. */
  schemaPath: { element: object; children: [] }[];
}

/** One data page of a job: where its bytes start in the chunk, and which of its rows to encode. */
export interface PageRef {
  at: number;
  header: PageHeader;
  /** Row of the file where the page starts. */
  firstRow: number;
  rows: number;
  /** The rows [skip, skip + take) of the page are this job's. */
  skip: number;
  take: number;
}

/** A dictionary page's values, packed end to end in shared memory: value i is bytes[ends[i-1], ends[i]). */
export interface PackedDictionary {
  id: number;
  bytes: Uint8Array;
  ends: Uint32Array;
}

export interface ParquetPagesJob {
  /** The column chunk's bytes, in shared memory (or owned by the job). */
  chunk: Uint8Array;
  pages: PageRef[];
  column: PageColumn;
  dictionary?: PackedDictionary;
  invalid: InvalidMode;
  /** A value longer than this (characters) counts the bytes of its decoded text, as when it was cut into segments. */
  target: number;
  eot: number | undefined;
  eotOnEmpty: boolean;
  ids?: Uint32Array;
}

/** A job of compressed pages for DocumentSink.parquetPages: the encoder adds eot and ids. */
export interface ParquetPagesInput {
  job: Omit<ParquetPagesJob, 'eot' | 'eotOnEmpty' | 'ids'>;
  /** About how many bytes of text its values hold (what its ids are sized by). */
  bytes: number;
}

/** Why a job stopped, at a row of the file; the documents before it are in the result. */
export interface ParquetFailure {
  kind: 'corrupt' | 'utf8' | 'type';
  /** corrupt: the page's first and last rows; otherwise the value's row. */
  row: number;
  lastRow?: number;
  /** corrupt: the decoder's message; utf8: the offset of the first ill-formed byte in the value. */
  detail?: string;
  invalidAt?: number;
}

export interface PagesResult extends BlockResult {
  /** Row of the first value read with U+FFFD (--invalid=replace), or -1 (BlockResult's firstInvalid is unused). */
  firstInvalidRow: number;
  parquetFailure?: ParquetFailure;
}

type ReadPage = (
  reader: { view: DataView; offset: number },
  header: PageHeader,
  columnDecoder: object,
  dictionary: unknown[] | undefined,
  previousChunk: undefined,
  pageStart: number,
) => { skipped: number; data?: ArrayLike<unknown> };

export interface PageCodec {
  readPage: ReadPage;
  parquetHeader(reader: { view: DataView; offset: number }): PageHeader;
  compressors: Record<string, unknown>;
}

// hyparquet is an ES module only; a real import() (which CommonJS output would turn into require()).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let codec: PageCodec | undefined;
let loading: Promise<PageCodec> | undefined;
let compressors: Promise<void> | undefined;

// Snappy is the core's and an uncompressed page needs no codec: hyparquet-compressors (about 50 ms
// of CPU to import) is loaded only where a column uses another codec.
const needsCompressors = (name: string) => name !== 'SNAPPY' && name !== 'UNCOMPRESSED';

/**
 * hyparquet's page functions (its "./src/*.js" exports), once per thread, and hyparquet-compressors
 * when `codecName` needs it (every codec when omitted).
 */
export function loadPageCodec(codecName?: string): Promise<PageCodec> {
  loading ??= importEsm('hyparquet/src/column.js').then((column) => {
    const { readPage, parquetHeader } = column as Pick<PageCodec, 'readPage' | 'parquetHeader'>;
    codec = { readPage, parquetHeader, compressors: {} };
    return codec;
  });
  if (codecName !== undefined && !needsCompressors(codecName)) return loading;
  compressors ??= Promise.all([loading, importEsm('hyparquet-compressors')]).then(([loaded, extra]) => {
    loaded.compressors = (extra as { compressors: Record<string, unknown> }).compressors;
  });
  return compressors.then(() => loading as Promise<PageCodec>);
}

/** Whether this thread can decode pages of `codecName` now (else loadPageCodec first). */
export function pageCodecLoaded(codecName: string): boolean {
  return codec !== undefined && (!needsCompressors(codecName) || Object.keys(codec.compressors).length > 0);
}

// The column's bytes as they are: hyparquet's own decoding drops a byte-order mark that starts a
// value (TextDecoder's default), which would change the text; checking UTF-8 here honours --invalid.
export const RAW_STRINGS = { stringFromBytes: (bytes: Uint8Array | undefined) => bytes };
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// Snappy pages go to chunks of this size, each page whole in one chunk (a page of more has a chunk
// of its own size); 8-byte aligned, as hyparquet reads numbers in place when they are aligned.
const PAGE_CHUNK_BYTES = 8 << 20;

/**
 * Memory for decoded snappy pages, reused once no value read from it is needed any more (the next
 * row group on the reading thread, the next job on an encoder): a fresh buffer per 1 MB page
 * (hyparquet-compressors' way) was a minor page fault per 4 KB decoded.
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

/** hyparquet's column decoder for `column`, its snappy pages decoded into `pages`. */
export function columnDecoder(codecs: PageCodec, column: PageColumn, pages: PageMemory): object {
  return {
    pathInSchema: [],
    element: column.element,
    schemaPath: column.schemaPath,
    type: column.type,
    codec: column.codec,
    parsers: RAW_STRINGS,
    compressors: { ...codecs.compressors, SNAPPY: pages.snappy },
    utf8: true,
  };
}

// An encoder's own page memory: every value of a job is encoded before the next job starts.
const threadPages = new PageMemory();
let lastDictionary: { id: number; values: Uint8Array[] } | undefined;

/** A dictionary's values as hyparquet's page reader takes them, made once per dictionary on each thread. */
export function dictionaryValues(packed: PackedDictionary): Uint8Array[] {
  if (lastDictionary?.id === packed.id) return lastDictionary.values;
  const values: Uint8Array[] = [];
  for (let i = 0, start = 0; i < packed.ends.length; start = packed.ends[i++]) values.push(packed.bytes.subarray(start, packed.ends[i]));
  lastDictionary = { id: packed.id, values };
  return values;
}

/**
 * A job's pages decoded and their values encoded, one document per non-null value. A page that
 * does not decode, a value that is not UTF-8 (--invalid=fail) or not bytes stops the job there,
 * as a failure the reading thread names with the file and row.
 */
export function encodeParquetPages(encoding: Encoding, options: EncodeOptions | undefined, job: ParquetPagesJob): PagesResult {
  const codecs = codec;
  if (!codecs || !pageCodecLoaded(job.column.codec)) throw new Error(`Parquet page decoding (${job.column.codec}) was not loaded on this thread`);
  threadPages.reuse();
  const decode = columnDecoder(codecs, job.column, threadPages);
  const dictionary = job.dictionary && dictionaryValues(job.dictionary);
  const view = new DataView(job.chunk.buffer, job.chunk.byteOffset, job.chunk.byteLength);
  const texts: Uint8Array[] = [];
  let textBytes = 0;
  let firstInvalidRow = -1;
  let failure: ParquetFailure | undefined;
  pages: for (const page of job.pages) {
    let values: ArrayLike<unknown>;
    try {
      values = codecs.readPage({ view, offset: page.at }, page.header, decode, dictionary, undefined, 0).data ?? [];
    } catch (error) {
      failure = { kind: 'corrupt', row: page.firstRow, lastRow: page.firstRow + page.rows - 1, detail: (error as Error).message };
      break;
    }
    const end = Math.min(values.length, page.skip + page.take);
    for (let i = page.skip; i < end; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      const row = page.firstRow + i;
      if (!(value instanceof Uint8Array)) {
        failure = { kind: 'type', row };
        break pages;
      }
      let bytes = value.length;
      const invalid = isUtf8(value) ? -1 : firstInvalidUtf8(value);
      if (invalid >= 0) {
        if (job.invalid === 'fail') {
          failure = { kind: 'utf8', row, invalidAt: invalid };
          break pages;
        }
        if (firstInvalidRow < 0) firstInvalidRow = row;
        // A value longer than a segment was counted as its decoded text (U+FFFD for each
        // ill-formed sequence) when it was cut into segments; the count stays the same.
        if (value.length > job.target) bytes = Buffer.byteLength(decoder.decode(value));
      }
      texts.push(value);
      textBytes += bytes;
    }
  }
  const encoded = encodeDocumentTexts(encoding, options, texts, job.eot, job.eotOnEmpty, job.ids);
  return { lines: texts.length, textBytes, firstInvalid: -1, firstInvalidRow, ...encoded, ...(failure ? { parquetFailure: failure } : {}) };
}
