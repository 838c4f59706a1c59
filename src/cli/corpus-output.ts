// The corpus files: BASE.bin (token ids, flat little-endian uint16 or uint32), BASE.idx (uint64
// little-endian token offsets: documents + 1 entries, from 0 to the token count; document i is
// ids [idx[i], idx[i+1])) and BASE.json (the header). All three are written to temporary files
// next to them and renamed only when everything succeeded, the header last; on failure the
// temporary files are removed, so no truncated output is ever left behind.
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { fileError } from './common';
import { CliError } from './options';

export type Dtype = 'uint16' | 'uint32';

const FLUSH_BYTES = 4 << 20;
const INDEX_ENTRIES = 1 << 16;
const BIG_ENDIAN = endianness() === 'BE';

export function outputPaths(out: string): { bin: string; idx: string; json: string } {
  const base = out.replace(/\.bin$/i, '');
  return { bin: `${base}.bin`, idx: `${base}.idx`, json: `${base}.json` };
}

class TempFile {
  readonly temp: string;
  fd: number | undefined;

  constructor(readonly final: string) {
    this.temp = `${final}.tmp-${process.pid}`;
    try {
      if (statSync(final).isDirectory()) throw new CliError(`${final}: is a directory`);
    } catch (error) {
      if (error instanceof CliError) throw error;
    }
    try {
      this.fd = openSync(this.temp, 'w');
    } catch (error) {
      throw new CliError(`cannot write ${fileError(error, final).message}`);
    }
  }

  write(chunks: Uint8Array[]): void {
    try {
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.length; ) at += writeSync(this.fd as number, chunk, at);
      }
    } catch (error) {
      throw fileError(error, this.final);
    }
  }

  close(sync: boolean): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  remove(): void {
    try {
      this.close(false);
    } catch {
      // removing anyway
    }
    try {
      unlinkSync(this.temp);
    } catch {
      // never created or already gone
    }
  }
}

export class CorpusWriter {
  readonly #files: { bin: TempFile; idx: TempFile; json: TempFile };
  readonly #dtype: Dtype;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #index = new BigUint64Array(INDEX_ENTRIES);
  #indexUsed = 0;
  #tokens = 0;
  #documents = 0;

  constructor(out: string, dtype: Dtype) {
    this.#dtype = dtype;
    const paths = outputPaths(out);
    const made: TempFile[] = [];
    try {
      for (const path of [paths.bin, paths.idx, paths.json]) made.push(new TempFile(path));
    } catch (error) {
      for (const file of made) file.remove();
      throw error;
    }
    const [bin, idx, json] = made;
    this.#files = { bin, idx, json };
    this.#offset(0);
  }

  get tokens(): number {
    return this.#tokens;
  }

  get documents(): number {
    return this.#documents;
  }

  writeIds(ids: Uint32Array): void {
    if (ids.length === 0) return;
    const typed = this.#dtype === 'uint16' ? new Uint16Array(ids) : ids;
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    this.#pending.push(BIG_ENDIAN ? swapped(bytes, this.#dtype) : bytes);
    this.#pendingBytes += bytes.length;
    this.#tokens += ids.length;
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flushIds();
  }

  endDocument(): void {
    this.#documents++;
    this.#offset(this.#tokens);
  }

  /** Flushes, writes the header and renames the three files into place. */
  commit(header: object): void {
    this.#flushIds();
    this.#flushIndex();
    this.#files.json.write([Buffer.from(JSON.stringify(header, null, 2) + '\n')]);
    const { bin, idx, json } = this.#files;
    for (const file of [bin, idx, json]) file.close(true);
    for (const file of [bin, idx, json]) {
      try {
        renameSync(file.temp, file.final);
      } catch (error) {
        throw fileError(error, file.final);
      }
    }
  }

  /** Removes whatever was written. Safe to call more than once. */
  abort(): void {
    for (const file of Object.values(this.#files)) file.remove();
  }

  #offset(value: number): void {
    this.#index[this.#indexUsed++] = BigInt(value);
    if (this.#indexUsed === INDEX_ENTRIES) this.#flushIndex();
  }

  #flushIds(): void {
    // One write: documents of a few tokens would otherwise cost a system call each.
    this.#files.bin.write([Buffer.concat(this.#pending, this.#pendingBytes)]);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #flushIndex(): void {
    const entries = this.#index.subarray(0, this.#indexUsed);
    const bytes = new Uint8Array(entries.buffer, entries.byteOffset, entries.byteLength).slice();
    this.#files.idx.write([BIG_ENDIAN ? Buffer.from(bytes.buffer).swap64() : bytes]);
    this.#indexUsed = 0;
  }
}

function swapped(bytes: Uint8Array, dtype: Dtype): Uint8Array {
  const copy = Buffer.from(bytes);
  return dtype === 'uint16' ? copy.swap16() : copy.swap32();
}
