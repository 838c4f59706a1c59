// A caller's vocabulary: a .tiktoken file (lines "base64-bytes rank", or the npm tiktoken package's
// "! first-rank base64 base64 ..." lines) or a Map from bytes to rank,
// checked and packed into the core's .tkv blob (the format scripts/build-vocab.mjs writes).
import { readFileSync } from 'node:fs';
import { TurbotokenError, typeError } from './errors';

/** A .tiktoken file: its path, its contents (Uint8Array, or a string with a line break), or a Map. */
export type RanksInput = string | Uint8Array | ReadonlyMap<Uint8Array | string, number>;

/** One token: its bytes, its rank, and where it was defined (for error messages). */
export interface RankEntry {
  bytes: Uint8Array;
  rank: number;
  where: string;
}

/** The core keeps a token's length in one byte. */
export const MAX_TOKEN_BYTES = 255;
/** Ranks index arrays in the core; a bound keeps a stray huge rank from allocating gigabytes. */
export const MAX_RANK = (1 << 24) - 1;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RANK = /^(?:0|[1-9][0-9]*)$/;
const utf8 = new TextEncoder();

export function vocabularyError(message: string): TurbotokenError {
  return new TurbotokenError(message, 'ERR_INVALID_VOCABULARY');
}

/** The entries of a .tiktoken file's text; `source` names the file in errors. */
export function parseTiktokenText(text: string, source: string): RankEntry[] {
  const entries: RankEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') continue; // tiktoken skips empty lines, e.g. the final newline's
    const where = `${source}:${i + 1}`;
    const fields = line.split(' ');
    if (fields[0] === '!') {
      entries.push(...parseRunLine(fields, where));
      continue;
    }
    if (fields.length !== 2) throw vocabularyError(`${where}: expected "<base64 token> <rank>", got ${JSON.stringify(line.slice(0, 80))}`);
    const [token, rank] = fields;
    if (token === '' || !BASE64.test(token)) throw vocabularyError(`${where}: ${JSON.stringify(token.slice(0, 80))} is not valid base64`);
    if (!RANK.test(rank)) throw vocabularyError(`${where}: the rank ${JSON.stringify(rank.slice(0, 20))} is not a non-negative integer`);
    entries.push({ bytes: Buffer.from(token, 'base64'), rank: Number(rank), where });
  }
  return entries;
}

/** The npm tiktoken package's compact form: "! <first rank> <base64> <base64> ...", consecutive ranks. */
function parseRunLine(fields: string[], where: string): RankEntry[] {
  const first = fields[1] ?? '';
  if (!RANK.test(first)) throw vocabularyError(`${where}: the first rank ${JSON.stringify(first.slice(0, 20))} is not a non-negative integer`);
  return fields.slice(2).map((token, k) => {
    if (token === '' || !BASE64.test(token)) throw vocabularyError(`${where}: token ${k + 1} ${JSON.stringify(token.slice(0, 80))} is not valid base64`);
    return { bytes: Buffer.from(token, 'base64'), rank: Number(first) + k, where: `${where} (token ${k + 1})` };
  });
}

function entriesOfMap(map: ReadonlyMap<unknown, unknown>): RankEntry[] {
  const entries: RankEntry[] = [];
  let k = 0;
  for (const [key, rank] of map) {
    const where = `ranks entry ${k++}`;
    let bytes: Uint8Array;
    if (key instanceof Uint8Array) bytes = key;
    else if (typeof key === 'string') bytes = utf8.encode(key);
    else throw typeError(`${where}: a key must be a Uint8Array or a string; received ${typeof key}`);
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0) {
      throw vocabularyError(`${where}: the rank must be an integer >= 0; received ${String(rank)}`);
    }
    entries.push({ bytes, rank, where });
  }
  return entries;
}

/** The entries of any RanksInput; a string is text when it has a line break or starts with "! ", else a path. */
export function readRanks(input: RanksInput): RankEntry[] {
  if (input instanceof Map) return entriesOfMap(input);
  if (input instanceof Uint8Array) return parseTiktokenText(Buffer.from(input.buffer, input.byteOffset, input.length).toString('utf8'), '<buffer>');
  if (typeof input === 'string') {
    if (input.includes('\n') || input.startsWith('! ')) return parseTiktokenText(input, '<text>');
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch (cause) {
      const error = vocabularyError(`Cannot read the vocabulary file ${input}: ${(cause as Error).message}`);
      (error as Error & { cause?: unknown }).cause = cause;
      throw error;
    }
    return parseTiktokenText(text, input);
  }
  throw typeError('The "ranks" option must be a .tiktoken file (a path, a Uint8Array or its text) or a Map from bytes to rank');
}

const keyOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

/**
 * Checks the entries (no empty or over-long token, no bytes or rank twice, ranks in range) and
 * packs them as the core's .tkv blob: "TTV1", u32 slot count, one length byte per rank (0 = no
 * token at that rank), then the tokens' bytes in rank order. Ranks may have gaps.
 */
export function packVocabulary(entries: readonly RankEntry[]): { blob: Uint8Array; ranks: Map<number, string> } {
  if (entries.length === 0) throw vocabularyError('The vocabulary has no tokens');
  const byBytes = new Map<string, string>();
  const byRank = new Map<number, string>();
  let maxRank = 0;
  let total = 0;
  for (const e of entries) {
    if (e.bytes.length === 0) throw vocabularyError(`${e.where}: a token must have at least one byte`);
    if (e.bytes.length > MAX_TOKEN_BYTES) throw vocabularyError(`${e.where}: the token has ${e.bytes.length} bytes; at most ${MAX_TOKEN_BYTES} are supported`);
    if (e.rank > MAX_RANK) throw vocabularyError(`${e.where}: the rank ${e.rank} is above the largest supported rank, ${MAX_RANK}`);
    const key = keyOf(e.bytes);
    const sameBytes = byBytes.get(key);
    if (sameBytes !== undefined) throw vocabularyError(`${e.where}: the same token bytes as ${sameBytes} (0x${Buffer.from(e.bytes).toString('hex')})`);
    const sameRank = byRank.get(e.rank);
    if (sameRank !== undefined) throw vocabularyError(`${e.where}: the rank ${e.rank} is already the rank of ${sameRank}`);
    byBytes.set(key, e.where);
    byRank.set(e.rank, e.where);
    maxRank = Math.max(maxRank, e.rank);
    total += e.bytes.length;
  }
  const slots = maxRank + 1;
  const blob = new Uint8Array(8 + slots + total);
  blob.set([0x54, 0x54, 0x56, 0x31]); // "TTV1"
  new DataView(blob.buffer).setUint32(4, slots, true);
  const sorted = [...entries].sort((a, b) => a.rank - b.rank);
  let at = 8 + slots;
  for (const e of sorted) {
    blob[8 + e.rank] = e.bytes.length;
    blob.set(e.bytes, at);
    at += e.bytes.length;
  }
  return { blob, ranks: byRank };
}
