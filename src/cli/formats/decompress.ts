// Decompressing a stream of input chunks as it is read, never whole in memory: gzip with
// node:zlib (every member of a multi-member file); zstd (every frame, skippable frames too) with
// the fastest decoder this machine has: Node's own zstd (22.15 and later), else the `zstd`
// command in a child process when it is on PATH, else fzstd (pure JavaScript; installs without
// a compiler). TURBOTOKEN_ZSTD=js forces fzstd, TURBOTOKEN_ZSTD=command the command.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { Readable, type Transform, type Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { createGunzip } from 'node:zlib';
import { CliError } from '../options';
import type { Compression } from './detect';

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
  const error = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (!error) return child;
  if (process.env.TURBOTOKEN_ZSTD === 'command') throw new CliError(`${failure} (zstd: ${error.message})`);
  return undefined;
}

// The command decodes several times faster than fzstd and on another core, so at one encoding
// thread decompression overlaps the encoding instead of adding to it (bench/results/cli-formats.md).
async function* zstdCommand(child: ZstdChild, chunks: AsyncIterable<Uint8Array>, failure: string): AsyncGenerator<Uint8Array> {
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
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
    if (error) throw new CliError(`${failure} (zstd: ${error.message})`);
    if (code !== 0) throw new CliError(`${failure} (${stderr.trim().replace(/^zstd: /, '').replace(/\s+/g, ' ') || `zstd exited with ${code}`})`);
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
