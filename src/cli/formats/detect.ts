// What an input is, by content first and by name second: the first bytes say whether it is
// gzip, zstd or Parquet, or a zip archive, an image, an executable or other binary data (refused:
// tokenized as text it would be garbage that only a warning about invalid UTF-8 betrays). A name
// that says plain text (.txt, .jsonl, .csv, ... without .gz or .zst) on compressed bytes is
// refused too: the file is not what its name says (a rename gone wrong, a download saved under
// the wrong name), and guessing would hide it. Names that say nothing (no extension, .part-00001,
// stdin) are read by content. The name then says how to read the text inside:
// NAME.jsonl[.gz|.zst] as JSON lines, .csv/.tsv as a table with a header row, else plain text.
import { CliError } from '../options';
import { firstInvalidUtf8 } from '../utf8';

export type Compression = 'gzip' | 'zstd';
export type Format = 'text' | 'jsonl' | 'csv' | 'tsv' | 'parquet';

export interface InputKind {
  compression?: Compression;
  format: Format;
}

/** Bytes to read from the start of an input to recognise it. */
export const SNIFF_BYTES = 8192;

const COMPRESSION_SUFFIX = /\.(gz|gzip|zst|zstd)$/i;

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0) => head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

// Formats that are never text. Each names what the file looks like in the refusal.
const BINARY_MAGIC: [number[], string, number?][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive'],
  [[0x50, 0x4b, 0x05, 0x06], 'a zip archive (empty)'],
  [[0x50, 0x4b, 0x07, 0x08], 'a zip archive (spanned)'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed data (decompress it, or recompress as .gz or .zst)'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed data (decompress it, or recompress as .gz or .zst)'], // checked further below
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
  [[0x04, 0x22, 0x4d, 0x18], 'LZ4-compressed data (decompress it, or recompress as .gz or .zst)'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [ascii('GIF8'), 'a GIF image'],
  [ascii('%PDF-'), 'a PDF document'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF executable'],
  [ascii('SQLite format 3\0'), 'an SQLite database'],
  [ascii('ustar'), 'a tar archive', 257],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a NumPy array (.npy)'],
];

/** The compression or container the first bytes announce, or why they are not text. */
export function sniff(head: Uint8Array): { compression?: Compression; parquet?: boolean; binary?: string } {
  if (startsWith(head, [0x1f, 0x8b])) return { compression: 'gzip' };
  // A zstd frame, or a skippable frame (magic 0x184D2A50-5F) that may precede one.
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd]) || (head.length >= 4 && (head[0] & 0xf0) === 0x50 && startsWith(head, [0x2a, 0x4d, 0x18], 1))) return { compression: 'zstd' };
  if (startsWith(head, ascii('PAR1'))) return { parquet: true };
  for (const [magic, what, at] of BINARY_MAGIC) {
    if (!startsWith(head, magic, at ?? 0)) continue;
    if (magic[0] === 0x42 && !(head[3] >= 0x31 && head[3] <= 0x39 && startsWith(head, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4))) continue; // "BZh" that starts a text
    return { binary: what };
  }
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return { binary: 'UTF-16 text (convert it to UTF-8)' };
  // Text may hold a stray NUL; binary data holds NULs and is not UTF-8 (random bytes almost never
  // are), or is mostly NULs (UTF-16 without a byte-order mark, tables of small integers).
  const nul = head.indexOf(0);
  if (nul >= 0) {
    let nuls = 0;
    for (const b of head) if (b === 0) nuls++;
    if (nuls * 8 > head.length || firstInvalidUtf8(head, true) >= 0) return { binary: `binary data (a NUL byte at byte ${nul})` };
  }
  return {};
}

/** stdin, or a name for an open descriptor (/dev/stdin, /dev/fd/N as <(...) gives, /proc/self/fd/N): no format in the name. */
export function isDescriptorPath(path: string): boolean {
  return path === '-' || /^\/dev\/(stdin|fd\/\d+)$|^\/proc\/(self|thread-self|\d+)\/fd\/\d+$/.test(path);
}

/** The format a name asks for, once any compression suffix is removed. */
export function formatByName(path: string): Format {
  const name = path.replace(COMPRESSION_SUFFIX, '');
  if (/\.(jsonl|ndjson)$/i.test(name)) return 'jsonl';
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.(tsv|tab)$/i.test(name)) return 'tsv';
  if (/\.(parquet|pq)$/i.test(name)) return 'parquet';
  return 'text';
}

// Extensions that promise uncompressed text.
const PLAIN_SUFFIX = /\.(txt|text|md|jsonl|ndjson|json|csv|tsv|tab)$/i;

/** Refuses compressed bytes under a name that promises plain text. */
export function checkNameAgrees(path: string, compression: Compression | undefined): void {
  if (!compression || isDescriptorPath(path) || COMPRESSION_SUFFIX.test(path) || !PLAIN_SUFFIX.test(path)) return;
  const suffix = compression === 'gzip' ? '.gz' : '.zst';
  throw new CliError(`${path}: named as uncompressed text but holds ${compression}-compressed data; rename it to ${path.replace(/^.*\//, '')}${suffix} or decompress it`);
}

export function refuseBinary(path: string, what: string): CliError {
  return new CliError(`${path}: looks like ${what}, not text; turbotoken reads text, JSONL, CSV/TSV and Parquet files, plain or compressed with gzip or zstd`);
}

/** The kind of a file from its first bytes and its name; refuses binary files. */
export function detectKind(path: string, head: Uint8Array): InputKind {
  const found = sniff(head);
  if (found.binary) throw refuseBinary(path, found.binary);
  if (found.parquet) return { format: 'parquet' };
  const format = isDescriptorPath(path) ? formatOfStream(path, head) : formatByName(path);
  if (format === 'parquet') {
    if (found.compression) throw new CliError(`${path}: a ${found.compression}-compressed Parquet file; Parquet compresses its own pages: decompress the file first`);
    throw new CliError(`${path}: named Parquet but does not start with PAR1: not a Parquet file (or a truncated one)`);
  }
  checkNameAgrees(path, found.compression);
  return { compression: found.compression, format };
}

/** The kind of the data inside a compressed file (its first decompressed bytes), or a refusal. */
export function checkInner(path: string, compression: Compression, head: Uint8Array): void {
  const found = sniff(head);
  if (found.binary) throw refuseBinary(path, `${compression}-compressed ${found.binary}`);
  if (found.compression) throw new CliError(`${path}: ${compression}-compressed ${found.compression} data (compressed twice); decompress it once first`);
  if (found.parquet) throw new CliError(`${path}: a ${compression}-compressed Parquet file; Parquet compresses its own pages: decompress the file first`);
}

/** The format of a stream (stdin, a pipe): by its name when it has an extension, else JSON lines when it starts with '{', else text. */
export function formatOfStream(path: string, head: Uint8Array): Format {
  const name = path.replace(COMPRESSION_SUFFIX, '');
  if (!isDescriptorPath(path) && /\.[A-Za-z0-9]+$/.test(name)) {
    const named = formatByName(path);
    if (named === 'parquet') throw new CliError(`${path}: Parquet is read by row group and needs a regular file, not a pipe`);
    return named;
  }
  for (const b of head) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b ? 'jsonl' : 'text';
  }
  return 'text';
}
