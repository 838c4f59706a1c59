// A caller's vocabulary: a .tiktoken file (lines "base64-bytes rank", or the npm tiktoken package's
// "! first-rank base64 base64 ..." lines) or a Map from bytes to rank,
// checked and packed into the core's vocabulary blob (TTV2 or TTV3, described in native/core/vocab/vocab.h).
import { readFileSync } from 'node:fs';
import { checkText, isMap, isUint8Array, mapPairs, quote, shorten } from './args';
import { TurbotokenError, typeError } from './errors';

/** A .tiktoken file: its path, its contents (Uint8Array, or a string with a line break), or a Map. */
export type RanksInput = string | Uint8Array | ReadonlyMap<Uint8Array | string, number>;

/** One token: its bytes, its rank, and where it was defined (for error messages). */
export interface RankEntry {
  bytes: Uint8Array;
  rank: number;
  /**
   * A description, the index of a Map entry, or [source, line, 1 for a token of a "!" line],
   * made into one only on error.
   * A "!" line holds a whole vocabulary, so its tokens are named by rank, not by position.
   */
  where: string | number | [string, number, number];
}

export function whereOf(e: RankEntry): string {
  if (typeof e.where === 'string') return e.where;
  if (typeof e.where === 'number') return `ranks entry ${e.where} (rank ${e.rank})`;
  const [source, line, packed] = e.where;
  return packed ? `${source}:${line} (the token of rank ${e.rank})` : `${source}:${line}`;
}

/** The core's limit on one token's length (Vocab::kMaxTokenLength): 64 KiB. */
export const MAX_TOKEN_BYTES = 1 << 16;
/** Tokens up to this long keep their length in one byte of the blob (TTV2); longer ones need TTV3. */
const SHORT_TOKEN_BYTES = 255;
/** The core's hash table keeps a rank in 24 bits. */
export const MAX_RANK = (1 << 24) - 1;

const RANK = /^(?:0|[1-9][0-9]*)$/;
const utf8 = new TextEncoder();

export function vocabularyError(message: string): TurbotokenError {
  return new TurbotokenError(message, 'ERR_INVALID_VOCABULARY');
}

// Base64 digit values by character code; -1 for anything else.
const DIGIT = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, v) => { DIGIT[c.charCodeAt(0)] = v; });

/**
 * Decodes strict base64 (padded, length a multiple of 4) into out at `at`: the byte count, or -1
 * when `token` is not such base64. One shared output buffer instead of a Buffer per token.
 */
function decodeBase64(token: string, out: Uint8Array, at: number): number {
  const n = token.length;
  if (n === 0 || n % 4 !== 0) return -1;
  const pad = token.endsWith('==') ? 2 : token.endsWith('=') ? 1 : 0;
  let w = at;
  for (let i = 0; i < n; i += 4) {
    const last = i + 4 === n;
    const a = DIGIT[token.charCodeAt(i)] ?? -1;
    const b = DIGIT[token.charCodeAt(i + 1)] ?? -1;
    const c = last && pad === 2 ? 0 : DIGIT[token.charCodeAt(i + 2)] ?? -1;
    const d = last && pad >= 1 ? 0 : DIGIT[token.charCodeAt(i + 3)] ?? -1;
    if ((a | b | c | d) < 0) return -1;
    out[w++] = (a << 2) | (b >> 4);
    if (!(last && pad === 2)) out[w++] = ((b & 15) << 4) | (c >> 2);
    if (!(last && pad >= 1)) out[w++] = ((c & 3) << 6) | d;
  }
  return w - at;
}

/** The entries of a .tiktoken file's text; `source` names the file in errors. */
export function parseTiktokenText(text: string, source: string): RankEntry[] {
  const entries: RankEntry[] = [];
  const out = new Uint8Array(Math.ceil(text.length * 0.75) + 3);
  let at = 0;
  const take = (token: string, where: RankEntry['where'], rank: number) => {
    const len = decodeBase64(token, out, at);
    if (len < 0) throw vocabularyError(`${whereOf({ where, rank } as RankEntry)}: ${JSON.stringify(token.slice(0, 80))} is not valid base64`);
    const bytes = out.subarray(at, at + len);
    at += len;
    return bytes;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') continue; // tiktoken skips empty lines, e.g. the final newline's
    const fields = line.split(' ');
    if (fields[0] === '!') {
      // The npm tiktoken package's compact form: "! <first rank> <base64> <base64> ...".
      const first = fields[1] ?? '';
      if (!RANK.test(first)) throw vocabularyError(`${source}:${i + 1}: the first rank ${JSON.stringify(first.slice(0, 20))} is not a non-negative integer`);
      for (let k = 2; k < fields.length; k++) {
        const where: RankEntry['where'] = [source, i + 1, 1];
        const r = Number(first) + k - 2;
        entries.push({ bytes: take(fields[k], where, r), rank: r, where });
      }
      continue;
    }
    const where: RankEntry['where'] = [source, i + 1, 0];
    if (fields.length !== 2) throw vocabularyError(`${source}:${i + 1}: expected "<base64 token> <rank>", got ${JSON.stringify(line.slice(0, 80))}`);
    const [token, rank] = fields;
    if (!RANK.test(rank)) throw vocabularyError(`${source}:${i + 1}: the rank ${JSON.stringify(rank.slice(0, 20))} is not a non-negative integer`);
    entries.push({ bytes: take(token, where, Number(rank)), rank: Number(rank), where });
  }
  return entries;
}

function entriesOfMap(map: Map<unknown, unknown>): RankEntry[] {
  const entries: RankEntry[] = [];
  let k = 0;
  for (const [key, rank] of mapPairs(map)) {
    const index = k++;
    let bytes: Uint8Array;
    if (isUint8Array(key)) bytes = checkText(key) as Uint8Array;
    else if (typeof key === 'string') bytes = utf8.encode(key);
    else throw typeError(`ranks entry ${index}: a key must be a Uint8Array or a string; received ${key === null ? 'null' : typeof key}`);
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0) {
      throw vocabularyError(`ranks entry ${index}: the rank must be an integer >= 0; received ${quote(rank)}`);
    }
    // The entry's index: its description is made only for an error.
    entries.push({ bytes, rank, where: index });
  }
  return entries;
}

/** The entries of any RanksInput; a string is text when it has a line break or starts with "! ", else a path. */
export function readRanks(input: RanksInput): RankEntry[] {
  if (isMap(input)) return entriesOfMap(input);
  if (isUint8Array(input)) {
    const bytes = checkText(input) as Uint8Array;
    return parseTiktokenText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), '<buffer>');
  }
  if (typeof input === 'string') {
    if (input.includes('\n') || input.startsWith('! ')) return parseTiktokenText(input, '<text>');
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch (cause) {
      const error = vocabularyError(`Cannot read the vocabulary file ${quote(input, 200)}: ${shorten(String((cause as Error).message))}`);
      (error as Error & { cause?: unknown }).cause = cause;
      throw error;
    }
    return parseTiktokenText(text, input);
  }
  throw typeError('The "ranks" option must be a .tiktoken file (a path, a Uint8Array or its text) or a Map from bytes to rank');
}

const keyOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');

/** The packed vocabulary, and where each rank was defined (for error messages). */
export interface PackedVocabulary {
  blob: Uint8Array;
  /** Where the token of `rank` was defined, or undefined when no token has that rank. */
  whereRank(rank: number): string | undefined;
}

/**
 * A TTV2/TTV3 blob for `n` tokens of `total` bytes in all, its magic and count written: `entry`
 * writes token k's rank and length; the tokens' bytes go from `at` on, in rank order.
 */
function ttvBlob(n: number, total: number, longest: number) {
  const wide = longest > SHORT_TOKEN_BYTES;
  const blob = new Uint8Array(8 + (wide ? 8 : 5) * n + total);
  const view = new DataView(blob.buffer);
  blob.set([0x54, 0x54, 0x56, wide ? 0x33 : 0x32]); // "TTV3" or "TTV2"
  view.setUint32(4, n, true);
  const entry = (k: number, rank: number, length: number) => {
    view.setUint32(8 + 4 * k, rank, true);
    if (wide) view.setUint32(8 + 4 * n + 4 * k, length, true);
    else blob[8 + 4 * n + k] = length;
  };
  return { blob, entry, at: 8 + (wide ? 8 : 5) * n };
}

/**
 * The core's vocabulary blob (as packVocabulary makes it) from tokens already held as bytes: token
 * `order[k]` has rank `rank[order[k]]` and the bytes store[start, start + length), with `order` in
 * ascending rank. The caller has checked what packVocabulary checks (lengths 1 to MAX_TOKEN_BYTES,
 * ranks up to MAX_RANK and each once).
 */
export function packTokenBytes(order: Int32Array, rank: Uint32Array, store: Uint8Array, start: Uint32Array, length: Uint32Array): Uint8Array {
  const n = order.length;
  let total = 0;
  let longest = 0;
  for (let k = 0; k < n; k++) {
    const len = length[order[k]];
    total += len;
    if (len > longest) longest = len;
  }
  const { blob, entry, at: first } = ttvBlob(n, total, longest);
  let at = first;
  for (let k = 0; k < n; k++) {
    const t = order[k];
    const len = length[t];
    entry(k, rank[t], len);
    // Most tokens are a few bytes: a loop costs less than a subarray each.
    const from = start[t];
    if (len < 32) for (let j = 0; j < len; j++) blob[at + j] = store[from + j];
    else blob.set(store.subarray(from, from + len), at);
    at += len;
  }
  return blob;
}

/**
 * Checks the entries (no empty or over-long token, no rank twice, ranks in range) and packs them
 * as the core's TTV2 blob (native/core/vocab/vocab.h): "TTV2", u32 token count, u32 ranks
 * ascending, one length byte per token, then the tokens' bytes in rank order; TTV3, the same with
 * four length bytes per token, when some token is longer than 255 bytes. Its size and the work here
 * follow the number of tokens, not the largest rank: ranks may have gaps of any size. The same
 * bytes twice is left to the core, which finds it while hashing; findDuplicateBytes then names
 * the lines.
 */
export function packVocabulary(entries: readonly RankEntry[]): PackedVocabulary {
  if (entries.length === 0) throw vocabularyError('The vocabulary has no tokens');
  let maxRank = 0;
  let total = 0;
  let longest = 0;
  for (const e of entries) {
    if (e.bytes.length === 0) throw vocabularyError(`${whereOf(e)}: a token must have at least one byte`);
    if (e.bytes.length > MAX_TOKEN_BYTES) throw vocabularyError(`${whereOf(e)}: the token has ${e.bytes.length} bytes; at most ${MAX_TOKEN_BYTES} are supported`);
    if (e.rank > MAX_RANK) throw vocabularyError(`${whereOf(e)}: the rank ${e.rank} is above the largest supported rank, ${MAX_RANK}`);
    maxRank = Math.max(maxRank, e.rank);
    total += e.bytes.length;
    if (e.bytes.length > longest) longest = e.bytes.length;
  }
  const order = rankOrder(entries, maxRank);
  const n = order.length;
  const ranks = new Uint32Array(n);
  for (let k = 0; k < n; k++) ranks[k] = entries[order[k]].rank;
  const { blob, entry, at: first } = ttvBlob(n, total, longest);
  let at = first;
  for (let k = 0; k < n; k++) {
    const bytes = entries[order[k]].bytes;
    entry(k, ranks[k], bytes.length);
    blob.set(bytes, at);
    at += bytes.length;
  }
  const whereRank = (rank: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranks[mid] < rank) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && ranks[lo] === rank ? whereOf(entries[order[lo]]) : undefined;
  };
  return { blob, whereRank };
}

/**
 * The indexes of the entries by ascending rank; throws for a rank given twice, naming the first
 * entry (in input order) whose rank an earlier one has, and that earlier one. Ranks that fill
 * their range are placed through a table by rank; far-apart ranks are sorted instead, so that a
 * rank of 2^24 - 1 costs no table of 2^24 entries.
 */
function rankOrder(entries: readonly RankEntry[], maxRank: number): Int32Array {
  const n = entries.length;
  const duplicate = (k: number, same: number) =>
    vocabularyError(`${whereOf(entries[k])}: the rank ${entries[k].rank} is already the rank of ${whereOf(entries[same])}`);
  if (maxRank < 2 * n + 4096) {
    const entryOfRank = new Int32Array(maxRank + 1).fill(-1);
    entries.forEach((e, k) => {
      const same = entryOfRank[e.rank];
      if (same >= 0) throw duplicate(k, same);
      entryOfRank[e.rank] = k;
    });
    const order = new Int32Array(n);
    let w = 0;
    for (const k of entryOfRank) if (k >= 0) order[w++] = k;
    return order;
  }
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => entries[a].rank - entries[b].rank || a - b);
  let first = -1;
  let firstSame = -1;
  for (let k = 1; k < n; k++) {
    const a = order[k - 1];
    const b = order[k];
    // In a run of one rank the entries are in input order; its second entry is its first repeat.
    if (entries[a].rank === entries[b].rank && (k < 2 || entries[order[k - 2]].rank !== entries[b].rank)) {
      if (first < 0 || b < first) {
        first = b;
        firstSame = a;
      }
    }
  }
  if (first >= 0) throw duplicate(first, firstSame);
  return order;
}

/** Throws an error naming both definitions of the first token defined twice, if there is one. */
export function findDuplicateBytes(entries: readonly RankEntry[]): void {
  const seen = new Map<string, RankEntry>();
  for (const e of entries) {
    const key = keyOf(e.bytes);
    const same = seen.get(key);
    if (same) throw vocabularyError(`${whereOf(e)}: the same token bytes as ${whereOf(same)} (0x${Buffer.from(e.bytes).toString('hex')})`);
    seen.set(key, e);
  }
}

/** The ranks of a packed TTV2/TTV3 blob and where its lengths start; undefined when it is no such blob. */
function blobLayout(blob: Uint8Array): { ranks: Uint32Array; lengths: number; wide: boolean } | undefined {
  if (blob.length < 8 || blob[0] !== 0x54 || blob[1] !== 0x54 || blob[2] !== 0x56 || (blob[3] !== 0x32 && blob[3] !== 0x33)) return undefined;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.length);
  const n = view.getUint32(4, true);
  const wide = blob[3] === 0x33;
  if (n > (blob.length - 8) / (wide ? 8 : 5)) return undefined;
  const ranks = new Uint32Array(n);
  for (let k = 0; k < n; k++) ranks[k] = view.getUint32(8 + 4 * k, true);
  return { ranks, lengths: 8 + 4 * n, wide };
}

/** whereRank for a packed blob (the core checks the blob itself): "the token of rank R". */
export function blobWhereRank(blob: Uint8Array): (rank: number) => string | undefined {
  const layout = blobLayout(blob);
  const ranks = layout?.ranks ?? new Uint32Array(0);
  return (rank) => {
    let lo = 0;
    let hi = ranks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranks[mid] < rank) lo = mid + 1;
      else hi = mid;
    }
    return lo < ranks.length && ranks[lo] === rank ? `the vocabulary's token of rank ${rank}` : undefined;
  };
}

/** Whether a packed blob has a token for each of the 256 single bytes. */
export function blobHasEveryByte(blob: Uint8Array): boolean {
  const layout = blobLayout(blob);
  if (!layout) return false;
  const n = layout.ranks.length;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.length);
  const seen = new Uint8Array(256);
  let count = 0;
  let at = layout.lengths + (layout.wide ? 4 : 1) * n;
  for (let k = 0; k < n && at < blob.length; k++) {
    const len = layout.wide ? view.getUint32(layout.lengths + 4 * k, true) : blob[layout.lengths + k];
    if (len === 1 && !seen[blob[at]]) {
      seen[blob[at]] = 1;
      count++;
    }
    at += len;
  }
  return count === 256;
}
