// Inference helpers on any Encoding (docs/inference.md): token healing over a prefix index of the
// vocabulary, canonicity checks, BPE-dropout and the other ways of tokenizing a pre-token piece
// ('longest-prefix', 'least-tokens', 'long-token-first'). All of it is JavaScript over the public
// methods of the encoding (encode, decodeBytes, tokenBytes) and the core's split (its native
// scanner's piece ends), so both backends give the same ids: the ranks are the token ids (the
// core's BPE), and the pieces are the ones encode makes.
import type { NativeEncodingHandle } from './backend-contract';
import { checkFlag, checkTokenCount, quote, type ReadOptions, type TextInput } from './args';
import type { SplitSemantics } from './custom-encoding';
import { rangeError, TurbotokenError, typeError } from './errors';
import { findMatches } from './pattern-matcher';
import { compilePattern } from './pattern-program';
import { byteString, stringBytes, Vocabulary } from './prefix-index';

type EncodeTextOptions = Record<string, unknown>;

/** The Encoding methods used here (not imported as a type: src/encoding.ts imports this module). */
export interface Encoding {
  readonly name: string;
  readonly patternSource: string;
  readonly patternKind: string;
  readonly maxTokenValue: number;
  readonly specialTokens: Readonly<Record<string, number>>;
  encode(text: TextInput, options?: EncodeTextOptions): Uint32Array;
  decodeBytes(tokens: Uint32Array): Uint8Array;
}

/** What Encoding tells this module about itself (its private parts, read once). */
export interface InferenceContext {
  handle: NativeEncodingHandle;
  /** A SentencePiece-style (merges-list) encoding: its merges do not follow the ids. */
  sentencePiece: boolean;
  /** A tokenizer.json's split rules, when it has its own. */
  semantics: SplitSemantics | undefined;
  /** Hugging Face's added-token rules apply (an encoding from a tokenizer.json). */
  hf: boolean;
}

export type InferenceMethod = 'merge' | 'longest-prefix' | 'least-tokens' | 'long-token-first';
const METHODS: readonly string[] = ['merge', 'longest-prefix', 'least-tokens', 'long-token-first'];

export interface HealResult {
  /** The ids to keep: encode(text) without its last tokens. */
  ids: Uint32Array;
  /** The bytes of the tokens taken off the end. */
  removed: Uint8Array;
  /** Every ordinary token whose bytes start with `removed`, in the bytes' order. */
  allowed: Uint32Array;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;

function notSupported(what: string, encoding: Encoding): TurbotokenError {
  return new TurbotokenError(`${what} is not supported for ${encoding.name}: a SentencePiece-style (merges-list) encoding does not merge by token id`, 'ERR_NOT_SUPPORTED');
}

/** Pieces of a segment's bytes as the encoder splits them: end offsets, or null when the split drops or adds bytes. */
type Splitter = (bytes: Uint8Array) => Uint32Array | null;

const contexts = new WeakMap<Encoding, Inference>();

/** The inference helpers of one encoding, made on first use and kept with it. */
export function inferenceOf(encoding: Encoding, context: () => InferenceContext): Inference {
  let found = contexts.get(encoding);
  if (!found) contexts.set(encoding, (found = new Inference(encoding, context())));
  return found;
}

export class Inference {
  readonly #encoding: Encoding;
  readonly #context: InferenceContext;
  readonly #specialIds: Set<number>;
  #vocabulary: Vocabulary | undefined;
  #splitter: Splitter | undefined;

  constructor(encoding: Encoding, context: InferenceContext) {
    this.#encoding = encoding;
    this.#context = context;
    this.#specialIds = new Set(Object.values(encoding.specialTokens));
  }

  get vocabulary(): Vocabulary {
    if (!this.#vocabulary) {
      const handle = this.#context.handle;
      this.#vocabulary = new Vocabulary({ maxTokenValue: this.#encoding.maxTokenValue, specialIds: this.#specialIds, bytesOf: (id) => handle.tokenBytes(id) });
    }
    return this.#vocabulary;
  }

  tokensWithPrefix(bytes: TextInput): Uint32Array {
    const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    return this.vocabulary.withPrefix(byteString(raw));
  }

  heal(text: TextInput, opts: ReadOptions<'heal'>): HealResult {
    if (this.#context.sentencePiece) throw notSupported('heal', this.#encoding);
    const maxBacktrack = opts.maxBacktrack === undefined ? 4 : checkTokenCount(opts.maxBacktrack, 'maxBacktrack');
    const special = { allowedSpecial: opts.allowedSpecial, disallowedSpecial: opts.disallowedSpecial, splitSpecialTokens: opts.splitSpecialTokens } as EncodeTextOptions;
    const ids = this.#encoding.encode(text, special);
    const v = this.vocabulary;
    // The most tokens (up to maxBacktrack) taken off the end whose bytes are together no longer
    // than the longest token and start at least one token. Special tokens are never taken off.
    let removed = '';
    let chosen = 0;
    let chosenBytes = '';
    for (let k = 1; k <= maxBacktrack && k <= ids.length; k++) {
      const s = v.strings[ids[ids.length - k]];
      if (s === undefined) break;
      removed = s + removed;
      if (removed.length > v.maxLength) break;
      const [lo, hi] = v.range(removed);
      if (hi > lo) {
        chosen = k;
        chosenBytes = removed;
      }
    }
    return { ids: ids.slice(0, ids.length - chosen), removed: stringBytes(chosenBytes), allowed: v.withPrefix(chosenBytes) };
  }

  // Where the encoding's encode is the core's own (no JavaScript split, normalizer or added-token
  // rules), the core checks pre-token by pre-token as it splits the decoded text and stops at the
  // first difference (docs/inference.md). Otherwise the whole text is encoded again and compared:
  // a piece-by-piece check in JavaScript was measured slower than the core's whole encode.
  isCanonical(ids: Uint32Array): boolean {
    const handle = this.#context.handle;
    if (typeof handle.isCanonical === 'function') return handle.isCanonical(ids);
    const encoding = this.#encoding;
    const bytes = encoding.decodeBytes(ids); // an id that is no token throws here
    const again = this.#context.hf ? encoding.encode(bytes) : encoding.encode(bytes, { allowedSpecial: 'all' });
    return sameIds(again, ids);
  }

  // The encoder's split of ordinary text: the core's native scanner when encode uses it, else a
  // tokenizer.json's pre-tokenizer steps, else the pattern on the core's linear-time matcher.
  #split(bytes: Uint8Array): Uint32Array | null {
    if (!this.#splitter) {
      const semantics = this.#context.semantics;
      const sequence = semantics?.sequence;
      const handle = this.#context.handle;
      if (!sequence && this.#encoding.patternKind !== 'regexp' && typeof handle.pieceEnds === 'function') {
        this.#splitter = (b) => handle.pieceEnds!(b);
      } else if (sequence) {
        this.#splitter = (b) => {
          const pieces = sequence.pieces(b);
          return pieces.bytes.length === b.length && pieces.bytes.every((x, k) => x === b[k]) ? pieces.ends : null;
        };
      } else {
        const program = compilePattern(this.#encoding.patternSource);
        const keepGaps = semantics?.keepGaps ?? false;
        this.#splitter = (b) => {
          const bounds = findMatches(program, b);
          const ends: number[] = [];
          let last = 0;
          for (let k = 0; k < bounds.length; k += 2) {
            if (bounds[k] > last) {
              if (!keepGaps) return null;
              ends.push(bounds[k]);
            }
            ends.push((last = bounds[k + 1]));
          }
          if (last < b.length) {
            if (!keepGaps) return null;
            ends.push(b.length);
          }
          return Uint32Array.from(ends);
        };
      }
    }
    return this.#splitter(bytes);
  }

  /** encode(text, options) with options.method, options.dropout or options.seed given. */
  encodeWith(text: TextInput, opts: ReadOptions<'encode'>): Uint32Array {
    const method = opts.method === undefined ? 'merge' : opts.method;
    if (typeof method !== 'string' || !METHODS.includes(method)) {
      throw typeError(`The "method" option must be one of ${METHODS.map((m) => `'${m}'`).join(', ')}; received ${quote(method)}`);
    }
    let dropout = 0;
    if (opts.dropout !== undefined) {
      if (typeof opts.dropout !== 'number' || Number.isNaN(opts.dropout)) throw typeError(`The "dropout" option must be a number; received ${quote(opts.dropout)}`);
      if (!(opts.dropout >= 0 && opts.dropout <= 1)) throw rangeError(`The "dropout" option must be between 0 and 1; received ${opts.dropout}`);
      if (method !== 'merge') throw new TurbotokenError(`dropout applies to method 'merge' only; received method '${method}'`, 'ERR_NOT_SUPPORTED');
      dropout = opts.dropout;
    }
    let seed: number | undefined;
    if (opts.seed !== undefined) {
      if (typeof opts.seed !== 'number' || !Number.isInteger(opts.seed)) throw typeError(`The "seed" option must be an integer; received ${quote(opts.seed)}`);
      if (opts.seed < 0 || opts.seed > MAX_SEED) throw rangeError(`The "seed" option must be between 0 and ${MAX_SEED}; received ${opts.seed}`);
      if (opts.dropout === undefined) throw typeError('The "seed" option needs the "dropout" option');
      seed = opts.seed;
    }
    if (this.#context.sentencePiece) throw notSupported(opts.dropout !== undefined ? 'dropout' : `method '${method}'`, this.#encoding);
    checkFlag(opts.addSpecialTokens, 'addSpecialTokens');
    const maxTokens = opts.maxTokens === undefined ? Infinity : checkTokenCount(opts.maxTokens, 'maxTokens');
    const base = { allowedSpecial: opts.allowedSpecial, disallowedSpecial: opts.disallowedSpecial, splitSpecialTokens: opts.splitSpecialTokens, addSpecialTokens: opts.addSpecialTokens, threads: opts.threads };
    // The encoder's own ids first: special tokens, normalization and the post-processor's ids are
    // then exactly encode's, and each ordinary run between special ids is split again into pieces.
    const merged = this.#encoding.encode(text, base as EncodeTextOptions);
    if (method === 'merge' && opts.dropout === undefined) return maxTokens < merged.length ? merged.slice(0, maxTokens) : merged;
    const random = opts.dropout === undefined ? null : xoshiro128ss(seed ?? Math.floor(Math.random() * MAX_SEED));
    const tokenize = random && dropout > 0 ? this.#pieceMethod('merge', dropout, random) : cached(this.#pieceMethod(method as InferenceMethod, 0, null));
    const out: number[] = [];
    let run = 0;
    for (let k = 0; k <= merged.length && out.length < maxTokens; k++) {
      if (k < merged.length && !this.#specialIds.has(merged[k])) continue;
      if (k > run) this.#retokenize(merged.subarray(run, k), tokenize, out);
      if (k < merged.length) out.push(merged[k]);
      run = k + 1;
    }
    return Uint32Array.from(maxTokens < out.length ? out.slice(0, maxTokens) : out);
  }

  #retokenize(run: Uint32Array, tokenize: (piece: string, out: number[]) => void, out: number[]): void {
    const bytes = this.#encoding.decodeBytes(run);
    const ends = this.#split(bytes);
    if (!ends) throw new TurbotokenError(`${this.#encoding.name}: its pre-tokenizer drops or adds text, so its pieces cannot be tokenized again`, 'ERR_NOT_SUPPORTED');
    // The split must agree with the encoder's: every piece ends where one of its tokens ends.
    let token = 0;
    let tokenEnd = 0;
    const v = this.vocabulary;
    for (let p = 0; p < ends.length; p++) {
      while (token < run.length && tokenEnd < ends[p]) tokenEnd += v.strings[run[token++]]!.length;
      if (tokenEnd !== ends[p]) throw new TurbotokenError(`${this.#encoding.name}: the pieces found again differ from the encoder's (a bug: please report it with the text)`, 'ERR_NOT_SUPPORTED');
    }
    let start = 0;
    for (let p = 0; p < ends.length; p++) {
      tokenize(byteString(bytes, start, ends[p]), out);
      start = ends[p];
    }
  }

  #pieceMethod(method: InferenceMethod, dropout: number, random: (() => number) | null): (piece: string, out: number[]) => void {
    const v = this.vocabulary;
    switch (method) {
      case 'merge':
        // p = 0 draws nothing that matters: the plain merge, whole-piece rule included, is encode's.
        return dropout > 0 ? (piece, out) => mergePiece(v, piece, false, dropout, random, out) : (piece, out) => mergePiece(v, piece, false, 0, null, out);
      case 'long-token-first':
        return (piece, out) => mergePiece(v, piece, true, 0, null, out);
      case 'longest-prefix':
        return (piece, out) => longestPrefix(v, piece, out);
      case 'least-tokens':
        return (piece, out) => leastTokens(v, piece, out);
    }
  }
}

// Pieces repeat in natural text (words, spaces, punctuation): the deterministic methods keep each
// piece's tokens for the rest of the call, up to a bounded number of pieces.
const CACHED_PIECES = 1 << 16;
function cached(tokenize: (piece: string, out: number[]) => void): (piece: string, out: number[]) => void {
  const seen = new Map<string, number[]>();
  return (piece, out) => {
    let ids = seen.get(piece);
    if (ids === undefined) {
      ids = [];
      tokenize(piece, ids);
      if (seen.size < CACHED_PIECES && piece.length <= 256) seen.set(piece, ids);
    }
    for (const id of ids) out.push(id);
  };
}

function sameIds(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function missingByte(piece: string, at: number): TurbotokenError {
  return new TurbotokenError(`The byte 0x${piece.charCodeAt(at).toString(16).padStart(2, '0')} is not a token of this vocabulary, and no token covers it`, 'ERR_BYTE_NOT_IN_VOCABULARY');
}

// A min-heap of candidate merges, ordered by (key1, key2, pos): for 'merge' key1 is the rank
// (the merged token's id) and key2 0; for 'long-token-first' key1 is minus the merged length and
// key2 the rank. Entries are flat in one array, four numbers each.
class MergeHeap {
  readonly items: number[] = [];
  get size(): number {
    return this.items.length >> 2;
  }
  #less(i: number, j: number): boolean {
    const a = this.items;
    const x = i << 2;
    const y = j << 2;
    if (a[x] !== a[y]) return a[x] < a[y];
    if (a[x + 1] !== a[y + 1]) return a[x + 1] < a[y + 1];
    return a[x + 2] < a[y + 2];
  }
  #swap(i: number, j: number): void {
    const a = this.items;
    for (let f = 0; f < 4; f++) {
      const t = a[(i << 2) + f];
      a[(i << 2) + f] = a[(j << 2) + f];
      a[(j << 2) + f] = t;
    }
  }
  push(key1: number, key2: number, pos: number, id: number): void {
    this.items.push(key1, key2, pos, id);
    let i = this.size - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }
  /** Removes the least entry into out[0..3]. */
  pop(out: number[]): void {
    const a = this.items;
    for (let f = 0; f < 4; f++) out[f] = a[f];
    const last = this.size - 1;
    if (last > 0) for (let f = 0; f < 4; f++) a[f] = a[(last << 2) + f];
    a.length = last << 2;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.#less(l, m)) m = l;
      if (r < last && this.#less(r, m)) m = r;
      if (m === i) break;
      this.#swap(i, m);
      i = m;
    }
  }
}

/**
 * One piece by BPE merges, as Hugging Face's Word::merge_all does it (tokenizers,
 * src/models/bpe/word.rs): a heap of the adjacent pairs whose bytes together are a token, least
 * first; with dropout, each entry popped is skipped with probability p (one draw per pop, stale
 * entries included) and the skipped ones go back into the heap after the next merge. Without
 * dropout, a piece that is a token whole is that token (tiktoken's rule, which the core follows).
 */
function mergePiece(v: Vocabulary, piece: string, longFirst: boolean, dropout: number, random: (() => number) | null, out: number[]): void {
  const n = piece.length;
  if (n === 0) return;
  const ids = v.ids;
  if (!random) {
    const whole = ids.get(piece);
    if (whole !== undefined) {
      out.push(whole);
      return;
    }
  }
  // Symbol i covers [i, i + len[i]); len 0: merged into the symbol on its left.
  const len = new Int32Array(n).fill(1);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const heap = new MergeHeap();
  const push = (pos: number, end: number) => {
    if (end - pos > v.maxLength) return;
    const id = ids.get(piece.slice(pos, end));
    if (id === undefined) return;
    if (longFirst) heap.push(-(end - pos), id, pos, id);
    else heap.push(id, 0, pos, id);
  };
  for (let i = 0; i + 1 < n; i++) push(i, i + 2);
  const top = [0, 0, 0, 0];
  const skipped: number[] = [];
  while (heap.size > 0) {
    heap.pop(top);
    if (random && random() < dropout) {
      skipped.push(top[0], top[1], top[2], top[3]);
      continue;
    }
    for (let s = 0; s < skipped.length; s += 4) heap.push(skipped[s], skipped[s + 1], skipped[s + 2], skipped[s + 3]);
    skipped.length = 0;
    const pos = top[2];
    if (len[pos] === 0) continue;
    const right = next[pos];
    if (right < 0) continue;
    const end = right + len[right];
    // A stale entry: the pair at pos is no longer the one this entry was made for.
    if (end - pos > v.maxLength || ids.get(piece.slice(pos, end)) !== top[3]) continue;
    len[pos] = end - pos;
    len[right] = 0;
    next[pos] = next[right];
    if (next[pos] >= 0) prev[next[pos]] = pos;
    if (prev[pos] >= 0) push(prev[pos], end);
    if (next[pos] >= 0) push(pos, next[pos] + len[next[pos]]);
  }
  for (let i = 0; i >= 0; i = next[i]) {
    const id = ids.get(piece.slice(i, i + len[i]));
    if (id === undefined) throw missingByte(piece, i);
    out.push(id);
  }
}

// Every token that starts at byte i of the piece, shortest first: the prefix index narrows its
// range one byte at a time and stops when no token starts with the bytes so far.
function tokensAt(v: Vocabulary, piece: string, i: number, visit: (length: number, id: number) => void): void {
  let range: [number, number] | undefined;
  for (let end = i + 1; end <= piece.length && end - i <= v.maxLength; end++) {
    const s = piece.slice(i, end);
    range = v.range(s, range);
    if (range[0] === range[1]) return;
    const id = v.exactAt(range[0], s);
    if (id >= 0) visit(end - i, id);
  }
}

/** Left to right, the longest token that starts where the last one ended. */
function longestPrefix(v: Vocabulary, piece: string, out: number[]): void {
  for (let i = 0; i < piece.length; ) {
    let bestLength = 0;
    let bestId = -1;
    tokensAt(v, piece, i, (length, id) => {
      bestLength = length;
      bestId = id;
    });
    if (bestId < 0) throw missingByte(piece, i);
    out.push(bestId);
    i += bestLength;
  }
}

/**
 * The fewest tokens that spell the piece, by dynamic programming over its bytes; of several such,
 * the one whose first token is longest, then its second, and so on.
 */
function leastTokens(v: Vocabulary, piece: string, out: number[]): void {
  const n = piece.length;
  const best = new Float64Array(n + 1).fill(Infinity); // fewest tokens for piece[i..n)
  const choice = new Int32Array(n + 1);
  const chosenId = new Int32Array(n + 1).fill(-1);
  best[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    tokensAt(v, piece, i, (length, id) => {
      // <=: the longest of the equally short ways wins (lengths come shortest first).
      if (1 + best[i + length] <= best[i]) {
        best[i] = 1 + best[i + length];
        choice[i] = length;
        chosenId[i] = id;
      }
    });
  }
  if (best[0] === Infinity) {
    let at = 0;
    while (at < n && best[at] !== Infinity) at += choice[at];
    throw missingByte(piece, at);
  }
  for (let i = 0; i < n; i += choice[i]) out.push(chosenId[i]);
}

/**
 * The generator of the dropout draws (docs/inference.md): xoshiro128** (Blackman and Vigna) whose
 * four 32-bit words are the low and high halves of the first two outputs of SplitMix64 seeded with
 * `seed`; each draw is the next output divided by 2^32, in [0, 1).
 */
export function xoshiro128ss(seed: number): () => number {
  const M = (1n << 64n) - 1n;
  let s = BigInt(seed);
  const splitmix = (): bigint => {
    s = (s + 0x9e3779b97f4a7c15n) & M;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    return z ^ (z >> 31n);
  };
  const first = splitmix();
  const second = splitmix();
  let a = Number(first & 0xffffffffn) >>> 0;
  let b = Number(first >> 32n) >>> 0;
  let c = Number(second & 0xffffffffn) >>> 0;
  let d = Number(second >> 32n) >>> 0;
  if ((a | b | c | d) === 0) a = 1; // the all-zero state would stay zero
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c = (c ^ a) >>> 0;
    d = (d ^ b) >>> 0;
    b = (b ^ c) >>> 0;
    a = (a ^ d) >>> 0;
    c = (c ^ t) >>> 0;
    d = rotl(d, 11);
    return result / 4294967296;
  };
}
