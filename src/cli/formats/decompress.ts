// Decompressing a stream of input chunks as it is read, never whole in memory: gzip with
// node:zlib (every member of a multi-member file); zstd (every frame, skippable frames too) with
// the fastest decoder this machine has: Node's own zstd (22.15 and later), else the `zstd`
// command in a child process when it is on PATH, else fzstd (pure JavaScript; installs without
// a compiler). TURBOTOKEN_ZSTD=js forces fzstd, TURBOTOKEN_ZSTD=command the command.
import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { Readable, type Transform, type Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { createGunzip } from 'node:zlib';
import { checkUnchanged, type DocumentSink, type InputFile, openInput } from '../corpus-input';
import { BLOCK_BYTES, blockMemory, reuseBlockMemory } from '../corpus-jsonl';
import { CliError } from '../options';
import type { Compression } from './detect';

/**
 * The decompressed bytes of a regular file of JSON lines as blocks of whole lines in block memory
 * (corpus-jsonl.ts; the last may lack its newline), when the zstd command decodes it; else
 * undefined, and the file is read as any other compressed file.
 */
export async function zstdFileLineBlocks(file: InputFile, compression: Compression, sink: Pick<DocumentSink, 'progress'>): Promise<AsyncGenerator<Uint8Array> | undefined> {
  if (compression !== 'zstd' || zstdDecoder() !== 'command' || process.platform !== 'linux') return undefined;
  const handle = await openInput(file);
  let decoded: AsyncGenerator<Uint8Array> | undefined;
  try {
    decoded = await zstdReadingFile(handle, file, sink);
  } finally {
    if (!decoded) await handle.close();
  }
  if (!decoded) return undefined;
  const blocks = decoded;
  return (async function* () {
    try {
      yield* blocks;
    } finally {
      await handle.close();
    }
  })();
}

/** The decompressed bytes of `chunks`. */
export async function* decompress(chunks: AsyncIterable<Uint8Array>, compression: Compression, path: string): AsyncGenerator<Uint8Array> {
  if (compression === 'gzip') yield* zlibStream(chunks, createGunzip({ chunkSize: 256 * 1024 }), `${path}: corrupt or truncated gzip data`);
  else yield* unzstd(chunks, path);
}

async function* zlibStream(chunks: AsyncIterable<Uint8Array>, inflate: Transform, failure: string): AsyncGenerator<Uint8Array> {
  const source = Readable.from(chunks, { objectMode: false });
  source.on('error', (error) => inflate.destroy(error));
  source.pipe(inflate);
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${failure} (${(error as Error).message})`);
  } finally {
    source.destroy();
    inflate.destroy();
  }
}

const nativeZstd = (zlib as { createZstdDecompress?: (options?: object) => Transform }).createZstdDecompress;

export type ZstdDecoder = 'node' | 'command' | 'js';

let found: ZstdDecoder | undefined;
/**
 * The zstd decoder this process uses: TURBOTOKEN_ZSTD's, else Node's own, else the command until
 * starting it has failed (not on PATH), then fzstd.
 */
export function zstdDecoder(): ZstdDecoder {
  if (found) return found;
  const asked = process.env.TURBOTOKEN_ZSTD;
  if (asked === 'js' || asked === 'command') found = asked;
  else found = nativeZstd ? 'node' : 'command';
  return found;
}

async function* unzstd(chunks: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array> {
  const failure = `${path}: corrupt or truncated zstd data`;
  const decoder = zstdDecoder();
  if (decoder === 'node' && nativeZstd) return yield* zlibStream(chunks, nativeZstd({ chunkSize: 256 * 1024 }), failure);
  if (decoder === 'command') {
    const child = await startZstd(failure);
    if (child) return yield* zstdCommand(child, chunks, failure);
    found = 'js';
  }
  yield* fzstd(chunks, failure);
}

type ZstdChild = ChildProcessByStdio<Writable, Readable, Readable>;

// Started without a `zstd --version` probe first: that was a synchronous spawn, about 0.1 s in
// which the reading thread did nothing else, before the first block. A command that cannot be
// started (not on PATH) gives way to fzstd, unless TURBOTOKEN_ZSTD=command asked for it.
async function startZstd(failure: string): Promise<ZstdChild | undefined> {
  const child = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  return (await started(child, failure)) ? child : undefined;
}

/** Whether `child` started; one that did not gives way to fzstd unless TURBOTOKEN_ZSTD=command asked for it. */
async function started(child: ChildProcess, failure: string): Promise<boolean> {
  const error = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (!error) return true;
  if (process.env.TURBOTOKEN_ZSTD === 'command') throw new CliError(`${failure} (zstd: ${error.message})`);
  return false;
}

// A regular file (Linux): the command reads it through our descriptor (its standard input, the
// same open file, so a file replaced since it was listed is still caught), instead of every
// compressed byte passing through this thread and a pipe; and its output is read through a
// socket whose reads land straight in the block memory the blocks are cut from (net's `onread`),
// not in a fresh 64 KB buffer per read handed through a stream and copied again into a block
// (docs/performance.md, "Corpus pipeline"). A socket and not the child's stdout pipe, whose
// reads `onread` cannot reach: a Unix socket in a directory of our own (mode 0700, so no other
// user can connect first and stand in for the command; an abstract socket has no permissions),
// connected to itself before the command starts and removed at once.
async function zstdReadingFile(handle: FileHandle, file: InputFile, sink: Pick<DocumentSink, 'progress'>): Promise<AsyncGenerator<Uint8Array> | undefined> {
  const failure = `${file.path}: corrupt or truncated zstd data`;
  const output = new SocketChunks();
  let theirs: Socket | undefined;
  try {
    theirs = await output.connect();
  } catch {
    output.destroy();
    return undefined; // no sockets here: the command reads through a pipe instead
  }
  const child = spawn('zstd', ['-d', '-c', '-q'], { stdio: [handle.fd, theirs, 'pipe'] });
  // The command holds its own copy of the socket: its exit is the output's end.
  theirs.destroy();
  try {
    if (!(await started(child, failure))) {
      found = 'js';
      output.destroy();
      return undefined;
    }
  } catch (error) {
    output.destroy();
    throw error;
  }
  return zstdFileOutput(child as ChildProcessByStdio<null, null, Readable>, output, handle, file, sink, failure);
}

async function* zstdFileOutput(child: ChildProcessByStdio<null, null, Readable>, output: SocketChunks, handle: FileHandle, file: InputFile, sink: Pick<DocumentSink, 'progress'>, failure: string): AsyncGenerator<Uint8Array> {
  const stderr = collectStderr(child);
  const exited = exitOf(child);
  let done = false;
  let reported = 0;
  // Progress is where the command is in the file: the offset of the descriptor it shares.
  const report = () => {
    const position = filePosition(handle.fd);
    if (position > reported) {
      sink.progress(position - reported);
      reported = position;
    }
  };
  try {
    for (let chunk = await output.next(); chunk; chunk = await output.next()) {
      yield chunk;
      report();
    }
    const { code, error } = await exited;
    checkExit(code, error, stderr, failure);
    report();
    await checkUnchanged(handle, file, reported);
    // The last line only once the command has exited cleanly: a truncated stream ends mid-line.
    const rest = output.rest();
    done = true;
    if (rest) yield rest;
  } finally {
    output.destroy();
    if (!done) {
      child.kill();
      await exited; // the descriptor it reads is closed only once it is gone
    }
  }
}

// A socket's path has room for 103 bytes on macOS, 107 on Linux; the directory made in it adds 25.
const MAX_SOCKET_DIR = 103 - 25;

// A read is given at least this much room; a block with less left is cut.
const MIN_READ = 64 * 1024;

/** The lines a socket receives, cut into blocks of whole lines (LineBlocks' blocks) that the socket's reads fill directly. */
class SocketChunks {
  #server = createServer();
  #socket?: Socket;
  #chunk = blockMemory(BLOCK_BYTES);
  #filled = 0;
  #ready: Buffer[] = [];
  #paused = false;
  #ended = false;
  #error?: Error;
  #wake?: () => void;

  /** Connects to a socket of its own; returns the other end, for the writer. */
  async connect(): Promise<Socket> {
    // Node 20 binds a longer path cut short, elsewhere than in the directory: refused here, read through the pipe.
    if (Buffer.byteLength(tmpdir()) > MAX_SOCKET_DIR) throw new Error('temporary directory too long for a socket path');
    const dir = mkdtempSync(join(tmpdir(), 'turbotoken-zstd-'));
    try {
      return await this.#connectIn(join(dir, 's'));
    } finally {
      this.#server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async #connectIn(path: string): Promise<Socket> {
    const listening = once(this.#server, 'listening');
    this.#server.listen(path);
    await listening;
    const accepted = once(this.#server, 'connection');
    const socket = connect({
      path,
      onread: {
        buffer: () => this.#room(),
        callback: (bytes: number) => this.#received(bytes),
      },
    });
    this.#socket = socket;
    socket.resume(); // flowing, so that its end is seen; its bytes come only through onread
    socket.on('error', (error) => {
      this.#error = error;
      this.#signal();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#signal();
    });
    const failed = new Promise<never>((_, reject) => socket.once('error', reject));
    failed.catch(() => {}); // an error after the connection is the reader's (next())
    const [theirs] = (await Promise.race([accepted, failed])) as [Socket];
    return theirs;
  }

  #room(): Buffer {
    if (this.#chunk.length - this.#filled < MIN_READ) this.#handOn();
    return this.#chunk.subarray(this.#filled);
  }

  #received(bytes: number): boolean {
    this.#filled += bytes;
    if (this.#filled === this.#chunk.length) this.#handOn();
    this.#signal();
    // Two chunks waiting: stop reading (the writer blocks) until the reader takes one.
    if (this.#ready.length >= 2) this.#paused = true;
    return !this.#paused;
  }

  // Hands on the block up to its last newline (all of it at the end); the unfinished line starts the next.
  #handOn(): void {
    const filled = this.#filled;
    if (!filled) return;
    const chunk = this.#chunk;
    const newline = chunk.lastIndexOf(0x0a, filled - 1);
    if (newline < 0) {
      // A line longer than the block: a larger one.
      this.#chunk = blockMemory(chunk.length * 2);
      this.#chunk.set(chunk.subarray(0, filled));
      reuseBlockMemory(chunk);
      return;
    }
    const cut = newline + 1;
    this.#ready.push(chunk.subarray(0, cut));
    const tail = chunk.subarray(cut, filled);
    this.#chunk = blockMemory(Math.max(BLOCK_BYTES, tail.length * 2));
    this.#chunk.set(tail);
    this.#filled = tail.length;
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** What is left once next() has returned undefined: the last lines, or nothing. */
  rest(): Buffer | undefined {
    const rest = this.#filled ? this.#chunk.subarray(0, this.#filled) : undefined;
    this.#chunk = blockMemory(BLOCK_BYTES);
    this.#filled = 0;
    return rest;
  }

  /** The next block, or undefined at the end (the bytes after its last newline are rest()'s). */
  async next(): Promise<Buffer | undefined> {
    for (;;) {
      const chunk = this.#ready.shift();
      if (chunk) {
        if (this.#paused && this.#ready.length < 2) {
          this.#paused = false;
          this.#socket?.resume();
        }
        return chunk;
      }
      if (this.#error) throw this.#error;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  destroy(): void {
    this.#server.close();
    this.#socket?.destroy();
    reuseBlockMemory(this.#chunk);
  }
}

// The offset of an open file, shared with a child process that reads through the same descriptor.
function filePosition(fd: number): number {
  try {
    const match = /^pos:\s*(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function collectStderr(child: { stderr: Readable }): { text(): string } {
  let text = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (piece: string) => {
    if (text.length < 4096) text += piece;
  });
  return { text: () => text };
}

/** A CliError naming the zstd command's failure (its own message, else its exit code), unless it exited with 0. */
function checkExit(code: number | null, error: Error | undefined, stderr: { text(): string }, failure: string): void {
  if (error) throw new CliError(`${failure} (zstd: ${error.message})`);
  if (code !== 0) throw new CliError(`${failure} (${stderr.text().trim().replace(/^zstd: /, '').replace(/\s+/g, ' ') || `zstd exited with ${code}`})`);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; error?: Error }> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
}

// The command decodes several times faster than fzstd and on another core, so at one encoding
// thread decompression overlaps the encoding instead of adding to it (bench/results/cli-formats.md).
async function* zstdCommand(child: ZstdChild, chunks: AsyncIterable<Uint8Array>, failure: string): AsyncGenerator<Uint8Array> {
  const stderr = collectStderr(child);
  const exited = exitOf(child);
  let feedError: unknown;
  child.stdin.on('error', () => {}); // EPIPE once zstd stops reading corrupt data: its exit status tells
  const feed = (async () => {
    try {
      for await (const chunk of chunks) {
        if (!child.stdin.write(chunk)) await untilDrainedOrClosed(child);
        if (child.exitCode !== null || child.signalCode !== null) break;
      }
    } catch (error) {
      feedError = error;
      child.kill();
    } finally {
      child.stdin.end();
    }
  })();
  let done = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const [{ code, error }] = await Promise.all([exited, feed]);
    if (feedError) throw feedError;
    checkExit(code, error, stderr, failure);
    done = true;
  } finally {
    if (!done) child.kill();
  }
}

// Either listener is removed once the other fires: one wait per chunk written, and listeners
// left on the child would pile up (Node warns past 10) for as long as the file is read.
function untilDrainedOrClosed(child: ChildProcessByStdio<Writable, Readable, Readable>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      child.stdin.off('drain', done);
      child.off('close', done);
      resolve();
    };
    child.stdin.once('drain', done);
    child.once('close', done);
  });
}

// fzstd: about 50-135 MB/s of output once compiled by V8, on the reading thread.
async function* fzstd(chunks: AsyncIterable<Uint8Array>, failure: string): AsyncGenerator<Uint8Array> {
  const { Decompress } = await import('fzstd');
  let out: Uint8Array[] = [];
  const decoder = new Decompress((data) => {
    if (data.length) out.push(data);
  });
  const fail = (error: unknown) => new CliError(`${failure} (${(error as Error).message || 'unexpected end of data'})`);
  // Small pieces bound what one push can produce (a block is at most 128 KB of output).
  const PIECE = 64 * 1024;
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += PIECE) {
      try {
        decoder.push(chunk.subarray(at, Math.min(chunk.length, at + PIECE)));
      } catch (error) {
        throw fail(error);
      }
      if (out.length) {
        const ready = out;
        out = [];
        yield* ready;
      }
    }
  }
  try {
    decoder.push(new Uint8Array(0), true);
  } catch (error) {
    throw fail(error);
  }
  yield* out;
}
