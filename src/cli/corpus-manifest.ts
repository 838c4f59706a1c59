// Checking a corpus set before reading it: BASE.json, the header written last, records the size
// and SHA-256 of BASE.bin and BASE.idx (`integrity`); a set whose files disagree with it is one
// that a failed or running `turbotoken corpus` is replacing, or that was changed since, and is
// refused. Headers without `integrity` are checked by size only (tokens and documents).
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { errorReason } from './common';
import type { FileDigest } from './corpus-output';
import { CliError } from './options';

interface Header {
  format?: unknown;
  data?: unknown;
  index?: unknown;
  dtype?: unknown;
  tokens?: unknown;
  documents?: unknown;
  integrity?: { data?: FileDigest; index?: FileDigest };
}

/** The header of the corpus whose ids file is `bin`, or undefined when `bin` is not one. */
export async function corpusHeaderOf(bin: string): Promise<{ header: Header; json: string } | undefined> {
  if (!/\.bin$/i.test(bin)) return undefined;
  const json = bin.replace(/\.bin$/i, '.json');
  let header: Header;
  try {
    header = JSON.parse(await readFile(json, 'utf8')) as Header;
  } catch {
    return undefined; // no header, or a JSON file that is not one
  }
  if (header === null || typeof header !== 'object' || header.format !== 'turbotoken-corpus' || header.data !== path.basename(bin)) return undefined;
  return { header, json };
}

const READ_SIZE = 1 << 20;

async function digestOf(handle: FileHandle): Promise<FileDigest> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(READ_SIZE);
  let bytes = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, bytes);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    bytes += bytesRead;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function mismatch(file: string, detail: string): CliError {
  return new CliError(
    `${file}: ${detail}: the corpus files are not one complete set ` +
      `(a corpus run failed while replacing them, is replacing them now, or they were changed since); run it again`,
  );
}

async function check(file: string, handle: FileHandle | undefined, want: FileDigest | undefined, wantBytes: number | undefined, json: string): Promise<void> {
  const name = path.basename(json);
  let own = handle;
  if (!own) {
    try {
      own = await open(file, 'r');
    } catch (error) {
      throw mismatch(file, `${errorReason(error)}, but ${name} lists it`);
    }
  }
  try {
    if (want && typeof want.bytes === 'number' && typeof want.sha256 === 'string') {
      const size = (await own.stat()).size;
      if (size !== want.bytes) throw mismatch(file, `${size} bytes, but ${name} says ${want.bytes}`);
      const got = await digestOf(own);
      if (got.bytes !== want.bytes || got.sha256 !== want.sha256) throw mismatch(file, `its SHA-256 is not the one ${name} records`);
    } else if (wantBytes !== undefined) {
      const size = (await own.stat()).size;
      if (size !== wantBytes) throw mismatch(file, `${size} bytes, but ${name} says ${wantBytes}`);
    }
  } finally {
    if (!handle) await own.close();
  }
}

/**
 * Throws a CliError naming the file when `bin` (open as `handle`) and its .idx disagree with the
 * header. Reads both files whole to compare their SHA-256.
 */
export async function verifyCorpus(bin: string, handle: FileHandle, corpus: { header: Header; json: string }): Promise<void> {
  const { header, json } = corpus;
  const width = header.dtype === 'uint16' ? 2 : header.dtype === 'uint32' ? 4 : undefined;
  const count = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined);
  const tokens = count(header.tokens);
  const documents = count(header.documents);
  await check(bin, handle, header.integrity?.data, width !== undefined && tokens !== undefined ? tokens * width : undefined, json);
  const idx = path.join(path.dirname(bin), typeof header.index === 'string' ? path.basename(header.index) : path.basename(bin).replace(/\.bin$/i, '.idx'));
  await check(idx, undefined, header.integrity?.index, documents !== undefined ? (documents + 1) * 8 : undefined, json);
}

/**
 * What identifies a run's input list (each file's path as listed and its size): shards of one run
 * record the same, and merge and --resume compare it.
 */
export function inputsFingerprint(files: readonly { path: string; size: number }[]): { files: number; bytes: number; sha256: string } {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${JSON.stringify(file.path)} ${file.size}\n`);
  return { files: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0), sha256: hash.digest('hex') };
}

/**
 * True when `out`'s files are a complete set (checked against their header's SHA-256) whose header
 * agrees with `expected` on every key `expected` has: the output a run with these settings and
 * inputs would write. Anything else (no header, another run's, a partial set) is false.
 */
export async function completeOutput(out: string, expected: Record<string, unknown>): Promise<boolean> {
  const bin = out.replace(/\.bin$/i, '') + '.bin';
  const corpus = await corpusHeaderOf(bin);
  if (!corpus || !corpus.header.integrity) return false;
  const header = corpus.header as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) if (JSON.stringify(header[key]) !== JSON.stringify(value)) return false;
  let handle: FileHandle | undefined;
  try {
    handle = await open(bin, 'r');
    await verifyCorpus(bin, handle, corpus);
    return true;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
