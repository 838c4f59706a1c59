// A .tiktoken file holds ranks only; the pattern, special tokens and name of a trained vocabulary
// go beside it in FILE.tiktoken.json, so that it loads without retyping them (docs/training.md).
import { existsSync, readFileSync } from 'node:fs';
import { Encoding } from './encoding';
import { TurbotokenError } from './errors';

export const SIDECAR_FORMAT = 'turbotoken.tiktoken-sidecar';

/** What FILE.tiktoken.json holds: the `new Encoding` options besides `ranks`, and how the ranks were trained. */
export interface TiktokenSidecar {
  format: typeof SIDECAR_FORMAT;
  version: 1;
  name: string;
  pattern: string;
  specialTokens: Record<string, number>;
  tieBreak: 'huggingface' | 'bytes';
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
  if (v.version !== 1) throw invalid(file, `has version ${JSON.stringify(v.version)}; this turbotoken reads version 1`);
  if (typeof v.name !== 'string' || v.name === '') throw invalid(file, '"name" must be a non-empty string');
  if (typeof v.pattern !== 'string' || v.pattern === '') throw invalid(file, '"pattern" must be a non-empty string');
  const specials = v.specialTokens;
  if (specials === null || typeof specials !== 'object' || Array.isArray(specials)) throw invalid(file, '"specialTokens" must be an object of ids');
  for (const [token, id] of Object.entries(specials)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw invalid(file, `"specialTokens": ${JSON.stringify(token)} has no integer id`);
  }
  return v as TiktokenSidecar;
}

/** A .tiktoken file with its sidecar as an Encoding, or undefined when it has no sidecar. */
export function loadTiktokenWithSidecar(tiktokenPath: string): Encoding | undefined {
  const sidecar = readSidecar(tiktokenPath);
  if (!sidecar) return undefined;
  return new Encoding({ name: sidecar.name, pattern: sidecar.pattern, ranks: tiktokenPath, specialTokens: sidecar.specialTokens });
}
