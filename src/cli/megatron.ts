// Megatron-LM's indexed dataset (megatron/core/datasets/indexed_dataset.py, as written by
// tools/preprocess_data.py without --split-sentences): PREFIX.bin holds the ids, flat
// little-endian uint16 (dtype code 8) when the vocabulary (largest id + 1) is below 65,500, else
// int32 (code 4); PREFIX.idx is
//   "MMIDIDX\0\0", u64 version 1, u8 dtype code, u64 sequence count S, u64 document count D + 1,
//   int32 lengths[S], int64 byte pointers[S] into .bin, int64 document indices[D + 1]
// (all little-endian). Each document with tokens is one sequence; a document without any adds no
// sequence, so its index repeats the previous one, as preprocess_data.py writes it. The header
// (PREFIX.json) and the temporaries-then-rename commit are the same as the turbotoken layout's
// (corpus-output.ts); Megatron reads only .bin and .idx.
import { CliError } from './options';
import { commitTemporaries, IdsWriter, type TempFile } from './corpus-output';

export const MEGATRON_MAGIC = Buffer.from('MMIDIDX\0\0', 'latin1');
export const MEGATRON_HEADER_BYTES = 34;
export type MegatronDtype = 'uint16' | 'int32';

const CODES: Record<MegatronDtype, number> = { uint16: 8, int32: 4 };
const INT32_MAX = 0x7fffffff;
const CHUNK = 1 << 16;
const FLUSH_BYTES = 4 << 20;

/** Megatron's DType.optimal_dtype: uint16 below 65,500 ids, else int32; ids that int32 cannot hold are refused. */
export function megatronDtype(nVocab: number, encodingName: string): MegatronDtype {
  if (nVocab - 1 > INT32_MAX) throw new CliError(`${encodingName} has ids up to ${nVocab - 1}, past int32, the widest id type of --format megatron; use --format turbotoken`);
  return nVocab < 65500 ? 'uint16' : 'int32';
}

export const megatronWidth = (dtype: MegatronDtype) => (dtype === 'uint16' ? 2 : 4);

/** The fixed part of an .idx. */
export function megatronHeader(dtype: MegatronDtype, sequences: number, documents: number): Buffer {
  const header = Buffer.alloc(MEGATRON_HEADER_BYTES);
  MEGATRON_MAGIC.copy(header, 0);
  header.writeBigUInt64LE(1n, 9);
  header.writeUInt8(CODES[dtype], 17);
  header.writeBigUInt64LE(BigInt(sequences), 18);
  header.writeBigUInt64LE(BigInt(documents + 1), 26);
  return header;
}

export interface MegatronIndex {
  dtype: MegatronDtype;
  /** Tokens per sequence. */
  lengths: Int32Array;
  /** Sequence index where each document starts, and the total: documents + 1 entries. */
  documentIndices: Float64Array;
}

/** Parses an .idx this module wrote; throws a CliError naming `file` for anything else. */
export function parseMegatronIndex(bytes: Buffer, file: string): MegatronIndex {
  const bad = (why: string) => new CliError(`${file}: not a Megatron index (${why})`);
  if (bytes.length < MEGATRON_HEADER_BYTES || !bytes.subarray(0, 9).equals(MEGATRON_MAGIC)) throw bad('no MMIDIDX header');
  if (bytes.readBigUInt64LE(9) !== 1n) throw bad('version is not 1');
  const code = bytes.readUInt8(17);
  const dtype = (Object.keys(CODES) as MegatronDtype[]).find((name) => CODES[name] === code);
  if (!dtype) throw bad(`dtype code ${code}`);
  const sequences = bytes.readBigUInt64LE(18);
  const entries = bytes.readBigUInt64LE(26);
  if (entries < 1n || BigInt(bytes.length) !== BigInt(MEGATRON_HEADER_BYTES) + sequences * 12n + entries * 8n) throw bad('its size does not match its counts');
  const s = Number(sequences);
  const d = Number(entries);
  const lengths = new Int32Array(s);
  let at = MEGATRON_HEADER_BYTES;
  for (let i = 0; i < s; i++, at += 4) lengths[i] = bytes.readInt32LE(at);
  at += 8 * s; // the pointers follow from the lengths and are rebuilt when written
  const documentIndices = new Float64Array(d);
  for (let i = 0; i < d; i++, at += 8) documentIndices[i] = Number(bytes.readBigInt64LE(at));
  return { dtype, lengths, documentIndices };
}

/** Writes an .idx body in pieces: lengths, pointers, then document indices. */
export class MegatronIndexWriter {
  #buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  #used = 0;

  constructor(readonly file: TempFile) {}

  bytes(data: Buffer): void {
    this.#flush();
    this.file.write([data]);
  }

  int32(value: number): void {
    if (this.#used + 4 > this.#buffer.length) this.#flush();
    this.#buffer.writeInt32LE(value, this.#used);
    this.#used += 4;
  }

  // Values are below 2^53 (token and byte counts of files): written as two 32-bit halves.
  int64(value: number): void {
    if (this.#used + 8 > this.#buffer.length) this.#flush();
    this.#buffer.writeUInt32LE(value % 0x100000000, this.#used);
    this.#buffer.writeUInt32LE(Math.floor(value / 0x100000000), this.#used + 4);
    this.#used += 8;
  }

  finish(): void {
    this.#flush();
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.file.write([Buffer.from(this.#buffer.subarray(0, this.#used))]);
    this.#used = 0;
  }
}

/** The turbotoken corpus pipeline's writer for --format megatron. */
export class MegatronWriter extends IdsWriter {
  readonly #dtype: MegatronDtype;
  // Tokens of each document, in chunks: the index needs the counts before the arrays.
  readonly #chunks: Uint32Array[] = [];
  #sequences = 0;

  constructor(out: string, dtype: MegatronDtype) {
    // int32 ids are written as uint32: they are below 2^31 (megatronDtype).
    super(out, dtype === 'uint16');
    this.#dtype = dtype;
  }

  get sequences(): number {
    return this.#sequences;
  }

  protected documentEnded(length: number): void {
    if (length > INT32_MAX) throw new CliError(`a document of ${length} tokens: Megatron's index holds at most ${INT32_MAX} per document (int32); use --format turbotoken`);
    const slot = this.documents % CHUNK;
    if (slot === 0) this.#chunks.push(new Uint32Array(CHUNK));
    this.#chunks[this.#chunks.length - 1][slot] = length;
    if (length > 0) this.#sequences++;
  }

  commit(header: object): void {
    this.flushIds();
    const index = new MegatronIndexWriter(this.files.idx);
    index.bytes(megatronHeader(this.#dtype, this.#sequences, this.documents));
    const each = (visit: (length: number) => void) => {
      for (let i = 0; i < this.documents; i++) visit(this.#chunks[Math.floor(i / CHUNK)][i % CHUNK]);
    };
    each((length) => length > 0 && index.int32(length));
    const width = megatronWidth(this.#dtype);
    let pointer = 0;
    each((length) => {
      if (length === 0) return;
      index.int64(pointer);
      pointer += length * width;
    });
    let sequence = 0;
    index.int64(0);
    each((length) => index.int64(length > 0 ? ++sequence : sequence));
    index.finish();
    commitTemporaries(this.files, header);
  }
}
