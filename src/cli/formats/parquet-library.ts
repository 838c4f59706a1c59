// What the reading thread (parquet.ts) and the Parquet decoding thread (parquet-worker.ts) share:
// hyparquet with hyparquet-compressors, loaded on first use, the types of what they read, and a
// row group's decoding. Kept free of the CLI's other modules so that the decoding thread starts
// without loading the library or an encoding.

export interface SchemaElement {
  name: string;
  type?: string;
  converted_type?: string;
  logical_type?: { type?: string };
  num_children?: number;
}
export interface SchemaTree {
  element: SchemaElement;
  children: SchemaTree[];
}
export interface RowGroup {
  num_rows: bigint | number;
}
export interface Metadata {
  row_groups: RowGroup[];
}
export interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}
export interface Hyparquet {
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

/** Why reading the file's bytes failed: an I/O error (its code and message), or the file ended early. */
export class ParquetReadError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly endedAt?: number,
  ) {
    super(message);
  }
}

// The column's bytes as they are: hyparquet's own decoding drops a byte-order mark that starts a
// value (TextDecoder's default), which would change the text; the reading thread checks UTF-8,
// which honours --invalid.
const RAW_STRINGS = { stringFromBytes: (bytes: Uint8Array | undefined) => bytes };

// hyparquet is an ES module only; a real import() (which CommonJS output would turn into require()).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let libraries: Promise<{ hyparquet: Hyparquet; compressors: unknown }> | undefined;
export function loadParquet(): Promise<{ hyparquet: Hyparquet; compressors: unknown }> {
  libraries ??= Promise.all([importEsm('hyparquet'), importEsm('hyparquet-compressors')]).then(([hyparquet, extra]) => ({
    hyparquet: hyparquet as Hyparquet,
    compressors: (extra as { compressors: unknown }).compressors,
  }));
  return libraries;
}

/**
 * The file's bytes through `read` (positional reads of an open descriptor), each slice a buffer
 * of its own; a failed read is a ParquetReadError.
 */
export function asyncBuffer(size: number, read: (buffer: Uint8Array, at: number, length: number, position: number) => Promise<number>): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start, end = size) {
      const buffer = Buffer.allocUnsafeSlow(Math.max(0, end - start));
      let at = 0;
      while (at < buffer.length) {
        let bytesRead: number;
        try {
          bytesRead = await read(buffer, at, buffer.length - at, start + at);
        } catch (error) {
          const e = error as NodeJS.ErrnoException;
          throw new ParquetReadError(e?.message ?? String(error), e?.code);
        }
        if (bytesRead === 0) throw new ParquetReadError('ended early', undefined, start + at);
        at += bytesRead;
      }
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer;
    },
  };
}

/** The `field` column of rows [rowStart, rowEnd) (one row group), each row `[value]`: a Uint8Array of the raw bytes, or null. */
export async function decodeRows(file: AsyncBuffer, metadata: Metadata, field: string, rowStart: number, rowEnd: number): Promise<unknown[][]> {
  const { hyparquet, compressors } = await loadParquet();
  let rows: unknown[][] = [];
  await hyparquet.parquetRead({ file, metadata, columns: [field], rowStart, rowEnd, compressors, parsers: RAW_STRINGS, onComplete: (read) => (rows = read) });
  return rows;
}

// The messages between the reading thread and the decoding thread (parquet-worker.ts).

/** A row group to decode: `file` tells one input from the next (a descriptor number is reused). */
export interface DecodeRequest {
  id: number;
  file: number;
  fd: number;
  size: number;
  field: string;
  rowStart: number;
  rowEnd: number;
}

/** Per row, three numbers: a buffer's index, then the value's offset and length in it; or NULL_VALUE, STRING_VALUE (index into strings), OTHER_VALUE. */
export const NULL_VALUE = -1;
export const STRING_VALUE = -2;
export const OTHER_VALUE = -3;

export interface DecodedRows {
  id: number;
  buffers: ArrayBuffer[];
  refs: Int32Array;
  strings: string[];
}

export interface DecodeFailure {
  id: number;
  error: { message: string; code?: string; endedAt?: number; read: boolean };
}

export function packRows(id: number, rows: unknown[][]): { message: DecodedRows; transfer: ArrayBuffer[] } {
  const buffers = new Map<ArrayBuffer, number>();
  const refs = new Int32Array(rows.length * 3);
  const strings: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][0];
    if (value === null || value === undefined) refs[3 * i] = NULL_VALUE;
    else if (typeof value === 'string') {
      refs[3 * i] = STRING_VALUE;
      refs[3 * i + 1] = strings.push(value) - 1;
    } else if (value instanceof Uint8Array && value.buffer instanceof ArrayBuffer) {
      let index = buffers.get(value.buffer);
      if (index === undefined) buffers.set(value.buffer, (index = buffers.size));
      refs[3 * i] = index;
      refs[3 * i + 1] = value.byteOffset;
      refs[3 * i + 2] = value.length;
    } else refs[3 * i] = OTHER_VALUE;
  }
  const list = [...buffers.keys()];
  return { message: { id, buffers: list, refs, strings }, transfer: [...list, refs.buffer as ArrayBuffer] };
}

/** `packRows`' message back as rows of `[value]`, as hyparquet gave them (a value of another type as an empty object). */
export function unpackRows({ buffers, refs, strings }: DecodedRows): unknown[][] {
  const rows: unknown[][] = new Array(refs.length / 3);
  for (let i = 0; i < rows.length; i++) {
    const kind = refs[3 * i];
    rows[i] = [kind >= 0 ? new Uint8Array(buffers[kind], refs[3 * i + 1], refs[3 * i + 2]) : kind === STRING_VALUE ? strings[refs[3 * i + 1]] : kind === NULL_VALUE ? null : {}];
  }
  return rows;
}

