// The corpus command's documents: a plain-text file is one document, each non-blank line of a
// .jsonl file is one (its --field). Sharding: a document belongs to shard k of n when
// floor(o * n / B) = k, where o is the offset of its first byte in the concatenation of all the
// sorted inputs and B their total size (a document at o = B, an empty last file, goes to the
// last shard). Shards are contiguous runs of documents, so their outputs concatenate to the
// single run's; a shard reads only its byte range of a .jsonl file. Inputs are regular files
// only, and each must be the same version (inode, size, mtime) when listed, opened and read.
import { constants, type BigIntStats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { Encoding } from '../encoding';
import { ByteSegmenter, cutRulesOf, segmenterFor } from '../safe-cut';
import { fileError } from './common';
import { CliError } from './options';
import { invalidUtf8Error, type InvalidMode } from './text-input';
import { detectKind, type InputKind, isDescriptorPath, SNIFF_BYTES } from './formats/detect';
import { BLOCK_BYTES, blockMemory, type BlockPlace, jsonlFailureError, LineBlocks, parseJsonlBlock } from './corpus-jsonl';
import { Utf8Checker } from './utf8';
import type { ParquetPagesInput } from './formats/parquet-pages';

export interface InputFile {
  path: string;
  size: number;
  /** Offset of the file's first byte in the concatenation of all inputs. */
  start: number;
  /** A plain (uncompressed) .jsonl file: the only kind a shard reads a byte range of. */
  jsonl: boolean;
  /** What the file holds (formats/detect.ts); for a stream, known once its first bytes arrive. */
  kind: InputKind;
  /** stdin ("-"), a pipe or a character device: read once, front to back; no size, no shards. */
  stream: boolean;
  /** What identifies this version of the file: a change while the run reads it is an error. */
  dev: bigint;
  ino: bigint;
  mtimeNs: bigint;
}

/** Where the documents go; awaiting text() and endDocument() applies back-pressure. */
export interface DocumentSink {
  /** A segment of document text: a string, or UTF-8 bytes that encode() reads as TextDecoder would. */
  text(segment: string | Uint8Array): void | Promise<void>;
  endDocument(file: number, textBytes: number): void | Promise<void>;
  progress(bytes: number): void;
  /** An ill-formed byte read as U+FFFD (--invalid=replace), the first per file. */
  replaced(file: number, offset: number): void;
  /**
   * A block of whole JSON lines, unparsed, for a sink that parses them elsewhere (a worker):
   * parseJsonlBlock gives its documents, jsonlFailureError names its failure. Without it the
   * lines are parsed here and arrive as text() and endDocument() calls.
   */
  jsonlBlock?(block: JsonlBlock): void | Promise<void>;
  /**
   * Whole documents as UTF-8 bytes (already checked against --invalid), packed end to end:
   * document i is bytes[ends[i-1], ends[i]). For a sink that decodes and encodes them elsewhere
   * (a worker), which then owns both buffers; without it they arrive as text() and endDocument().
   */
  documents?(file: number, bytes: Uint8Array, ends: Uint32Array): void | Promise<void>;
  /**
   * Compressed Parquet data pages (formats/parquet.ts), decoded and encoded elsewhere; `release`
   * once no thread reads the job's chunk again. Without it the pages are decoded where they are
   * read and their values arrive as documents() or text() calls.
   */
  parquetPages?(file: number, pages: ParquetPagesInput, release: () => void): void | Promise<void>;
}

/** A block of whole lines of a JSONL input and where it is. */
export interface JsonlBlock extends BlockPlace {
  file: number;
  bytes: Uint8Array;
}

export interface ReadSettings {
  encoding: Encoding;
  invalid: InvalidMode;
  field: string;
  /** Segment length (characters) to aim for: the unit of work handed to an encoder. */
  target: number;
}

const READ_SIZE = 1 << 20;

/**
 * The inputs with their sizes and kinds (read from each file's first bytes: a binary file is
 * refused here, before any output exists). "-" is stdin. Streams too: with 'descriptors' a pipe
 * named as a descriptor (/dev/stdin, /dev/fd/N from <(...)), with 'any' every pipe and
 * character device; a named FIFO with no writer would otherwise wait for one forever.
 */
export async function statInputs(paths: readonly string[], streams: 'any' | 'descriptors' | false = false): Promise<InputFile[]> {
  const files: InputFile[] = [];
  let start = 0;
  for (const path of paths) {
    if (path === '-') {
      files.push({ path, size: 0, start, jsonl: false, kind: { format: 'text' }, stream: true, dev: 0n, ino: 0n, mtimeNs: 0n });
      continue;
    }
    let info: BigIntStats;
    try {
      info = await stat(path, { bigint: true });
    } catch (error) {
      throw fileError(error, path);
    }
    if (streams === 'any' ? info.isFIFO() || info.isCharacterDevice() : streams === 'descriptors' && isDescriptorPath(path) && (info.isFIFO() || info.isSocket())) {
      files.push({ path, size: 0, start, jsonl: false, kind: { format: 'text' }, stream: true, dev: info.dev, ino: info.ino, mtimeNs: info.mtimeNs });
      continue;
    }
    checkRegular(info, path);
    const size = Number(info.size);
    const file: InputFile = { path, size, start, jsonl: false, kind: { format: 'text' }, stream: false, dev: info.dev, ino: info.ino, mtimeNs: info.mtimeNs };
    file.kind = detectKind(path, await headOf(file));
    file.jsonl = file.kind.format === 'jsonl' && !file.kind.compression;
    files.push(file);
    start += size;
  }
  return files;
}

async function headOf(file: InputFile): Promise<Buffer> {
  const handle = await openInput(file);
  try {
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, file.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0).catch((error) => Promise.reject(fileError(error, file.path)));
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// A FIFO or a device has no size to shard or show progress by, and a FIFO without a writer
// would block the read forever.
function checkRegular(info: BigIntStats, path: string): void {
  if (info.isFile()) return;
  const kind = info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() ? 'a character device' : info.isBlockDevice() ? 'a block device' : info.isSocket() ? 'a socket' : info.isDirectory() ? 'a directory' : 'not a file';
  throw new CliError(`${path}: not a regular file (${kind}); corpus reads regular files only, and stdin ("-", /dev/stdin) or a pipe such as <(zcat FILE) without --shard`);
}

/** Fails, naming the file, when it is not the version that was listed: replaced, resized or modified. */
export async function checkUnchanged(handle: FileHandle, file: InputFile, bytesRead?: number): Promise<void> {
  let info: BigIntStats;
  try {
    info = await handle.stat({ bigint: true });
  } catch (error) {
    throw fileError(error, file.path);
  }
  checkRegular(info, file.path);
  let change: string | undefined;
  if (info.dev !== file.dev || info.ino !== file.ino) change = 'replaced by another file';
  else if (Number(info.size) !== file.size) change = `its size went from ${file.size} to ${info.size} bytes`;
  else if (bytesRead !== undefined && bytesRead !== file.size) change = `${bytesRead} bytes read of ${file.size}`;
  else if (info.mtimeNs !== file.mtimeNs) change = 'modified';
  if (change) throw new CliError(`${file.path}: changed during the run (${change}); nothing was written. Run again once it is no longer being written`);
}

/** The byte range [lo, hi) of the concatenated inputs whose documents shard `index` of `count` owns. */
export function shardRange(total: number, index: number, count: number): [number, number] {
  const bound = (k: number) => (k >= count ? Infinity : Number((BigInt(k) * BigInt(total) + BigInt(count - 1)) / BigInt(count)));
  return index === count - 1 ? [bound(index), Infinity] : [bound(index), bound(index + 1)];
}

/** Bytes of `file` within [lo, hi): what the progress bar counts. */
export function bytesInRange(file: InputFile, lo: number, hi: number): number {
  if (!file.jsonl) return file.start >= lo && file.start < hi ? file.size : 0;
  return Math.max(0, Math.min(file.start + file.size, hi) - Math.max(file.start, lo));
}

export async function readTextDocument(file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  await readTextChunks(fileChunks(file, sink), file, index, settings, sink);
}

/**
 * The chunks of a regular file, front to back, each a buffer of its own (segments keep views of
 * them), reporting progress; fails when the file changes while read.
 */
export async function* fileChunks(file: InputFile, sink: Pick<DocumentSink, 'progress'>): AsyncGenerator<Buffer> {
  const handle = await openInput(file);
  try {
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafeSlow(READ_SIZE);
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, null).catch((error) => Promise.reject(fileError(error, file.path)));
      if (bytesRead === 0) break;
      total += bytesRead;
      yield buffer.subarray(0, bytesRead);
      sink.progress(bytesRead);
    }
    await checkUnchanged(handle, file, total);
  } finally {
    await handle.close();
  }
}

/** The whole of `chunks` as one document of text. */
export async function readTextChunks(chunks: AsyncIterable<Uint8Array>, file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  // The bytes go to the encoder undecoded (encode() reads them as TextDecoder would), cut only
  // where ByteSegmenter (safe-cut.ts) proves it exact; the reading thread only checks UTF-8 (simdutf).
  const checker = new Utf8Checker();
  const segmenter = new ByteSegmenter(settings.target, cutRulesOf(settings.encoding) !== null);
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    checkUtf8(checker, () => checker.push(chunk), file.path, settings.invalid);
    for (const segment of segmenter.push(chunk)) await sink.text(segment);
  }
  checkUtf8(checker, () => checker.end(), file.path, settings.invalid);
  await sink.text(segmenter.end());
  if (checker.firstInvalid >= 0) sink.replaced(index, checker.firstInvalid);
  await sink.endDocument(index, total);
}

/** The lines of `chunks` (a whole stream, from its start) as JSONL documents. */
export async function readJsonlChunks(chunks: AsyncIterable<Uint8Array>, file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const lines = new JsonlReader(file, index, settings, sink, 0, Infinity);
  for await (const chunk of chunks) {
    for (const block of lines.blocks.push(chunk)) if (!(await lines.block(block))) return;
  }
  await lines.finish();
}

/** Blocks of whole lines (the last may lack its newline), a whole stream from its start, as JSONL documents. */
export async function readJsonlBlocks(blocks: AsyncIterable<Uint8Array>, file: InputFile, index: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const lines = new JsonlReader(file, index, settings, sink, 0, Infinity);
  for await (const block of blocks) if (!(await lines.block(block))) return;
  await lines.finish();
}

function checkUtf8(checker: Utf8Checker, step: () => void, path: string, invalid: InvalidMode): void {
  step();
  if (invalid === 'fail' && checker.firstInvalid >= 0) throw invalidUtf8Error(path, checker.firstInvalid);
}

// Non-blocking: should the path have become a FIFO since it was listed, opening it returns at
// once (instead of waiting for a writer) and the check refuses it.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export async function openInput(file: InputFile): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file.path, OPEN_FLAGS);
  } catch (error) {
    throw fileError(error, file.path);
  }
  try {
    await checkUnchanged(handle, file);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Reads the lines of `file` that start in [lo, hi) (offsets in the concatenation). */
export async function readJsonlDocuments(file: InputFile, index: number, lo: number, hi: number, settings: ReadSettings, sink: DocumentSink): Promise<void> {
  const handle = await openInput(file);
  try {
    let position = Math.max(0, lo - file.start);
    if (position > 0) position = await nextLineStart(handle, position);
    const end = hi - file.start;
    const lines = new JsonlReader(file, index, settings, sink, position, end);
    // Each read goes into a buffer that becomes a block: only the last, unfinished line is copied
    // (to the next buffer), and the block's memory is shared with the thread that parses it. The
    // next read is issued before a block is handed on, so that it is done by the time the block
    // is: awaited only then, a read left this thread idle while another one copied the bytes.
    type Read = { buffer: Buffer; filled: number; bytesRead: number };
    const readAt = (tail: Uint8Array, at: number): Promise<Read> => {
      const buffer = blockMemory(Math.max(BLOCK_BYTES, tail.length * 2));
      buffer.set(tail);
      return handle.read(buffer, tail.length, buffer.length - tail.length, at).then(
        ({ bytesRead }) => ({ buffer, filled: tail.length + bytesRead, bytesRead }),
        (error) => Promise.reject(fileError(error, file.path)),
      );
    };
    let next: Promise<Read> | undefined;
    try {
      if (position < end) next = readAt(new Uint8Array(0), position);
      while (next) {
        const { buffer, filled, bytesRead } = await next;
        next = undefined;
        if (bytesRead === 0) {
          if (filled) await lines.block(buffer.subarray(0, filled));
          break;
        }
        sink.progress(Math.min(bytesRead, Math.max(0, end - position)));
        position += bytesRead;
        const newline = buffer.lastIndexOf(0x0a, filled - 1);
        // A line longer than the buffer: the next buffer is larger.
        if (newline < 0) {
          next = readAt(buffer.subarray(0, filled), position);
          continue;
        }
        next = readAt(buffer.subarray(newline + 1, filled), position);
        // Rejected while the block is handed on: reported when awaited (or dropped with the run's own error).
        next.catch(() => {});
        if (!(await lines.block(buffer.subarray(0, newline + 1)))) break;
      }
    } finally {
      // The handle closes only once no read of it is in flight.
      await next?.catch(() => {});
    }
    await checkUnchanged(handle, file);
    await lines.finish();
  } finally {
    await handle.close();
  }
}

// A line starting before `position` belongs to an earlier shard: start after the next newline.
async function nextLineStart(handle: FileHandle, position: number): Promise<number> {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let at = position - 1;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) return at;
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (newline >= 0) return at + newline + 1;
    at += bytesRead;
  }
}

// Hands blocks of the lines that start before `end` to the sink: raw, when it parses them
// elsewhere, else parsed here.
class JsonlReader {
  readonly blocks = new LineBlocks();
  #offset: number; // file offset of the next block
  #line: number | undefined; // 1-based line number, known when reading from the file's start
  #done = false;

  constructor(readonly file: InputFile, readonly index: number, readonly settings: ReadSettings, readonly sink: DocumentSink, start: number, readonly end: number) {
    this.#offset = start;
    this.#line = start === 0 ? 1 : undefined;
  }

  /** Hands on a block; false once the lines before `end` are all handed on. */
  async block(bytes: Uint8Array): Promise<boolean> {
    if (this.#done || this.#offset >= this.end) return !(this.#done = true);
    if (this.#offset + bytes.length > this.end) {
      // Up to the first line that starts at or after `end` (the block ends with a whole line).
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const cut = buffer.indexOf(0x0a, this.end - 1 - this.#offset) + 1;
      if (cut > 0 && cut < bytes.length) bytes = bytes.slice(0, cut);
      this.#done = true;
    }
    const place = { path: this.file.path, offset: this.#offset, line: this.#line };
    this.#offset += bytes.length;
    if (this.sink.jsonlBlock) {
      // Line numbers of the next blocks are counted where the block is parsed.
      this.#line = undefined;
      await this.sink.jsonlBlock({ ...place, file: this.index, bytes });
    } else await this.#parse(bytes, place);
    return !this.#done;
  }

  async finish(): Promise<void> {
    const rest = this.blocks.end();
    if (rest) await this.block(rest);
  }

  async #parse(bytes: Uint8Array, place: BlockPlace): Promise<void> {
    const parsed = parseJsonlBlock(bytes, place.offset === 0, this.settings);
    if (parsed.firstInvalid >= 0) this.sink.replaced(this.index, place.offset + parsed.firstInvalid);
    for (const content of parsed.texts) {
      const segmenter = segmenterFor(this.settings.encoding, this.settings.target);
      for (const segment of segmenter.push(content)) await this.sink.text(segment);
      await this.sink.text(segmenter.end());
      await this.sink.endDocument(this.index, Buffer.byteLength(content));
    }
    if (parsed.failure) throw jsonlFailureError(parsed.failure, place, this.settings.field);
    if (this.#line !== undefined) this.#line += parsed.lines;
  }
}
