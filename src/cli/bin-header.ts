// What `decode` learns from the files beside a token file NAME.bin: a turbotoken corpus header
// (NAME.json) or a Megatron-LM indexed-dataset index (NAME.idx starting "MMIDIDX\0\0", as
// megatron/core/datasets/indexed_dataset.py writes it). Either names the width of the ids, so a
// --dtype that contradicts it is refused rather than decoding the bytes as garbage.
import { open } from 'node:fs/promises';
import { errorReason } from './common';
import { corpusHeaderOf } from './corpus-manifest';
import { CliError } from './options';

export type BinDtype = 'uint16' | 'uint32';

export type BinHeader = { kind: 'turbotoken'; dtype: BinDtype; source: string; corpus: NonNullable<Awaited<ReturnType<typeof corpusHeaderOf>>> } | { kind: 'megatron'; dtype: BinDtype; source: string; binBytes: number };

const MEGATRON_MAGIC = Buffer.from('MMIDIDX\0\0', 'latin1');
// Megatron's DType codes; int32 ids (code 4) are non-negative, so their bytes read as uint32.
const MEGATRON_DTYPES: Record<number, string> = { 1: 'uint8', 2: 'int8', 3: 'int16', 4: 'int32', 5: 'int64', 6: 'float64', 7: 'float32', 8: 'uint16' };
const MEGATRON_READABLE: Record<number, BinDtype> = { 4: 'uint32', 8: 'uint16' };
// magic (9), version u64, dtype u8, sequence count u64, document count u64
const MEGATRON_FIXED = 9 + 8 + 1 + 8 + 8;

/** The header beside `bin`, or undefined when there is none (or `bin` is not NAME.bin). */
export async function binHeaderOf(bin: string): Promise<BinHeader | undefined> {
  if (!/\.bin$/i.test(bin)) return undefined;
  const corpus = await corpusHeaderOf(bin);
  if (corpus) {
    const dtype = corpus.header.dtype;
    if (dtype !== 'uint16' && dtype !== 'uint32') throw new CliError(`${corpus.json}: dtype ${JSON.stringify(dtype)} is not uint16 or uint32`);
    return { kind: 'turbotoken', dtype, source: corpus.json, corpus };
  }
  return megatronHeaderOf(bin);
}

async function megatronHeaderOf(bin: string): Promise<BinHeader | undefined> {
  const idx = bin.replace(/\.bin$/i, '.idx');
  let handle;
  try {
    handle = await open(idx, 'r');
  } catch {
    return undefined;
  }
  try {
    const fixed = Buffer.alloc(MEGATRON_FIXED);
    const { bytesRead } = await handle.read(fixed, 0, MEGATRON_FIXED, 0);
    if (bytesRead < MEGATRON_MAGIC.length || !fixed.subarray(0, MEGATRON_MAGIC.length).equals(MEGATRON_MAGIC)) return undefined; // a turbotoken .idx, or another file
    if (bytesRead < MEGATRON_FIXED) throw new CliError(`${idx}: a Megatron index cut short (${bytesRead} bytes)`);
    const version = fixed.readBigUInt64LE(9);
    if (version !== 1n) throw new CliError(`${idx}: Megatron index version ${version}; decode reads version 1`);
    const code = fixed[17];
    const dtype = MEGATRON_READABLE[code];
    if (!dtype) throw new CliError(`${idx}: Megatron dtype code ${code} (${MEGATRON_DTYPES[code] ?? 'unknown'}); decode reads uint16 (8) and int32 (4) ids`);
    const sequences = fixed.readBigUInt64LE(18);
    const size = (await handle.stat()).size;
    // lengths int32[S], pointers int64[S]: the last sequence ends where the .bin must end.
    let binBytes = 0;
    if (sequences > 0n) {
      const s = Number(sequences);
      const lengthAt = MEGATRON_FIXED + 4 * (s - 1);
      const pointerAt = MEGATRON_FIXED + 4 * s + 8 * (s - 1);
      if (!Number.isSafeInteger(pointerAt) || pointerAt + 8 > size) throw new CliError(`${idx}: ${sequences} sequences, but the file is ${size} bytes`);
      const last = Buffer.alloc(8);
      await handle.read(last, 0, 4, lengthAt);
      const length = last.readInt32LE(0);
      await handle.read(last, 0, 8, pointerAt);
      binBytes = Number(last.readBigInt64LE(0)) + length * (dtype === 'uint16' ? 2 : 4);
    }
    return { kind: 'megatron', dtype, source: idx, binBytes };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${idx}: ${errorReason(error)}`);
  } finally {
    await handle.close();
  }
}

/** The dtype to decode `bin` with: the header's, refusing a --dtype that contradicts it. */
export function checkDtype(bin: string, header: BinHeader, asked: string | undefined): BinDtype {
  if (asked !== undefined && asked !== header.dtype) {
    const what = header.kind === 'turbotoken' ? 'its corpus header' : 'its Megatron index';
    throw new CliError(`${bin}: --dtype ${asked} contradicts ${header.source} (${what} says ${header.dtype}); drop --dtype or pass --dtype ${header.dtype}`);
  }
  return header.dtype;
}
