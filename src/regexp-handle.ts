// The general path for a caller's split pattern that no native scanner implements: special tokens
// are found exactly as the core finds them, the core's linear-time matcher (src/pattern-program.ts,
// native/core/regex/) finds the pieces of the text between them, and the core merges all pieces
// of a segment in one call. Slower than a native scanner (docs/encoding.md), but the same ids as
// the reference, and never a backtracking engine on the caller's text.
import type { NativeEncodingHandle, VocabularyTable } from './backend-contract';
import { concatArrays, joinIds } from './bytes';
import { TurbotokenError } from './errors';
import { native } from './native';
import { nfcUtf8 } from './nfc-quick';
import { findMatches, isolatedEnds, isolatingSplitter, matcherOf, type SplitterHandle } from './pattern-matcher';
import type { PatternProgram } from './pattern-program';
import type { PreTokenizerSequence } from './pretokenizer-sequence';

const bytesDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// String.prototype.isWellFormed (Node 20+) answers in a tenth of the time the RegExp takes, which
// was a tenth of a Qwen3 encode of a paragraph; Node 18 has only the RegExp.
const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as string & { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);

/** Text as the core reads it: ill-formed UTF-8 and lone surrogates become U+FFFD. */
function wellFormed(text: string | Uint8Array): string {
  if (typeof text !== 'string') return bytesDecoder.decode(text);
  return isWellFormed(text) ? text : Buffer.from(text, 'utf8').toString('utf8');
}

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * Leftmost occurrence of any of `names` (the longest one where several start at one position),
 * as SpecialMatcher::find does; a RegExp alternation tries longer names first.
 */
function specialFinder(names: string[]): RegExp | null {
  if (names.length === 0) return null;
  const sorted = [...names].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
}

export class PatternHandle implements NativeEncodingHandle {
  readonly #inner: NativeEncodingHandle;
  readonly #program: PatternProgram | PreTokenizerSequence;
  readonly #specials: string[];
  readonly #specialIds: number[];
  readonly #finders = new Map<string, RegExp | null>();
  readonly #keepGaps: boolean;
  #lastMask: Uint8Array | undefined;
  #lastFinder: RegExp | null = null;
  // The addon's splitter for #ordinary's one-call path (null: none, the pieces go through JS).
  #splitter: SplitterHandle | null | undefined;
  // The core's tokens; whether a token encodes to itself is this handle's own split, not the core's.
  readonly vocabularyTable?: () => VocabularyTable;

  /** keepGaps: text between matches is a piece too (Hugging Face's Split "Isolated"); else dropped, as tiktoken does. */
  constructor(inner: NativeEncodingHandle, program: PatternProgram | PreTokenizerSequence, specials: string[], specialIds: number[], keepGaps = false) {
    this.#keepGaps = keepGaps;
    this.#inner = inner;
    this.#program = program;
    this.#specials = specials;
    this.#specialIds = specialIds;
    if (inner.vocabularyTable) this.vocabularyTable = () => inner.vocabularyTable!(false);
  }

  #finder(mask: Uint8Array | null): RegExp | null {
    if (!mask) return null;
    // The Encoding hands the same mask object to every call with the same options: joining
    // DeepSeek-V3's 818 flags for the key was a seventh of a paragraph's encode.
    if (mask === this.#lastMask) return this.#lastFinder;
    const key = mask.join('');
    if (!this.#finders.has(key)) this.#finders.set(key, specialFinder(this.#specials.filter((_, i) => mask[i])));
    this.#lastMask = mask;
    return (this.#lastFinder = this.#finders.get(key)!);
  }

  encode(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): Uint32Array {
    const s = wellFormed(text);
    const bad = this.#finder(disallowed);
    if (bad) {
      bad.lastIndex = 0;
      const m = bad.exec(s);
      if (m) {
        throw new TurbotokenError(
          `The text contains a special token that is not allowed: ${m[0]} (pass it in allowedSpecial to encode it as a special token, or remove it from disallowedSpecial to encode it as text)`,
          'ERR_DISALLOWED_SPECIAL_TOKEN',
        );
      }
    }
    const parts: Uint32Array[] = [];
    const finder = this.#finder(allowed);
    let pos = 0;
    if (finder) {
      finder.lastIndex = 0;
      for (let m = finder.exec(s); m; m = finder.exec(s)) {
        parts.push(this.#ordinary(s.slice(pos, m.index)));
        parts.push(Uint32Array.of(this.#specialIds[this.#specials.indexOf(m[0])]));
        pos = m.index + m[0].length;
      }
    }
    parts.push(this.#ordinary(s.slice(pos)));
    return joinIds(parts);
  }

  /**
   * encode() of text given as well-formed UTF-8 (nfcFirst's normalized text), without turning it
   * back into a string where no special token is to be looked for.
   */
  encodeUtf8(bytes: Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): Uint32Array {
    if (this.#finder(disallowed) || this.#finder(allowed)) return this.encode(bytes, allowed, disallowed);
    return this.#ordinary(bytes);
  }

  // On the addon the core splits and merges in one call; the WebAssembly module takes the pieces
  // from JS (its splitter and encoding live in one instance, but it has no such call).
  #nativeSplitter(): SplitterHandle | null {
    if (this.#splitter !== undefined) return this.#splitter;
    const program = this.#program;
    let splitter: SplitterHandle | undefined;
    if (native.backend !== 'wasm' && typeof this.#inner.encodeSplit === 'function') {
      if ('pieces' in program) splitter = program.nativeSplitter();
      else splitter = this.#keepGaps ? isolatingSplitter(program) : matcherOf(program);
    }
    return (this.#splitter = splitter ?? null);
  }

  /** The pieces the pattern finds (text between matches is dropped, as the reference drops it). */
  #ordinary(segment: string | Uint8Array): Uint32Array {
    if (segment.length === 0) return new Uint32Array(0);
    const splitter = this.#nativeSplitter();
    if (splitter) return this.#inner.encodeSplit!(splitter, segment);
    const bytes = typeof segment === 'string' ? Buffer.from(segment, 'utf8') : segment;
    if ('pieces' in this.#program) {
      const pieces = this.#program.pieces(bytes);
      return this.#inner.encodePieces(pieces.bytes, pieces.ends);
    }
    if (this.#keepGaps) return this.#inner.encodePieces(bytes, isolatedEnds(this.#program, bytes));
    const bounds = findMatches(this.#program, bytes);
    // Pieces are contiguous unless the pattern skips text: then the matched bytes are packed.
    let contiguous = bounds.length === 0 || bounds[0] === 0;
    for (let k = 2; contiguous && k < bounds.length; k += 2) contiguous = bounds[k] === bounds[k - 1];
    const ends = new Uint32Array(bounds.length / 2);
    if (contiguous) {
      for (let k = 0; k < ends.length; k++) ends[k] = bounds[2 * k + 1];
      return this.#inner.encodePieces(bytes, ends);
    }
    let size = 0;
    for (let k = 0; k < ends.length; k++) ends[k] = size += bounds[2 * k + 1] - bounds[2 * k];
    const packed = new Uint8Array(size);
    for (let k = 0, at = 0; k < ends.length; k++) {
      packed.set(bytes.subarray(bounds[2 * k], bounds[2 * k + 1]), at);
      at = ends[k];
    }
    return this.#inner.encodePieces(packed, ends);
  }

  count(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): number {
    return this.encode(text, allowed, disallowed).length;
  }

  // The pattern path has no early stop: these encode the whole text, then cut or count.
  encodePrefix(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, maxTokens: number): Uint32Array {
    return this.encode(text, allowed, disallowed).slice(0, maxTokens);
  }

  countUpTo(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, _limit: number): number {
    return this.count(text, allowed, disallowed);
  }

  encodeWithOffsets(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): { tokens: Uint32Array; offsets: Uint32Array; byteOffsets: Uint32Array } {
    if ('keepsText' in this.#program && !this.#program.keepsText) {
      throw new TurbotokenError('encodeWithOffsets is not available for this tokenizer.json: its pre-tokenizer removes or adds text, so tokens have no place in the input', 'ERR_UNSUPPORTED_TOKENIZER');
    }
    const tokens = this.encode(text, allowed, disallowed);
    return { tokens, ...offsetsOf(Buffer.from(wellFormed(text), 'utf8'), tokens, this.#inner) };
  }

  /** No cut is known to be exact for a pattern the core does not implement: never split. */
  safeCuts(_text: string | Uint8Array): Uint32Array {
    return new Uint32Array(0);
  }

  decode(ids: Uint32Array): string {
    return this.#inner.decode(ids);
  }

  decodeBytes(ids: Uint32Array): Uint8Array {
    return this.#inner.decodeBytes(ids);
  }

  tokenBytes(id: number): Uint8Array | null {
    return this.#inner.tokenBytes(id);
  }

  singleToken(bytes: Uint8Array): number {
    return this.#inner.singleToken(bytes);
  }

  info(): { maxTokenValue: number; memoryBytes: number } {
    return this.#inner.info();
  }

  encodePieces(bytes: Uint8Array, ends: Uint32Array): Uint32Array {
    return this.#inner.encodePieces(bytes, ends);
  }
}

/**
 * Where each token starts in `bytes` (the text as the core reads it), in bytes and in UTF-16 code
 * units; a token that starts inside a character gets that character's start, as the core's
 * encode_with_offsets defines it.
 */
function offsetsOf(bytes: Uint8Array, tokens: Uint32Array, handle: NativeEncodingHandle): { offsets: Uint32Array; byteOffsets: Uint32Array } {
  const byteOffsets = new Uint32Array(tokens.length);
  const offsets = new Uint32Array(tokens.length);
  let at = 0;
  let pos = 0;
  let units = 0;
  let lastUnits = 0;
  for (let k = 0; k < tokens.length; k++) {
    byteOffsets[k] = at;
    for (; pos < at; pos++) {
      const b = bytes[pos];
      if ((b & 0xc0) === 0x80) continue;
      lastUnits = b >= 0xf0 ? 2 : 1;
      units += lastUnits;
    }
    const inside = at < bytes.length && (bytes[at] & 0xc0) === 0x80;
    offsets[k] = inside ? units - lastUnits : units;
    at += handle.tokenBytes(tokens[k])?.length ?? 0;
  }
  return { offsets, byteOffsets };
}

/** The synchronous methods of a handle only: async and batch jobs in the addon do not report a
 * vocabulary's missing bytes, so a vocabulary without every byte runs them on the JS thread. */
export function syncOnly(inner: NativeEncodingHandle): NativeEncodingHandle {
  return {
    encode: (t, a, d) => inner.encode(t, a, d),
    setOutputBuffer: inner.setOutputBuffer ? (out) => inner.setOutputBuffer!(out) : undefined,
    count: (t, a, d) => inner.count(t, a, d),
    decode: (ids) => inner.decode(ids),
    decodeBytes: (ids) => inner.decodeBytes(ids),
    tokenBytes: (id) => inner.tokenBytes(id),
    singleToken: (b) => inner.singleToken(b),
    info: () => inner.info(),
    encodePieces: (b, e) => inner.encodePieces(b, e),
    vocabularyTable: inner.vocabularyTable ? (r) => inner.vocabularyTable!(r) : undefined,
    encodePrefix: (t, a, d, m) => inner.encodePrefix(t, a, d, m),
    countUpTo: (t, a, d, l) => inner.countUpTo(t, a, d, l),
    encodeWithOffsets: (t, a, d) => inner.encodeWithOffsets(t, a, d),
    safeCuts: (t) => inner.safeCuts(t),
  };
}

/**
 * A handle that reads text NFC-normalized first (a tokenizer.json whose normalizer is NFC). As in
 * Hugging Face, the allowed special tokens in `raw` (added tokens with normalized: false) are found
 * in the text as given and only the text between them is normalized ("<think>" then U+0338 stays
 * that token, where normalizing first would make ">" + U+0338 into "≯"); the others are found in
 * the normalized text.
 */
export function nfcFirst(inner: NativeEncodingHandle, texts: readonly string[] = [], ids: readonly number[] = [], raw: ReadonlySet<string> = new Set()): NativeEncodingHandle {
  // The normalized text as the inner handle best takes it: the text itself when NFC already, else
  // its UTF-8 (no normalized copy of a long text as a string).
  const encodeNfc = (s: string, a: Uint8Array | null, d: Uint8Array | null): Uint32Array => {
    const normalized = nfcUtf8(s);
    if (typeof normalized === 'string') return inner.encode(normalized, a, d) as Uint32Array;
    return (inner instanceof PatternHandle ? inner.encodeUtf8(normalized, a, d) : inner.encode(normalized, a, d)) as Uint32Array;
  };
  const idOf = new Map(texts.map((t, k) => [t, ids[k]]));
  let cachedMask: Uint8Array | undefined;
  let cachedKey: string | undefined;
  let cachedPattern: RegExp | null = null;
  let cachedNormalized: Uint8Array | null = null;
  // The allowed raw tokens as one expression, longest first: where two start at one place the
  // longer wins, as in Hugging Face's leftmost-longest matcher. cachedNormalized: the allowed
  // tokens left to find in the normalized text, as a mask (null for none).
  const allowedPattern = (allowed: Uint8Array): RegExp | null => {
    if (allowed === cachedMask) return cachedPattern;
    const key = allowed.join('');
    cachedMask = allowed;
    if (key !== cachedKey) {
      const names = texts.filter((t, k) => allowed[k] && raw.has(t)).sort((x, y) => y.length - x.length);
      cachedPattern = names.length ? new RegExp(names.map(escapeRegExp).join('|'), 'g') : null;
      const normalized = allowed.map((on, k) => (on && !raw.has(texts[k]) ? 1 : 0));
      cachedNormalized = normalized.includes(1) ? normalized : null;
      cachedKey = key;
    }
    return cachedPattern;
  };
  const encode = (t: string | Uint8Array, a: Uint8Array | null, d: Uint8Array | null): Uint32Array => {
    const whole = wellFormed(t);
    const pattern = a ? allowedPattern(a) : null;
    if (!pattern) return encodeNfc(whole, a, d);
    const parts: Uint32Array[] = [];
    let last = 0;
    const add = (ids: Uint32Array) => parts.push(ids);
    pattern.lastIndex = 0;
    for (let m = pattern.exec(whole); m; m = pattern.exec(whole)) {
      if (m.index > last) add(encodeNfc(whole.slice(last, m.index), cachedNormalized, d));
      add(Uint32Array.of(idOf.get(m[0])!));
      last = m.index + m[0].length;
    }
    if (last < whole.length) add(encodeNfc(whole.slice(last), cachedNormalized, d));
    return concatArrays(Uint32Array, parts);
  };
  return encodedInJs(inner, encode, 'encodeWithOffsets is not available for a tokenizer.json with an NFC normalizer: offsets into the normalized text would not match the input');
}

/**
 * `inner` with its encoding replaced by `encode`, which works on the text in JavaScript before or
 * around inner's: every count and prefix comes from it, offsets are refused with `noOffsets` (the
 * text the core sees is not the input), and there are no safe cuts to split the text at. Decoding
 * is inner's, synchronous only (the addon's async and batch jobs would encode without `encode`).
 */
export function encodedInJs(inner: NativeEncodingHandle, encode: (t: string | Uint8Array, a: Uint8Array | null, d: Uint8Array | null) => Uint32Array, noOffsets: string): NativeEncodingHandle {
  return {
    ...syncOnly(inner),
    setOutputBuffer: undefined,
    encode,
    count: (t, a, d) => encode(t, a, d).length,
    encodePrefix: (t, a, d, m) => encode(t, a, d).slice(0, m),
    countUpTo: (t, a, d) => encode(t, a, d).length,
    encodeWithOffsets: () => {
      throw new TurbotokenError(noOffsets, 'ERR_UNSUPPORTED_TOKENIZER');
    },
    safeCuts: () => new Uint32Array(0),
    // The core's tokens; which encode to themselves is for `encode` to say, not the core.
    vocabularyTable: inner.vocabularyTable ? () => inner.vocabularyTable!(false) : undefined,
  };
}
