// The corpus files: BASE.bin (token ids, flat little-endian uint16 or uint32), BASE.idx (uint64
// little-endian token offsets: documents + 1 entries, from 0 to the token count; document i is
// ids [idx[i], idx[i+1])) and BASE.json (the header).
//
// Three renames cannot be one atomic step, so the header is the commit record: all three files
// are written as temporaries (BASE.bin.tmp-PID...), flushed, and renamed in the order .bin, .idx,
// .json; the header names the size and SHA-256 of the other two (computed while writing, so
// nothing is read back). Whatever stops the renames (an I/O error, SIGKILL, power loss), a header
// either describes the two files beside it exactly or disagrees with them, which readers check
// (corpus-manifest.ts). On failure before the renames the temporaries are removed and no output
// is touched; temporaries a killed run left behind are removed by the next run into that place.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fdatasync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import * as path from 'node:path';
import { fileError } from './common';
import { CliError, type OptionValues, UsageError } from './options';

export type Dtype = 'uint16' | 'uint32';

/** Size and SHA-256 (hex) of an output file, as the header records them. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** File-system calls the writer makes that tests replace to inject faults. */
export interface OutputFs {
  rename(from: string, to: string): void;
}

const FLUSH_BYTES = 4 << 20;
const INDEX_ENTRIES = 1 << 16;
const BIG_ENDIAN = endianness() === 'BE';
const realFs: OutputFs = { rename: renameSync };

export function outputPaths(out: string): { bin: string; idx: string; json: string } {
  const base = out.replace(/\.bin$/i, '');
  return { bin: `${base}.bin`, idx: `${base}.idx`, json: `${base}.json` };
}

/**
 * --out FILE.bin, or --output-prefix PREFIX for the names Megatron's preprocess_data.py gives:
 * PREFIX_FIELD_document.bin and .idx.
 */
export function outputName(options: OptionValues, command = 'corpus'): string {
  const prefix = options['output-prefix'];
  if (prefix !== undefined && options.out !== undefined) throw new UsageError('--out and --output-prefix name the same files: give one');
  if (typeof prefix === 'string') {
    if (prefix === '' || /[\\/]$/.test(prefix)) throw new UsageError(`--output-prefix must name files, e.g. data/train; received ${JSON.stringify(prefix)}`);
    return `${prefix}_${typeof options.field === 'string' ? options.field : 'text'}_document.bin`;
  }
  if (typeof options.out !== 'string' || options.out === '') throw new UsageError(`turbotoken ${command} needs --out FILE.bin (or --output-prefix PREFIX)`);
  return options.out;
}

const tempSuffix = (pid: number) => `.tmp-${pid}`;

/** The pid in `name` when it is the temporary of one of `outputs`' files (same directory), else undefined. */
export function temporaryOwner(name: string, outputs: readonly string[]): number | undefined {
  const match = /^(.*)\.tmp-(\d+)$/.exec(name);
  if (!match || !outputs.some((file) => path.basename(file) === match[1])) return undefined;
  return Number(match[2]);
}

function isLive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's. Anything but "no such process" counts as alive.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the temporaries of `out`'s three files whose process is gone (a run ended by SIGKILL or
 * a crash). Only exact names `BASE.bin.tmp-PID`, `BASE.idx.tmp-PID`, `BASE.json.tmp-PID` in the
 * output directory are candidates, and only when no process PID exists on this machine.
 */
export function removeStaleTemporaries(out: string): string[] {
  const files = Object.values(outputPaths(out));
  const dir = path.dirname(files[0]);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // a missing or unreadable directory fails later, naming the output
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = temporaryOwner(name, files);
    if (pid === undefined || pid === process.pid || isLive(pid)) continue;
    try {
      unlinkSync(path.join(dir, name));
      removed.push(path.join(dir, name));
    } catch {
      // another run removed it first, or it cannot be removed: not this run's business
    }
  }
  return removed;
}

/** Written bytes after which a file's data is synced ahead of the commit. */
const SYNC_AHEAD_BYTES = 32 << 20;

/** A file written as `FINAL.tmp-PID` and renamed into place by commitTemporaries. */
export class TempFile {
  readonly temp: string;
  fd: number | undefined;
  bytes = 0;
  readonly #hash: Hash | undefined;
  #unsynced = 0;
  #syncing = false;

  constructor(readonly final: string, digest: boolean) {
    this.temp = `${final}${tempSuffix(process.pid)}`;
    this.#hash = digest ? createHash('sha256') : undefined;
    try {
      if (statSync(final).isDirectory()) throw new CliError(`${final}: is a directory`);
    } catch (error) {
      if (error instanceof CliError) throw error;
    }
    try {
      // A file of this name is a leftover of a dead process that had this pid. Exclusive
      // creation never opens what is there instead (a FIFO would block, a link lead elsewhere).
      unlinkSync(this.temp);
    } catch {
      // usually absent
    }
    try {
      this.fd = openSync(this.temp, 'wx');
    } catch (error) {
      throw new CliError(`cannot write ${fileError(error, final).message}`);
    }
  }

  write(chunks: Uint8Array[]): void {
    try {
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.length; ) at += writeSync(this.fd as number, chunk, at);
        this.#hash?.update(chunk);
        this.bytes += chunk.length;
        this.#unsynced += chunk.length;
      }
    } catch (error) {
      throw fileError(error, this.final);
    }
    if (this.#unsynced >= SYNC_AHEAD_BYTES && !this.#syncing) this.#syncAhead();
  }

  // The data written so far goes to disk on a thread-pool thread while the run goes on, so that
  // the sync at the commit (which every thread waits for) has only the last of it left to write.
  // Through a descriptor of its own, closed when its sync ends: a write-back error is reported to
  // every open descriptor of the file once (Linux's errseq), so this sync cannot take the error
  // away from the commit's fsync, which reports it; and no closed descriptor number, reused by
  // another file, is ever synced.
  #syncAhead(): void {
    this.#unsynced = 0;
    let fd: number;
    try {
      fd = openSync(this.temp, 'r');
    } catch {
      return;  // only a head start: the commit's fsync still syncs everything
    }
    this.#syncing = true;
    fdatasync(fd, () => {
      this.#syncing = false;
      try {
        closeSync(fd);
      } catch {
        // closed already: nothing to give back
      }
    });
  }

  digest(): FileDigest {
    return { bytes: this.bytes, sha256: (this.#hash as Hash).digest('hex') };
  }

  close(sync: boolean): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (sync) fsyncSync(fd);
    } catch (error) {
      throw fileError(error, this.final);
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
      // never created, already gone, or renamed into place
    }
  }
}

// Makes the renames durable in order; some systems cannot open or sync a directory.
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What the corpus pipeline writes to: ids in order, a call per document end, then commit or abort. */
export interface OutputWriter {
  readonly tokens: number;
  readonly documents: number;
  /** Tokens written since the last endDocument(). */
  readonly documentTokens: number;
  writeIds(ids: Uint32Array): void;
  endDocument(): void;
  /** Whole documents, their ids one after another with each one's count, after an endDocument(). */
  writeDocuments(ids: Uint32Array, lengths: Uint32Array): void;
  commit(header: object): void;
  abort(): void;
}

/**
 * Writes the header (with `integrity`: the size and SHA-256 of .bin and .idx), syncs the three
 * temporaries, and renames .bin, .idx, then .json into place.
 */
export function commitTemporaries(files: { bin: TempFile; idx: TempFile; json: TempFile }, header: object, fs: OutputFs = realFs): void {
  const { bin, idx, json } = files;
  const integrity = { data: bin.digest(), index: idx.digest() };
  json.write([Buffer.from(JSON.stringify({ ...header, integrity }, null, 2) + '\n')]);
  for (const file of [bin, idx, json]) file.close(true);
  const order = [bin, idx, json];
  for (let i = 0; i < order.length; i++) {
    try {
      fs.rename(order[i].temp, order[i].final);
    } catch (error) {
      const reason = fileError(error, order[i].final).message;
      if (i === 0) throw new CliError(`cannot replace ${reason}; no output was changed`);
      const done = order.slice(0, i).map((file) => path.basename(file.final)).join(' and ');
      throw new CliError(
        `cannot replace ${reason}; ${done} ${i > 1 ? 'were' : 'was'} already replaced and ${path.basename(json.final)}, if there is one, ` +
          `describes the previous run: readers that check it (turbotoken decode) refuse these outputs until a run succeeds`,
      );
    }
  }
  syncDirectory(path.dirname(json.final));
}

/** The three temporaries of `out`'s files; none is left when one cannot be made. */
export function createTemporaries(out: string): { bin: TempFile; idx: TempFile; json: TempFile } {
  const paths = outputPaths(out);
  const made: TempFile[] = [];
  try {
    for (const path of [paths.bin, paths.idx]) made.push(new TempFile(path, true));
    made.push(new TempFile(paths.json, false));
  } catch (error) {
    for (const file of made) file.remove();
    throw error;
  }
  const [bin, idx, json] = made;
  return { bin, idx, json };
}

/**
 * What both layouts' writers share: the three temporaries, the ids of the .bin file (flat
 * little-endian, 2 bytes each when `narrow`, else 4) copied into one buffer of FLUSH_BYTES that is
 * written whenever it fills (documents of a few tokens would otherwise cost a system call each),
 * and the document count. No view of the ids given is kept: the caller may reuse their memory.
 */
export abstract class IdsWriter implements OutputWriter {
  protected readonly files: { bin: TempFile; idx: TempFile; json: TempFile };
  readonly #narrow: boolean;
  // One buffer for the whole run: a new one per write would be fresh pages each time.
  readonly #pending = Buffer.allocUnsafeSlow(FLUSH_BYTES);
  readonly #pendingIds: Uint16Array | Uint32Array;
  #pendingUsed = 0; // ids in #pending
  #tokens = 0;
  #documents = 0;
  #documentStart = 0;

  constructor(out: string, narrow: boolean) {
    this.files = createTemporaries(out);
    this.#narrow = narrow;
    const Ids = narrow ? Uint16Array : Uint32Array;
    this.#pendingIds = new Ids(this.#pending.buffer, this.#pending.byteOffset, FLUSH_BYTES / Ids.BYTES_PER_ELEMENT);
  }

  get tokens(): number {
    return this.#tokens;
  }

  get documents(): number {
    return this.#documents;
  }

  get documentTokens(): number {
    return this.#tokens - this.#documentStart;
  }

  writeIds(ids: Uint32Array): void {
    this.#push(ids);
    this.#tokens += ids.length;
  }

  writeDocuments(ids: Uint32Array, lengths: Uint32Array): void {
    this.#push(ids);
    for (const length of lengths) {
      this.#tokens += length;
      this.endDocument();
    }
  }

  // Narrowing to uint16 is the typed-array conversion (ids are below 65,536 for that dtype).
  #push(ids: Uint32Array): void {
    for (let at = 0; at < ids.length; ) {
      const n = Math.min(ids.length - at, this.#pendingIds.length - this.#pendingUsed);
      this.#pendingIds.set(n === ids.length ? ids : ids.subarray(at, at + n), this.#pendingUsed);
      this.#pendingUsed += n;
      at += n;
      if (this.#pendingUsed === this.#pendingIds.length) this.flushIds();
    }
  }

  endDocument(): void {
    this.documentEnded(this.documentTokens);
    this.#documents++;
    this.#documentStart = this.#tokens;
  }

  abstract commit(header: object): void;

  /** Removes whatever was written. Safe to call more than once. */
  abort(): void {
    for (const file of Object.values(this.files)) file.remove();
  }

  /** The layout's index entry for a document of `length` tokens (this.documents not yet counting it). */
  protected abstract documentEnded(length: number): void;

  protected flushIds(): void {
    if (this.#pendingUsed === 0) return;
    const bytes = this.#pending.subarray(0, this.#pendingUsed * this.#pendingIds.BYTES_PER_ELEMENT);
    if (BIG_ENDIAN) this.#narrow ? bytes.swap16() : bytes.swap32();
    this.files.bin.write([bytes]);
    this.#pendingUsed = 0;
  }
}

export class CorpusWriter extends IdsWriter {
  readonly #fs: OutputFs;
  #index = new BigUint64Array(INDEX_ENTRIES);
  #indexUsed = 0;

  constructor(out: string, dtype: Dtype, fs: OutputFs = realFs) {
    super(out, dtype === 'uint16');
    this.#fs = fs;
    this.#offset(0);
  }

  protected documentEnded(): void {
    this.#offset(this.tokens);
  }

  /**
   * Flushes, writes the header with the files' sizes and checksums (`integrity`), syncs, and
   * renames .bin, .idx, then .json into place.
   */
  commit(header: object): void {
    this.flushIds();
    this.#flushIndex();
    commitTemporaries(this.files, header, this.#fs);
  }

  #offset(value: number): void {
    this.#index[this.#indexUsed++] = BigInt(value);
    if (this.#indexUsed === INDEX_ENTRIES) this.#flushIndex();
  }

  #flushIndex(): void {
    const entries = this.#index.subarray(0, this.#indexUsed);
    const bytes = new Uint8Array(entries.buffer, entries.byteOffset, entries.byteLength).slice();
    this.files.idx.write([BIG_ENDIAN ? Buffer.from(bytes.buffer).swap64() : bytes]);
    this.#indexUsed = 0;
  }
}
