// The tokenizer-side categories of "Fishing for Magikarp": tokens their own bytes do not encode to,
// tokens that are not UTF-8 on their own, special tokens, id holes and duplicate byte strings.
// Precise definitions: docs/analysis.md.
import { checkThreads, quote } from './args';
import { checkEncodings, own } from './analyze';
import type { Encoding } from './encoding';
import { typeError } from './errors';
import { REACHABLE, scanVocabulary, UTF8 } from './vocabulary-scan';

export interface UnreachableToken {
  id: number;
  /** The token's text (its bytes are valid UTF-8). */
  text: string;
  /** What encode gives for that text instead of [id]. */
  encodesTo: number[];
}

export interface Audit {
  encoding: string;
  /** maxTokenValue + 1. */
  nVocab: number;
  /** Ids in [0, maxTokenValue] with bytes that are not special tokens. */
  ordinaryTokens: number;
  unreachable: UnreachableToken[];
  /** Ordinary tokens whose bytes are not valid UTF-8 on their own, ascending. */
  partialUtf8: number[];
  /** Special tokens by id. */
  specialTokens: { id: number; text: string }[];
  /** Inclusive [first, last] ranges of ids that are no token. */
  holes: [number, number][];
  holeCount: number;
  /** Byte strings held by more than one id (ordinary or special), as hex, with the ids ascending. */
  duplicates: { bytes: string; ids: number[] }[];
}

export interface AuditOptions {
  /** Native threads for the encoding pass (see encodeBatch). Default: the cores available. */
  threads?: number;
}

// fatal: a token that is not UTF-8 on its own is found, not repaired; ignoreBOM: the token whose
// bytes are EF BB BF is the text "\uFEFF", not the empty string.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ORDINARY = Object.freeze({ disallowedSpecial: Object.freeze([]) as readonly string[] });

/** Whether bytes[start, end) is well-formed UTF-8 (what a fatal TextDecoder accepts). */
export function isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong forms
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return false;
    if (i + need >= end) return false;
    const second = bytes[i + 1];
    if (second < lo || second > hi) return false;
    for (let k = 2; k <= need; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return false;
    i += need + 1;
  }
  return true;
}

// FNV-1a of each token's bytes, read in place; only tokens whose hashes collide are compared
// byte by byte (and only they get views).
function findDuplicates(enc: Encoding, scan: ReturnType<typeof scanVocabulary>, specialTokens: { id: number }[]): { bytes: string; ids: number[] }[] {
  const { ids, bytes, starts } = scan;
  const n = ids.length;
  const specialBytes = specialTokens.map(({ id }) => enc.tokenBytes(id));
  const bytesOf = (k: number): Uint8Array => (k < n ? bytes.subarray(starts[k], starts[k + 1]) : specialBytes[k - n]);
  const idOf = (k: number): number => (k < n ? ids[k] : specialTokens[k - n].id);
  const fnv = (view: Uint8Array, from: number, to: number): number => {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ view[i], 0x01000193);
    return h >>> 0;
  };
  const first = new Map<number, number>();
  const colliding = new Map<number, number[]>();
  for (let k = 0; k < n + specialBytes.length; k++) {
    const h = k < n ? fnv(bytes, starts[k], starts[k + 1]) : fnv(specialBytes[k - n], 0, specialBytes[k - n].length);
    const seen = first.get(h);
    if (seen === undefined) first.set(h, k);
    else {
      const list = colliding.get(h);
      if (list) list.push(k);
      else colliding.set(h, [seen, k]);
    }
  }
  const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const out: { bytes: string; ids: number[] }[] = [];
  for (const members of colliding.values()) {
    const groups: number[][] = [];
    for (const k of members) {
      const group = groups.find((g) => same(bytesOf(g[0]), bytesOf(k)));
      if (group) group.push(k);
      else groups.push([k]);
    }
    for (const g of groups) if (g.length > 1) out.push({ bytes: hex(bytesOf(g[0])), ids: g.map(idOf).sort((x, y) => x - y) });
  }
  return out.sort((x, y) => x.ids[0] - y.ids[0]);
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

/** The vocabulary audit of an encoding (docs/analysis.md). */
export function audit(encoding: Encoding, options?: AuditOptions): Audit {
  const [enc] = checkEncodings(encoding, 'encoding');
  if (options !== undefined && (options === null || typeof options !== 'object')) throw typeError(`The "options" argument must be an object; received ${quote(options)}`);
  const threadsOption = options && own(options, 'threads');
  const threads = threadsOption === undefined ? undefined : checkThreads(threadsOption);
  const scan = scanVocabulary(enc, true);
  const { ids, bytes, starts, flags } = scan;

  // Valid tokens go to the encoder as their bytes (views, no copies): the same text a strict
  // decode would give, without making 200k strings; only unreachable tokens' texts are decoded.
  // Where the core's encode is the encoding's, the core has already encoded every token (flags)
  // and only the unreachable ones are encoded again here, for what they encode to.
  const partialUtf8: number[] = [];
  const views: Uint8Array[] = [];
  const viewIds: number[] = [];
  for (let k = 0; k < ids.length; k++) {
    if (flags ? (flags[k] & UTF8) === 0 : !isUtf8(bytes, starts[k], starts[k + 1])) partialUtf8.push(ids[k]);
    else if (!scan.reachability || (flags![k] & REACHABLE) === 0) {
      views.push(bytes.subarray(starts[k], starts[k + 1]));
      viewIds.push(ids[k]);
    }
  }

  const unreachable: UnreachableToken[] = [];
  const { tokens, offsets } = enc.encodeBatch(views, threads === undefined ? ORDINARY : { ...ORDINARY, threads });
  for (let k = 0; k < views.length; k++) {
    const a = offsets[k];
    const b = offsets[k + 1];
    if (b - a === 1 && tokens[a] === viewIds[k]) continue;
    unreachable.push({ id: viewIds[k], text: strictDecoder.decode(views[k]), encodesTo: Array.from(tokens.subarray(a, b)) });
  }

  const specialTokens = Object.entries(enc.specialTokens)
    .map(([text, id]) => ({ id, text }))
    .sort((x, y) => x.id - y.id);
  const duplicates = findDuplicates(enc, scan, specialTokens);

  const holes = scan.holes.map(([a, b]) => [a, b] as [number, number]);
  return {
    encoding: enc.name,
    nVocab: enc.nVocab,
    ordinaryTokens: ids.length,
    unreachable,
    partialUtf8,
    specialTokens,
    holes,
    holeCount: holes.reduce((n, [a, b]) => n + b - a + 1, 0),
    duplicates,
  };
}
