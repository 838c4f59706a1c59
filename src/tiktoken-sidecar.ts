// A .tiktoken file holds ranks only; the pattern, special tokens and name of a trained vocabulary
// go beside it in FILE.tiktoken.json, so that it loads without retyping them (docs/training.md).
// A Scaffold-BPE vocabulary also needs the merge that made each scaffold token, to demerge it; its
// sidecar is version 2, which a reader of version 1 refuses rather than load it as plain BPE.
import { existsSync, readFileSync } from 'node:fs';
import type { EncodingOptions } from './custom-encoding';
import { Encoding } from './encoding';
import { TurbotokenError } from './errors';
import { ScaffoldEncoding } from './scaffold-encoding';

export const SIDECAR_FORMAT = 'turbotoken.tiktoken-sidecar';

/** What FILE.tiktoken.json holds: the `new Encoding` options besides `ranks`, and how the ranks were trained. */
export interface TiktokenSidecar {
  format: typeof SIDECAR_FORMAT;
  /** 1 for 'bpe', 2 for 'scaffold'. */
  version: 1 | 2;
  name: string;
  pattern: string;
  specialTokens: Record<string, number>;
  /** new Encoding's option; absent in files written before it was recorded: 'drop'. */
  unmatched?: 'drop' | 'keep';
  tieBreak: 'huggingface' | 'bytes';
  /** Absent in files written before it was recorded: 'bpe'. */
  algorithm?: 'bpe' | 'scaffold';
  /** With 'scaffold': per scaffold token, [id, left, right], the merge that made it, ascending by id. */
  scaffold?: [number, number, number][];
}

export const sidecarPath = (tiktokenPath: string): string => `${tiktokenPath}.json`;

function invalid(file: string, what: string): TurbotokenError {
  return new TurbotokenError(`${file}: ${what}`, 'ERR_INVALID_VOCABULARY');
}

/** The sidecar of a .tiktoken file, or undefined when there is none; ERR_INVALID_VOCABULARY when it is malformed. */
export function readSidecar(tiktokenPath: string): TiktokenSidecar | undefined {
  const file = sidecarPath(tiktokenPath);
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalid(file, `cannot be read as JSON: ${(error as Error).message}`);
  }
  const v = value as Partial<TiktokenSidecar> | null;
  if (v === null || typeof v !== 'object' || v.format !== SIDECAR_FORMAT) throw invalid(file, `is not a ${SIDECAR_FORMAT} file`);
  if (v.version !== 1 && v.version !== 2) throw invalid(file, `has version ${JSON.stringify(v.version)}; this turbotoken reads versions 1 and 2`);
  if (typeof v.name !== 'string' || v.name === '') throw invalid(file, '"name" must be a non-empty string');
  if (typeof v.pattern !== 'string' || v.pattern === '') throw invalid(file, '"pattern" must be a non-empty string');
  const specials = v.specialTokens;
  if (specials === null || typeof specials !== 'object' || Array.isArray(specials)) throw invalid(file, '"specialTokens" must be an object of ids');
  for (const [token, id] of Object.entries(specials)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw invalid(file, `"specialTokens": ${JSON.stringify(token)} has no integer id`);
  }
  if (v.unmatched !== undefined && v.unmatched !== 'drop' && v.unmatched !== 'keep') throw invalid(file, `"unmatched" must be 'drop' or 'keep'; received ${JSON.stringify(v.unmatched)}`);
  if (v.algorithm !== undefined && v.algorithm !== 'bpe' && v.algorithm !== 'scaffold') throw invalid(file, `"algorithm" must be 'bpe' or 'scaffold'; received ${JSON.stringify(v.algorithm)}`);
  if (v.algorithm === 'scaffold') {
    if (v.version !== 2) throw invalid(file, '"algorithm": \'scaffold\' needs version 2');
    const merges = v.scaffold;
    if (!Array.isArray(merges)) throw invalid(file, '"scaffold" must be an array of [id, left, right] merges');
    for (const m of merges as unknown[]) {
      if (!Array.isArray(m) || m.length !== 3 || !m.every((id) => Number.isInteger(id) && id >= 0)) {
        throw invalid(file, `"scaffold": ${JSON.stringify(m)} is not an [id, left, right] merge of token ids`);
      }
    }
  } else if (v.scaffold !== undefined) throw invalid(file, '"scaffold" is given without "algorithm": \'scaffold\'');
  return v as TiktokenSidecar;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, k) => x === b[k]);

/** A Scaffold-BPE encoding of the sidecar's merges, each checked to join its two tokens' bytes (a wrong one would change decoded text). */
function scaffoldEncoding(file: string, options: EncodingOptions, merges: [number, number, number][], specials: Set<number>): Encoding {
  const flat = Uint32Array.from(merges.flatMap(([id, left, right]) => [left, right, id]));
  const ids = Uint32Array.from(merges.map((m) => m[0]));
  const enc = new ScaffoldEncoding(options, flat, ids);
  for (const [id, left, right] of merges) {
    if ([id, left, right].some((t) => t >= enc.nVocab || specials.has(t))) throw invalid(file, `"scaffold": [${id}, ${left}, ${right}] names an id that is not a token of the ranks`);
    const l = enc.decodeBytes([left]), r = enc.decodeBytes([right]);
    const joined = new Uint8Array(l.length + r.length);
    joined.set(l);
    joined.set(r, l.length);
    if (!sameBytes(enc.decodeBytes([id]), joined)) throw invalid(file, `"scaffold": token ${id} is not the bytes of ${left} followed by ${right}`);
  }
  return enc;
}

/** A .tiktoken file with its sidecar as an Encoding, or undefined when it has no sidecar. */
export function loadTiktokenWithSidecar(tiktokenPath: string): Encoding | undefined {
  const sidecar = readSidecar(tiktokenPath);
  if (!sidecar) return undefined;
  const options = { name: sidecar.name, pattern: sidecar.pattern, ranks: tiktokenPath, specialTokens: sidecar.specialTokens, unmatched: sidecar.unmatched };
  if (sidecar.algorithm === 'scaffold') return scaffoldEncoding(sidecarPath(tiktokenPath), options, sidecar.scaffold!, new Set(Object.values(sidecar.specialTokens)));
  return new Encoding(options);
}
