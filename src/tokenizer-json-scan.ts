// A tokenizer.json's two large sections (model.vocab, model.merges) read straight from the file's
// bytes, for a byte-level BPE file: JSON.parse of the whole file builds 128k-260k key strings, a
// dictionary-mode object, 280k merge strings and their parts, all of which the load then walks
// again and throws away. Here the vocabulary's tokens are decoded from the JSON text to their bytes
// once, into one buffer, and the merges are checked against a hash of those bytes; the rest of the
// file (small) is still read by JSON.parse.
//
// This is only a faster route to the same result: any input it is not sure of (an escape it does
// not decode, a number other than a plain integer, a key twice, a token outside the byte-level
// alphabet, a merge that does not check) gives undefined, and the caller reads the file the general
// way, which gives the same result or the error that names the problem.

/** Where the two sections are in the file, and the file's other parts parsed by JSON.parse. */
export interface ScannedSections {
  bytes: Uint8Array;
  /** The file with model.vocab as {} and model.merges as []: the result of JSON.parse on its text. */
  rest: unknown;
  vocab: [number, number];
  merges: [number, number];
  /** rest's model object, whose vocab and merges are the stand-ins {} and []. */
  model: Record<string, unknown>;
}

/** The vocabulary decoded from its section: token i's bytes, id and the JSON text of its key. */
export interface ScannedVocabulary {
  count: number;
  /** id -> token index, -1 where no token has that id. */
  byId: Int32Array;
  /** Token i's bytes are store[start[i], start[i] + length[i]). */
  store: Uint8Array;
  start: Uint32Array;
  /** NOT_BYTE_LEVEL for a key outside the byte-level alphabet (its text is still text(i)). */
  length: Uint32Array;
  id: Uint32Array;
  /** The text of token i's key as JSON.parse gives it (made only for the few added tokens). */
  text(i: number): string;
  /** The index of the token with these bytes, -1 if none. */
  find(bytes: Uint8Array, from: number, to: number): number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const utf8 = new TextDecoder('utf-8');

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(b: Uint8Array, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** The end (after the closing quote) of the string starting at b[i] === '"', or -1. */
function skipString(b: Uint8Array, i: number): number {
  // indexOf runs natively: skipping Gemma 3's 33 MB byte by byte in JS cost more than JSON.parse saves.
  for (let q = b.indexOf(QUOTE, i + 1); q >= 0; q = b.indexOf(QUOTE, q + 1)) {
    let slashes = 0;
    while (b[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
  return -1;
}

/** The end of the JSON value starting at b[i] (strings and brackets followed; the rest is JSON.parse's to check), or -1. */
function skipValue(b: Uint8Array, i: number): number {
  const n = b.length;
  let depth = 0;
  while (i < n) {
    const c = b[i];
    if (c === QUOTE) {
      i = skipString(b, i);
      if (i < 0) return -1;
      if (depth === 0) return i;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i; // the end of a scalar before the container closes
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || isSpace(c))) return i;
    i++;
  }
  return depth === 0 ? i : -1;
}

/** A key without escapes as text, else undefined (such a key is never one this looks for). */
function plainKey(b: Uint8Array, from: number, to: number): string | undefined {
  for (let i = from + 1; i < to - 1; i++) if (b[i] === BACKSLASH || b[i] >= 0x80) return undefined;
  return String.fromCharCode(...b.subarray(from + 1, to - 1));
}

/**
 * The members of the object starting at b[i] === '{': for each key wanted, the value's range, or
 * undefined if a wanted key is there twice or the object cannot be followed.
 */
function members(b: Uint8Array, i: number, wanted: readonly string[]): { found: Map<string, [number, number]>; end: number } | undefined {
  const found = new Map<string, [number, number]>();
  i = skipSpace(b, i + 1);
  if (b[i] === 0x7d) return { found, end: i + 1 };
  for (;;) {
    if (b[i] !== QUOTE) return undefined;
    const keyEnd = skipString(b, i);
    if (keyEnd < 0) return undefined;
    const key = plainKey(b, i, keyEnd);
    i = skipSpace(b, keyEnd);
    if (b[i] !== 0x3a) return undefined;
    const start = skipSpace(b, i + 1);
    const end = skipValue(b, start);
    if (end < 0 || end === start) return undefined;
    if (key !== undefined && wanted.includes(key)) {
      if (found.has(key)) return undefined; // JSON.parse keeps the last; the general path says what that means
      found.set(key, [start, end]);
    }
    i = skipSpace(b, end);
    if (b[i] === 0x7d) return { found, end: i + 1 };
    if (b[i] !== 0x2c) return undefined;
    i = skipSpace(b, i + 1);
  }
}

// A stand-in that cannot be the file's own: after JSON.parse, model.vocab must be exactly this.
const VOCAB_MARK = '{"\\u0000turbotoken vocab":0}';
const MERGES_MARK = '["\\u0000turbotoken merges"]';

/**
 * The file's model.vocab (an object) and model.merges (an array) located, and the rest parsed; or
 * undefined when the file is not plainly of that shape (the general path reads it then).
 */
export function scanSections(bytes: Uint8Array): ScannedSections | undefined {
  const start = skipSpace(bytes, 0);
  if (bytes[start] !== 0x7b) return undefined;
  const top = members(bytes, start, ['model']);
  if (!top || skipSpace(bytes, top.end) !== bytes.length) return undefined;
  const model = top.found.get('model');
  if (!model || bytes[model[0]] !== 0x7b) return undefined;
  const inner = members(bytes, model[0], ['vocab', 'merges']);
  const vocab = inner?.found.get('vocab');
  const merges = inner?.found.get('merges');
  if (!vocab || !merges || bytes[vocab[0]] !== 0x7b || bytes[merges[0]] !== 0x5b) return undefined;
  const first = vocab[0] < merges[0] ? vocab : merges;
  const second = first === vocab ? merges : vocab;
  const mark = (range: [number, number]) => (range === vocab ? VOCAB_MARK : MERGES_MARK);
  const text = utf8.decode(bytes.subarray(0, first[0])) + mark(first) + utf8.decode(bytes.subarray(first[1], second[0])) + mark(second) + utf8.decode(bytes.subarray(second[1]));
  let rest: unknown;
  try {
    rest = JSON.parse(text);
  } catch {
    return undefined;
  }
  const m = rest !== null && typeof rest === 'object' && Object.prototype.hasOwnProperty.call(rest, 'model') ? (rest as Record<string, unknown>).model : undefined;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const parsed = m as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(parsed, 'vocab') || !Object.prototype.hasOwnProperty.call(parsed, 'merges')) return undefined;
  if (JSON.stringify(parsed.vocab) !== JSON.stringify(JSON.parse(VOCAB_MARK)) || JSON.stringify(parsed.merges) !== JSON.stringify(JSON.parse(MERGES_MARK))) return undefined;
  parsed.vocab = {};
  parsed.merges = [];
  return { bytes, rest, vocab, merges, model: parsed };
}

/**
 * The file as JSON.parse of its whole text gives it: the two sections parsed on their own and put
 * in place of the stand-ins (in the same place among the model's keys). Undefined where either
 * section is not valid JSON (the general path gives that error).
 */
export function parseSections(s: ScannedSections): unknown {
  try {
    const vocab: unknown = JSON.parse(utf8.decode(s.bytes.subarray(s.vocab[0], s.vocab[1])));
    const merges: unknown = JSON.parse(utf8.decode(s.bytes.subarray(s.merges[0], s.merges[1])));
    s.model.vocab = vocab;
    s.model.merges = merges;
  } catch {
    return undefined;
  }
  return s.rest;
}

/**
 * Reads the JSON string at b[i] === '"' into out from `at` as byte-level bytes (table: character
 * code -> byte), stopping also at a space when `space` is set. Returns the position after the
 * string (or after the space, as -2 - position), and the bytes written via `written`; -1 for
 * anything not plainly a byte-level token (the general path decides).
 */
const cursor = { at: 0 };
function readToken(b: Uint8Array, i: number, table: Int16Array, out: Uint8Array, space: boolean): number {
  const n = b.length;
  let at = cursor.at;
  i++;
  while (i < n) {
    let c = b[i];
    if (c === QUOTE) {
      cursor.at = at;
      return i + 1;
    }
    if (c < 0x20) return -1; // JSON.parse refuses a raw control character
    if (c === BACKSLASH) {
      const e = b[i + 1];
      if (e === 0x75) {
        c = 0;
        for (let k = 2; k < 6; k++) {
          const h = b[i + k];
          const d = h >= 0x30 && h <= 0x39 ? h - 0x30 : h >= 0x61 && h <= 0x66 ? h - 0x57 : h >= 0x41 && h <= 0x46 ? h - 0x37 : -1;
          if (d < 0) return -1;
          c = c * 16 + d;
        }
        i += 6;
      } else {
        c = e === QUOTE ? QUOTE : e === BACKSLASH ? BACKSLASH : e === 0x2f ? 0x2f : e === 0x62 ? 8 : e === 0x66 ? 12 : e === 0x6e ? 10 : e === 0x72 ? 13 : e === 0x74 ? 9 : -1;
        if (c < 0) return -1;
        i += 2;
      }
    } else if (c < 0x80) {
      i++;
    } else if (c >= 0xc2 && c <= 0xdf) {
      const c2 = b[i + 1];
      if (c2 === undefined || (c2 & 0xc0) !== 0x80) return -1;
      c = ((c & 0x1f) << 6) | (c2 & 0x3f);
      i += 2;
    } else {
      return -1; // three or four bytes: above U+07FF, never in the alphabet (below U+0144)
    }
    if (space && c === 0x20) {
      cursor.at = at;
      return -2 - i;
    }
    const byte = c < table.length ? table[c] : -1;
    if (byte < 0 || at >= out.length) return -1;
    out[at++] = byte;
  }
  return -1;
}

function hashOf(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

/** The length of a token whose key is not a byte-level token (ScannedVocabulary.length). */
export const NOT_BYTE_LEVEL = 0xffffffff;

/** Largest id the fast path takes; the general path reports a larger one (packVocabulary's limit). */
const MAX_ID = (1 << 24) - 1;

/** model.vocab's section decoded (every key a byte-level token, every value a plain integer id, no key or id twice), or undefined. */
export function scanVocabulary(s: ScannedSections, table: Int16Array): ScannedVocabulary | undefined {
  const b = s.bytes;
  const [from, to] = s.vocab;
  const end = to - 1; // the closing brace
  let cap = 1 << 10;
  let start = new Uint32Array(cap);
  let length = new Uint32Array(cap);
  let id = new Uint32Array(cap);
  let keyAt = new Uint32Array(cap);
  // A key's bytes are never more than its JSON text's.
  const store = new Uint8Array(to - from);
  cursor.at = 0;
  let count = 0;
  let maxId = -1;
  const others = new Set<string>();
  let i = skipSpace(b, from + 1);
  if (i >= end) return undefined; // no tokens: the general path's error
  for (;;) {
    if (b[i] !== QUOTE) return undefined;
    const keyStart = i;
    const before = cursor.at;
    i = readToken(b, i, table, store, false);
    let len = cursor.at - before;
    if (i < 0) {
      // Not a byte-level token: only an added token's own entry may be (DeepSeek-V3's
      // "<｜begin▁of▁sentence｜>"), which the caller drops or refuses. Kept as its text.
      cursor.at = before;
      i = skipString(b, keyStart);
      if (i < 0) return undefined;
      let key: unknown;
      try {
        key = JSON.parse(utf8.decode(b.subarray(keyStart, i)));
      } catch {
        return undefined;
      }
      if (others.has(key as string)) return undefined;
      others.add(key as string);
      len = NOT_BYTE_LEVEL;
    } else if (len === 0) {
      return undefined;
    }
    i = skipSpace(b, i);
    if (b[i] !== 0x3a) return undefined;
    i = skipSpace(b, i + 1);
    // A plain integer only: 0, or 1-8 digits without a leading zero.
    let v = 0;
    const digits = i;
    while (i < end && b[i] >= 0x30 && b[i] <= 0x39 && i - digits < 9) v = v * 10 + (b[i++] - 0x30);
    if (i === digits || (b[digits] === 0x30 && i - digits > 1) || v > MAX_ID) return undefined;
    if (count === cap) {
      cap *= 2;
      const grow = (a: Uint32Array) => {
        const g = new Uint32Array(cap);
        g.set(a);
        return g;
      };
      start = grow(start);
      length = grow(length);
      id = grow(id);
      keyAt = grow(keyAt);
    }
    start[count] = before;
    length[count] = len;
    id[count] = v;
    keyAt[count] = keyStart;
    count++;
    if (v > maxId) maxId = v;
    i = skipSpace(b, i);
    if (b[i] === 0x2c) {
      i = skipSpace(b, i + 1);
      continue;
    }
    if (i === end) break;
    return undefined;
  }
  const byId = new Int32Array(maxId + 1).fill(-1);
  for (let k = 0; k < count; k++) {
    if (byId[id[k]] >= 0) return undefined; // an id twice: the general path names both tokens
    byId[id[k]] = k;
  }
  let size = 1;
  while (size < 2 * count) size *= 2;
  const slots = new Int32Array(size).fill(-1);
  const mask = size - 1;
  const same = (k: number, bytes: Uint8Array, f: number, t: number) => {
    if (length[k] !== t - f) return false;
    const at = start[k];
    for (let j = 0; j < t - f; j++) if (store[at + j] !== bytes[f + j]) return false;
    return true;
  };
  const find = (bytes: Uint8Array, f: number, t: number) => {
    for (let h = hashOf(bytes, f, t) & mask; ; h = (h + 1) & mask) {
      const k = slots[h];
      if (k < 0 || same(k, bytes, f, t)) return k;
    }
  };
  for (let k = 0; k < count; k++) {
    if (length[k] === NOT_BYTE_LEVEL) continue;
    for (let h = hashOf(store, start[k], start[k] + length[k]) & mask; ; h = (h + 1) & mask) {
      const other = slots[h];
      if (other < 0) {
        slots[h] = k;
        break;
      }
      if (same(other, store, start[k], start[k] + length[k])) return undefined; // a key twice: JSON.parse keeps the last
    }
  }
  const text = (k: number) => JSON.parse(utf8.decode(b.subarray(keyAt[k], skipString(b, keyAt[k])))) as string;
  return { count, byId, store, start, length, id, text, find };
}

/** Whether every merge of model.merges's section ("a b" or ["a", "b"]) names a, b and a + b of the vocabulary. */
export function checkScannedMerges(s: ScannedSections, vocab: ScannedVocabulary, table: Int16Array): boolean {
  const b = s.bytes;
  const [from, to] = s.merges;
  const end = to - 1;
  // One merge's bytes: a then b, so that a + b is the whole.
  const scratch = new Uint8Array(1 << 17);
  let i = skipSpace(b, from + 1);
  if (i === end) return true;
  for (;;) {
    let split: number;
    cursor.at = 0;
    if (b[i] === QUOTE) {
      i = readToken(b, i, table, scratch, true);
      if (i >= -1) return false; // no space, or not a token
      split = cursor.at;
      i = -2 - i - 1; // back onto the space's position minus one: continue the same string
      // Resume reading after the space as a string of its own: readToken skips one byte first.
      i = readToken(b, i, table, scratch, true);
      if (i < 0) return false; // a second space, or not a token
    } else if (b[i] === 0x5b) {
      i = skipSpace(b, i + 1);
      if (b[i] !== QUOTE) return false;
      i = readToken(b, i, table, scratch, false);
      if (i < 0) return false;
      split = cursor.at;
      i = skipSpace(b, i);
      if (b[i] !== 0x2c) return false;
      i = skipSpace(b, i + 1);
      if (b[i] !== QUOTE) return false;
      i = readToken(b, i, table, scratch, false);
      if (i < 0) return false;
      i = skipSpace(b, i);
      if (b[i] !== 0x5d) return false;
      i++;
    } else {
      return false;
    }
    const whole = cursor.at;
    if (split === 0 || split === whole) return false;
    if (vocab.find(scratch, 0, split) < 0 || vocab.find(scratch, split, whole) < 0 || vocab.find(scratch, 0, whole) < 0) return false;
    i = skipSpace(b, i);
    if (b[i] === 0x2c) {
      i = skipSpace(b, i + 1);
      continue;
    }
    return i === end;
  }
}
