// turbotoken corpus merge: the outputs of the shards of one run (`--shard i/n` or `--shard auto`,
// either --format) joined into the files the unsharded run writes, byte for byte: .bin
// concatenated, the index rebuilt with each shard's offsets moved past the shards before it, and
// the header's counts summed. Shards are matched by their headers: the same settings (encoding,
// options, layout) and the same input list (paths and sizes), every shard 0..n-1 once. Each
// shard's .bin and .idx are checked against the SHA-256 its header records while they are read.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileError } from './common';
import { corpusHeaderOf } from './corpus-manifest';
import { commitTemporaries, createTemporaries, type FileDigest, outputName, outputPaths, removeStaleTemporaries, type TempFile } from './corpus-output';
import { expandInputs } from './inputs';
import { megatronHeader, MegatronIndexWriter, megatronWidth, type MegatronDtype, parseMegatronIndex } from './megatron';
import { CliError, type OptionSpec, parseArgs, UsageError } from './options';
import { formatBytes } from './progress';
import { onTerminationSignal } from './signals';
import { stderr } from './io';

const MERGE_OPTIONS: Record<string, OptionSpec> = {
  out: { type: 'string', alias: 'o' },
  'output-prefix': { type: 'string' },
  quiet: { type: 'flag', alias: 'q' },
};

// Keys that differ between the shards of one run; every other key of their headers must agree.
const PER_SHARD = new Set(['shard', 'data', 'index', 'documents', 'sequences', 'tokens', 'bytes', 'textBytes', 'files', 'integrity']);
const COPY_BYTES = 4 << 20;

interface Header extends Record<string, unknown> {
  shard: { index: number; count: number };
  documents: number;
  tokens: number;
  sequences?: number;
  bytes: number;
  textBytes: number;
  files: { path: string; bytes: number; documents: number; tokens: number }[];
  integrity: { data: FileDigest; index: FileDigest };
}

interface Shard {
  bin: string;
  idx: string;
  header: Header;
}

const isCount = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

// The shards' base names, from their .bin, .idx or .json files (as listed, or found by a glob or
// in a directory), in order, each once.
function shardBases(positionals: string[], out: string): string[] {
  const own = new Set(Object.values(outputPaths(out)).map((file) => path.resolve(file)));
  // A directory or glob may hold an earlier merge's output; named on its own, it is a mistake.
  for (const arg of positionals) if (own.has(path.resolve(arg))) throw new UsageError(`${arg} is a shard's file and also an output of the merge; choose another --out`);
  const bases: string[] = [];
  for (const file of expandInputs(positionals)) {
    if (own.has(path.resolve(file))) continue;
    const match = /^(.*)\.(bin|idx|json)$/i.exec(file);
    if (!match) throw new UsageError(`${file}: not a shard's output (.bin, .idx or .json)`);
    if (!bases.includes(match[1])) bases.push(match[1]);
  }
  if (bases.length === 0) throw new UsageError('turbotoken corpus merge needs the shards\' outputs (their .bin files)');
  return bases;
}

async function readShard(base: string): Promise<Shard> {
  const bin = `${base}.bin`;
  const corpus = await corpusHeaderOf(bin);
  if (!corpus) throw new CliError(`${bin}: no turbotoken corpus header (${path.basename(base)}.json) describes it; merge joins the outputs of turbotoken corpus --shard`);
  const header = corpus.header as Header;
  const shard = header.shard;
  const valid =
    shard && isCount(shard.index) && isCount(shard.count) && shard.index < shard.count &&
    isCount(header.documents) && isCount(header.tokens) && isCount(header.bytes) && isCount(header.textBytes) && Array.isArray(header.files) &&
    header.integrity?.data && header.integrity?.index && (header.dtype === 'uint16' || header.dtype === 'uint32' || header.dtype === 'int32');
  if (!valid) throw new CliError(`${corpus.json}: not a complete shard header (written by an older turbotoken, or edited); run that shard again`);
  const width = header.dtype === 'uint16' ? 2 : 4;
  if (header.integrity.data.bytes !== header.tokens * width) throw new CliError(`${corpus.json}: ${header.tokens} tokens of ${header.dtype} are not the ${header.integrity.data.bytes} bytes of its .bin; run that shard again`);
  if (header.inputs === undefined) throw new CliError(`${corpus.json}: records no input list, so it cannot be matched with other shards; run that shard again with this turbotoken`);
  const idx = path.join(path.dirname(bin), typeof header.index === 'string' ? path.basename(header.index) : `${path.basename(base)}.idx`);
  return { bin, idx, header };
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

// Every shard is of the same run, and the run's shards are all here, once each.
function checkTogether(shards: Shard[]): Shard[] {
  const first = shards[0];
  const count = first.header.shard.count;
  for (const other of shards.slice(1)) {
    const keys = new Set([...Object.keys(first.header), ...Object.keys(other.header)]);
    for (const key of keys) {
      if (PER_SHARD.has(key)) continue;
      if (JSON.stringify(first.header[key]) !== JSON.stringify(other.header[key])) {
        const what = key === 'inputs' ? 'input list (paths and sizes)' : key;
        throw new CliError(
          `${other.bin} and ${first.bin} are not shards of one run: they differ in ${what} (${describe(other.header[key])} and ${describe(first.header[key])})`,
        );
      }
    }
    if (other.header.shard.count !== count) {
      throw new CliError(`${other.bin} and ${first.bin} are not shards of one run: one is shard ${other.header.shard.index} of ${other.header.shard.count}, the other of ${count}`);
    }
  }
  const byIndex = new Map<number, Shard>();
  for (const shard of shards) {
    const seen = byIndex.get(shard.header.shard.index);
    if (seen) throw new CliError(`shard ${shard.header.shard.index} of ${count} is given twice: ${seen.bin} and ${shard.bin}`);
    byIndex.set(shard.header.shard.index, shard);
  }
  const missing = [...Array(count).keys()].filter((k) => !byIndex.has(k));
  if (missing.length) {
    const list = missing.length > 10 ? `${missing.slice(0, 10).join(', ')}, ...` : missing.join(', ');
    throw new CliError(`${missing.length} of the ${count} shards ${missing.length === 1 ? 'is' : 'are'} missing (shard ${list}); merge needs all of them`);
  }
  return [...Array(count).keys()].map((k) => byIndex.get(k) as Shard);
}

function mismatch(file: string): CliError {
  return new CliError(`${file}: its size or SHA-256 is not the one its header records (a shard run failed while replacing it, or it was changed since); run that shard again`);
}

function readChecked(file: string, want: FileDigest): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw fileError(error, file);
  }
  if (bytes.length !== want.bytes || createHash('sha256').update(bytes).digest('hex') !== want.sha256) throw mismatch(file);
  return bytes;
}

function copyChecked(file: string, want: FileDigest, to: TempFile): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileError(error, file);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const buffer = Buffer.allocUnsafe(COPY_BYTES);
    for (;;) {
      const read = readSync(fd, buffer, 0, COPY_BYTES, bytes);
      if (read === 0) break;
      const chunk = buffer.subarray(0, read);
      hash.update(chunk);
      to.write([chunk]);
      bytes += read;
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw fileError(error, file);
  } finally {
    closeSync(fd);
  }
  if (bytes !== want.bytes || hash.digest('hex') !== want.sha256) throw mismatch(file);
}

function writeTurbotokenIndex(shards: Shard[], to: TempFile): void {
  let base = 0n;
  shards.forEach((shard, k) => {
    const bytes = readChecked(shard.idx, shard.header.integrity.index);
    const entries = bytes.length / 8;
    if (entries !== shard.header.documents + 1 || bytes.readBigUInt64LE(0) !== 0n || bytes.readBigUInt64LE(bytes.length - 8) !== BigInt(shard.header.tokens)) {
      throw new CliError(`${shard.idx}: its offsets do not run from 0 to the ${shard.header.tokens} tokens its header counts; run that shard again`);
    }
    const out = Buffer.allocUnsafe((k === 0 ? entries : entries - 1) * 8);
    let at = 0;
    for (let i = k === 0 ? 0 : 1; i < entries; i++, at += 8) out.writeBigUInt64LE(base + bytes.readBigUInt64LE(i * 8), at);
    to.write([out]);
    base += BigInt(shard.header.tokens);
  });
}

function writeMegatronIndex(shards: Shard[], dtype: MegatronDtype, to: TempFile): void {
  const indices = shards.map((shard) => {
    const index = parseMegatronIndex(readChecked(shard.idx, shard.header.integrity.index), shard.idx);
    const tokens = index.lengths.reduce((sum, length) => sum + length, 0);
    const d = index.documentIndices;
    if (index.dtype !== dtype || d.length !== shard.header.documents + 1 || d[0] !== 0 || d[d.length - 1] !== index.lengths.length || tokens !== shard.header.tokens) {
      throw new CliError(`${shard.idx}: its dtype, documents or lengths are not what its header records; run that shard again`);
    }
    return index;
  });
  const sequences = indices.reduce((sum, index) => sum + index.lengths.length, 0);
  const documents = indices.reduce((sum, index) => sum + index.documentIndices.length - 1, 0);
  const writer = new MegatronIndexWriter(to);
  writer.bytes(megatronHeader(dtype, sequences, documents));
  for (const index of indices) for (const length of index.lengths) writer.int32(length);
  const width = megatronWidth(dtype);
  let pointer = 0;
  for (const index of indices) {
    for (const length of index.lengths) {
      writer.int64(pointer);
      pointer += length * width;
    }
  }
  let base = 0;
  indices.forEach((index, k) => {
    for (let i = k === 0 ? 0 : 1; i < index.documentIndices.length; i++) writer.int64(base + index.documentIndices[i]);
    base += index.lengths.length;
  });
  writer.finish();
}

// The unsharded run's header: the first shard's, with the counts of all and its files' entries
// joined (a file cut between shards is listed by both).
function mergedHeader(shards: Shard[], out: string): Record<string, unknown> {
  const paths = outputPaths(out);
  const header: Record<string, unknown> = { ...shards[0].header };
  delete header.integrity;
  const sum = (key: 'documents' | 'tokens' | 'bytes' | 'textBytes' | 'sequences') => shards.reduce((total, shard) => total + (shard.header[key] as number), 0);
  const files: Header['files'] = [];
  for (const shard of shards) {
    for (const file of shard.header.files) {
      const last = files[files.length - 1];
      if (last && last.path === file.path) {
        last.documents += file.documents;
        last.tokens += file.tokens;
      } else files.push({ ...file });
    }
  }
  Object.assign(header, {
    data: path.basename(paths.bin),
    index: path.basename(paths.idx),
    shard: { index: 0, count: 1 },
    documents: sum('documents'),
    ...('sequences' in header ? { sequences: sum('sequences') } : {}),
    tokens: sum('tokens'),
    bytes: sum('bytes'),
    textBytes: sum('textBytes'),
    files,
  });
  return header;
}

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

export async function mergeCommand(argv: string[]): Promise<void> {
  const { options, positionals } = parseArgs(argv, MERGE_OPTIONS, 'corpus merge');
  if (positionals.length === 0) throw new UsageError('turbotoken corpus merge needs the shards\' outputs (their .bin files) and --out FILE.bin');
  // --output-prefix names files by the text field, which the shards' headers record.
  const provisional = outputName({ ...options, field: 'text' }, 'corpus merge');
  const bases = shardBases(positionals, provisional);
  const shards = checkTogether(await Promise.all(bases.map(readShard)));
  const first = shards[0].header;
  const out = outputName({ ...options, field: typeof first.field === 'string' ? first.field : 'text' }, 'corpus merge');
  if (/(^|[\\/])(\.bin)?$/i.test(out)) throw new UsageError(`--out must name a file, e.g. out/train.bin; received ${JSON.stringify(out)}`);
  const finals = Object.values(outputPaths(out));
  for (const shard of shards) {
    for (const file of [shard.bin, shard.idx, `${shard.bin.replace(/\.bin$/i, '')}.json`]) {
      if (finals.some((final) => sameFile(final, file))) throw new UsageError(`${file} is a shard's file and also an output of the merge; choose another --out`);
    }
  }
  removeStaleTemporaries(out);
  const files = createTemporaries(out);
  const abort = () => {
    for (const file of Object.values(files)) file.remove();
  };
  const uninstall = onTerminationSignal(abort);
  try {
    for (const shard of shards) copyChecked(shard.bin, shard.header.integrity.data, files.bin);
    if (first.layout === 'megatron') writeMegatronIndex(shards, first.dtype as MegatronDtype, files.idx);
    else writeTurbotokenIndex(shards, files.idx);
    commitTemporaries(files, mergedHeader(shards, out));
  } catch (error) {
    abort();
    throw error;
  } finally {
    uninstall();
  }
  if (!options.quiet) {
    const header = mergedHeader(shards, out);
    stderr().write(
      `turbotoken corpus merge: ${shards.length} shard(s), ${(header.documents as number).toLocaleString('en-US')} documents, ` +
        `${(header.tokens as number).toLocaleString('en-US')} tokens, ${formatBytes(files.bin.bytes)} -> ${outputPaths(out).bin}\n`,
    );
  }
}
