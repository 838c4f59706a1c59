// Reading one input of any kind as documents: plain text and plain .jsonl as corpus-input.ts
// reads them (a shard reads its byte range of a .jsonl file); gzip and zstd streams decompressed
// as they are read (never whole in memory); CSV/TSV rows (the --field column); Parquet row group
// by row group (the --field column, nulls skipped); stdin and pipes read once, front to back.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { segmenterFor } from '../../safe-cut';
import { fileError } from '../common';
import { type DocumentSink, fileChunks, type InputFile, readJsonlBlocks, readJsonlChunks, readJsonlDocuments, type ReadSettings, readTextChunks, readTextDocument } from '../corpus-input';
import { stdin } from '../io';
import { CliError } from '../options';
import { Utf8Checker } from '../utf8';
import { invalidUtf8Error } from '../text-input';
import { checkInner, checkNameAgrees, type Compression, formatOfStream, refuseBinary, sniff, SNIFF_BYTES } from './detect';
import { decompress, zstdFileLineBlocks } from './decompress';
import { readParquetDocuments } from './parquet';

/** Reads the documents of `file` that belong to the byte range [lo, hi) of the concatenated inputs. */
export async function readDocuments(file: InputFile, index: number, lo: number, hi: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  if (file.stream) return readStream(file, index, settings, sink);
  const { compression, format } = file.kind;
  if (format === 'parquet') return readParquetDocuments(file, index, settings, sink);
  if (!compression && format === 'jsonl') return readJsonlDocuments(file, index, lo, hi, settings, sink);
  if (!compression && format === 'text') return readTextDocument(file, index, settings, sink);
  if (compression && format === 'jsonl') {
    const blocks = await zstdFileLineBlocks(file, compression, sink);
    if (blocks) return readJsonlBlocks(checkedInner(file.path, compression, blocks), file, index, settings, sink);
  }
  let chunks: AsyncIterable<Uint8Array> = fileChunks(file, sink);
  if (compression) chunks = checkedInner(file.path, compression, decompress(chunks, compression, file.path));
  return readFormat(format, chunks, file, index, settings, sink);
}

function readFormat(format: string, chunks: AsyncIterable<Uint8Array>, file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  if (format === 'jsonl') return readJsonlChunks(chunks, file, index, settings, sink);
  if (format === 'csv' || format === 'tsv') return readCsvDocuments(chunks, format, file, index, settings, sink);
  return readTextChunks(chunks, file, index, settings, sink);
}

// stdin or a pipe: its kind is known only once its first bytes arrive; its size once it ends.
async function readStream(file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const source = file.path === '-' ? stdin() : createReadStream(file.path, { highWaterMark: 1 << 20 });
  const raw = counted(source, file, sink);
  const [head, rest] = await peek(raw);
  const found = sniff(head);
  if (found.binary) throw refuseBinary(displayPath(file.path), found.binary);
  if (found.parquet) throw new CliError(`${displayPath(file.path)}: Parquet is read by row group and needs a regular file, not a pipe`);
  let chunks: AsyncIterable<Uint8Array> = rest;
  let inner = head;
  checkNameAgrees(file.path, found.compression);
  if (found.compression) {
    const [innerHead, innerRest] = await peek(decompress(rest, found.compression, displayPath(file.path)));
    checkInner(displayPath(file.path), found.compression, innerHead);
    chunks = innerRest;
    inner = innerHead;
  }
  const format = formatOfStream(file.path, inner);
  file.kind = { compression: found.compression, format };
  return readFormat(format, chunks, { ...file, path: displayPath(file.path) }, index, settings, sink);
}

const displayPath = (path: string) => (path === '-' ? '<stdin>' : path);

async function* counted(source: AsyncIterable<Buffer>, file: InputFile, sink: DocumentSink): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) {
      file.size += chunk.length;
      yield chunk;
      sink.progress(chunk.length);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw fileError(error, file.path);
  }
}

/** The first SNIFF_BYTES (or fewer, at the end) of `chunks`, and all of it again as a stream. */
async function peek(chunks: AsyncIterable<Uint8Array>): Promise<[Uint8Array, AsyncIterable<Uint8Array>]> {
  const iterator = chunks[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    taken.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(taken).subarray(0, SNIFF_BYTES);
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      yield* taken;
      if (!done) for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return [head, all()];
}

// Compressed data's first bytes must be text, JSON lines or CSV: not an archive or binary data.
async function* checkedInner(path: string, compression: Compression, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const [head, all] = await peek(chunks);
  checkInner(path, compression, head);
  yield* all;
}

type CsvParser = NodeJS.WritableStream & AsyncIterable<Record<string, unknown>> & { destroy(error?: Error): void };

/** Rows of a CSV (or TSV) file with a header row: each row's --field column is a document. */
async function readCsvDocuments(chunks: AsyncIterable<Uint8Array>, format: 'csv' | 'tsv', file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const { parse } = (await import('csv-parse')) as unknown as { parse(options: object): CsvParser };
  const checker = new Utf8Checker();
  let bytes = 0;
  // csv-parse reads ill-formed UTF-8 as U+FFFD, as encode() does; --invalid=fail needs the bytes checked first.
  async function* checked(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      checker.push(chunk);
      if (settings.invalid === 'fail' && checker.firstInvalid >= 0) throw invalidUtf8Error(file.path, checker.firstInvalid);
      yield chunk;
    }
    checker.end();
    if (settings.invalid === 'fail' && checker.firstInvalid >= 0) throw invalidUtf8Error(file.path, checker.firstInvalid);
  }
  const field = settings.field;
  let columnsChecked = false;
  const parser = parse({
    delimiter: format === 'tsv' ? '\t' : ',',
    // Any line ending, mixed too; csv-parse otherwise keeps the first line's for the whole file.
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: true,
    encoding: 'utf8',
    columns: (header: string[]) => {
      if (!header.includes(field)) throw new CliError(`${file.path}: no column ${JSON.stringify(field)} in the header row (columns: ${header.map((h) => JSON.stringify(h)).join(', ')}); choose one with --field`);
      columnsChecked = true;
      return header;
    },
    skip_empty_lines: true,
  });
  let failure: unknown;
  const source = Readable.from(checked(), { objectMode: false });
  source.on('error', (error) => {
    failure = error;
    parser.destroy(error);
  });
  source.pipe(parser);
  try {
    for await (const record of parser) {
      const content = record[field];
      if (typeof content !== 'string') continue; // a short row, read with relax_column_count off, never gets here
      const segmenter = segmenterFor(settings.encoding, settings.target);
      for (const segment of segmenter.push(content)) await sink.text(segment);
      await sink.text(segmenter.end());
      await sink.endDocument(index, Buffer.byteLength(content));
    }
  } catch (error) {
    const cause = failure ?? error;
    if (cause instanceof CliError) throw cause;
    const inner = (cause as { cause?: unknown }).cause;
    if (inner instanceof CliError) throw inner;
    throw new CliError(`${file.path}: not valid ${format.toUpperCase()} (${(cause as Error).message})`);
  } finally {
    source.destroy();
  }
  // An empty file holds no documents, as an empty .jsonl file; anything else needs its header.
  if (!columnsChecked && bytes > 0) throw new CliError(`${file.path}: no header row; a ${format.toUpperCase()} file needs one naming its columns (the text column is --field)`);
  if (checker.firstInvalid >= 0) sink.replaced(index, checker.firstInvalid);
}
