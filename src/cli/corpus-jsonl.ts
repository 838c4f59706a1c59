// JSON lines as the corpus reads them, on whichever thread parses them. The reading thread only
// cuts the byte stream into blocks of whole lines (lineBlocks); a block is parsed where it is
// encoded (a worker, or inline), so JSON parsing, --field extraction and the UTF-8 check scale
// with --threads. A failure is located within its block (line, byte) and named with the file,
// line and byte by the reading thread, which alone knows where the block starts.
import { isUtf8 } from 'node:buffer';
import { blockPool } from './corpus-memory';
import { CliError } from './options';
import { invalidUtf8Error, type InvalidMode } from './text-input';
import { firstInvalidUtf8 } from './utf8';

/** What parsing a block needs to know of the run. */
export interface JsonlSettings {
  field: string;
  invalid: InvalidMode;
}

/** Where a block failed: the first failure in line order, as reading it line by line finds it. */
export interface JsonlFailure {
  kind: 'json' | 'field' | 'utf8';
  /** 0-based line within the block. */
  line: number;
  /** Block offset of the line's first byte. */
  lineStart: number;
  /** JSON.parse's message (json); the block offset of the first ill-formed byte (utf8). */
  detail?: string;
  invalidAt?: number;
}

export interface JsonlDocuments {
  /** The --field text of each non-blank line, in order (up to a failure). */
  texts: string[];
  /** UTF-8 bytes of those texts. */
  textBytes: number;
  /** Lines in the block, blank ones too (a last line without a newline counts). */
  lines: number;
  /** Block offset of the first ill-formed UTF-8 byte read as U+FFFD (--invalid=replace), or -1. */
  firstInvalid: number;
  failure?: JsonlFailure;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The documents of a block of whole lines. `atFileStart`: the block starts the file, whose
 * byte-order mark is no part of the JSON.
 */
export function parseJsonlBlock(bytes: Uint8Array, atFileStart: boolean, settings: JsonlSettings): JsonlDocuments {
  const out: JsonlDocuments = { texts: [], textBytes: 0, lines: 0, firstInvalid: -1 };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Checked once for the block; line by line only when it holds an ill-formed byte.
  const valid = isUtf8(buffer);
  for (let line = 0, at = 0; at < buffer.length; line++) {
    let end = buffer.indexOf(0x0a, at);
    if (end < 0) end = buffer.length;
    out.lines++;
    const failure = lineDocument(buffer.subarray(at, end), at, line, valid, atFileStart, settings, out);
    if (failure) {
      out.failure = failure;
      return out;
    }
    at = end + 1;
  }
  return out;
}

function lineDocument(bytes: Buffer, at: number, line: number, valid: boolean, atFileStart: boolean, settings: JsonlSettings, out: JsonlDocuments): JsonlFailure | undefined {
  if (isBlank(bytes)) return undefined;
  if (!valid) {
    const invalid = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
    if (invalid >= 0) {
      if (settings.invalid === 'fail') return { kind: 'utf8', line, lineStart: at, invalidAt: at + invalid };
      if (out.firstInvalid < 0) out.firstInvalid = at + invalid;
    }
  }
  // Line by line: a line of ASCII stays a one-byte string, whatever the rest of the block holds.
  let text = decoder.decode(bytes);
  // A byte-order mark starting the file is no part of the JSON.
  if (atFileStart && at === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'json', line, lineStart: at, detail: (error as Error).message };
  }
  const content = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[settings.field] : undefined;
  if (typeof content !== 'string') return { kind: 'field', line, lineStart: at };
  out.texts.push(content);
  out.textBytes += Buffer.byteLength(content);
  return undefined;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

/** Where a block is in its file, to name a failure in it. */
export interface BlockPlace {
  path: string;
  /** File offset of the block's first byte (the decompressed stream's, for compressed input). */
  offset: number;
  /** 1-based line number of the block's first line, when reading began at the file's start. */
  line: number | undefined;
}

/** The error a failure stands for, naming the file and the line (or its byte offset). */
export function jsonlFailureError(failure: JsonlFailure, place: BlockPlace, field: string): CliError {
  const line = place.line === undefined ? undefined : place.line + failure.line;
  if (failure.kind === 'utf8') return invalidUtf8Error(place.path, place.offset + (failure.invalidAt as number), line);
  const where = line === undefined ? `${place.path}: the line at byte ${place.offset + failure.lineStart}` : `${place.path}:${line}`;
  if (failure.kind === 'json') return new CliError(`${where}: not valid JSON (${failure.detail})`);
  return new CliError(`${where}: no string field ${JSON.stringify(field)}`);
}

/**
 * Memory for a block: shared (corpus-memory.ts), so that a block handed to a worker stays readable
 * here and the reading thread can still encode it itself should the worker not have begun it.
 */
export function blockMemory(size: number): Buffer {
  return Buffer.from(blockPool.take(size), 0, size);
}

/** Hands a block's memory back for blockMemory to reuse, once no thread will read the block again. */
export function reuseBlockMemory(bytes: Uint8Array): void {
  blockPool.give(bytes);
}

/** Target size of a block: large enough that handing it over costs little, small enough to keep workers busy. */
export const BLOCK_BYTES = 1 << 20;

/**
 * Cuts chunks of a byte stream into blocks of whole lines of about `target` bytes (a line longer
 * than that is a block of its own), each in shared memory of its own (blockMemory). The last block may lack its newline. No view of a pushed chunk is kept.
 */
export class LineBlocks {
  #parts: Uint8Array[] = [];
  #bytes = 0;

  constructor(readonly target = BLOCK_BYTES) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const blocks: Uint8Array[] = [];
    let from = 0;
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (from < chunk.length) {
      const need = this.target - this.#bytes;
      if (chunk.length - from < need) break; // not a block's worth yet: keep it all
      // The last newline within the bytes that complete a block, else the first one after them.
      let newline = need > 0 ? buffer.lastIndexOf(0x0a, from + need - 1) : -1;
      if (newline < from) newline = buffer.indexOf(0x0a, from + Math.max(need, 0));
      if (newline < 0) break;
      this.#parts.push(chunk.subarray(from, newline + 1));
      this.#bytes += newline + 1 - from;
      blocks.push(this.#take());
      from = newline + 1;
    }
    if (from < chunk.length) {
      // A copy: the caller may reuse its buffer for the next chunk.
      this.#parts.push(Uint8Array.prototype.slice.call(chunk, from));
      this.#bytes += chunk.length - from;
    }
    return blocks;
  }

  /** The rest: a last line without its newline, or nothing. */
  end(): Uint8Array | undefined {
    return this.#bytes ? this.#take() : undefined;
  }

  #take(): Uint8Array {
    const block = blockMemory(this.#bytes);
    let at = 0;
    for (const part of this.#parts) {
      block.set(part, at);
      at += part.length;
    }
    this.#parts = [];
    this.#bytes = 0;
    return block;
  }
}
