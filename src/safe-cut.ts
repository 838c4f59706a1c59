// Where a text may be cut so that encoding the two parts separately gives exactly the ids of the
// whole, and the segmenters built on it: for streams (encodeStream, the CLI's text and JSON
// lines), for whole texts (encodeGenerator) and for raw bytes (the corpus CLI's plain-text files).
// Its twin in the core is native/core/pretok/safe_cut.cpp; test/data/safe-cut-cases.json holds
// both to one table of cases.
//
// Why these rules are exact (T is the text, p the cut, "ws" is the reference's \s, i.e. Unicode
// White_Space; see docs/encoding.md for the patterns):
// - A cut is exact when the pieces of the whole have a boundary at p and the pieces before p are
//   the same whether or not the text goes on. The pieces after p are then the same too: no
//   pattern looks behind.
// - Without lookahead, every match found in T[..p) is also a match in T, and the reference picks
//   the first alternative that matches; so truncation can only change a piece through `$`/`(?!\S)`,
//   i.e. through `\s+(?!\S)` now matching a whitespace run up to p. Each rule below either has a
//   non-whitespace character before p or makes that longer match equal to the real one.
// - No special token contains whitespace (checked at construction), and every rule has whitespace
//   at p-1 or p, so no special-token occurrence spans a cut.
//
// The rules (all families unless said):
//  W  T[p-1] not ws, T[p] ws other than CR/LF: no piece runs from a non-ws character into a
//     following space/tab/etc. (only CR/LF may trail punctuation in cl100k/o200k).
//  R  T[p-1], T[p] ws, T[p+1] not ws (cl100k/o200k: T[p] not CR/LF): a run followed by text ends
//     with `\s+(?!\S)` giving back its last character, which is exactly the cut. T[p+1] must not
//     be able to start a special token: an allowed one ends the segment, and a run at the end of
//     a segment is one piece.
//  L  cl100k/o200k: T[p-1] CR/LF, T[p] neither ws nor '/': every piece holding a CR/LF ends at its
//     run's last CR/LF ('/' may trail punctuation and newlines in o200k).
//  G  gpt2 family: T[p-2] not ws, T[p-1] ws but not a space, T[p] not ws: a one-character run
//     that no letter, number or symbol piece can take as its leading space.
export interface CutRules {
  family: 'gpt2' | 'newline';
  /** First characters of the special tokens (rule R must not cut before one's predecessor). */
  specialStarts: ReadonlySet<number>;
}

export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
export const CL100K_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
export const O200K_PATTERN =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** Unicode White_Space (stable since Unicode 6.3): the reference's \s. */
export function isWhiteSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  if (c <= 0xa0) return c === 0x85 || c === 0xa0;
  if (c < 0x1680) return false;
  if (c === 0x1680 || c === 0x3000) return true;
  return (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f;
}

const isNewline = (c: number) => c === 0x0a || c === 0x0d;

/**
 * The cut rules for an encoding's split pattern and special tokens, or null when no cut is known
 * to be exact (an unknown pattern, or a special token containing whitespace): then nothing is cut.
 */
export function cutRules(pattern: string, specialTokens: Iterable<string>): CutRules | null {
  const specialStarts = new Set<number>();
  for (const token of specialTokens) {
    for (let i = 0; i < token.length; i++) if (isWhiteSpace(token.charCodeAt(i))) return null;
    if (token.length > 0) specialStarts.add(token.charCodeAt(0));
  }
  if (pattern === GPT2_PATTERN) return { family: 'gpt2', specialStarts };
  if (pattern === CL100K_PATTERN || pattern === O200K_PATTERN) return { family: 'newline', specialStarts };
  return null;
}

/**
 * Whether cutting `s` before index p is exact. Characters outside `s` count as unknown, so a
 * rule that needs them does not apply; callers pass enough context around p.
 */
export function isSafeCut(s: string, p: number, rules: CutRules): boolean {
  if (p < 1 || p >= s.length) return false;
  const before = s.charCodeAt(p - 1);
  const here = s.charCodeAt(p);
  if (!isWhiteSpace(before)) return isWhiteSpace(here) && !isNewline(here); // W
  const newlineFamily = rules.family === 'newline';
  if (isWhiteSpace(here)) {
    // R: needs the character after p, which ends the run.
    if (p + 1 >= s.length) return false;
    const after = s.charCodeAt(p + 1);
    if (isWhiteSpace(after) || rules.specialStarts.has(after)) return false;
    return !newlineFamily || !isNewline(here);
  }
  if (newlineFamily) return isNewline(before) && here !== 0x2f; // L
  return before !== 0x20 && p >= 2 && !isWhiteSpace(s.charCodeAt(p - 2)); // G
}

const rulesOf = new WeakMap<object, CutRules | null>();

/** The cut rules of an encoding (cutRules of its pattern and special tokens), computed once. */
export function cutRulesOf(encoding: { readonly patternSource: string; readonly specialTokens: Readonly<Record<string, number>> }): CutRules | null {
  let rules = rulesOf.get(encoding);
  if (rules === undefined) {
    rules = cutRules(encoding.patternSource, Object.keys(encoding.specialTokens));
    rulesOf.set(encoding, rules);
  }
  return rules;
}

/** A Segmenter that cuts only where `encoding` allows exact cuts (see Segmenter for `target`). */
export function segmenterFor(encoding: Parameters<typeof cutRulesOf>[0], target?: number): Segmenter {
  return new Segmenter(cutRulesOf(encoding), target);
}

const CONTEXT = 3; // characters before a cut that the rules read (p-2, p-1), plus one undecided

/**
 * Splits a stream of text into segments that encode independently to the ids of the whole.
 * Text after the last cut is held back until more text (or the end) decides it.
 *
 * Work is linear however the input is chunked: a position is examined at most twice (the last
 * one of a push again, since rule R needs the character after it), and only where a cut is
 * wanted: backwards from the end in eager mode, from `target` characters after the last cut
 * otherwise. Held-back text is kept as the pushed pieces and joined once per cut. It is
 * unbounded when the input has no cut point: such text is held until the end.
 */
export class Segmenter {
  readonly #rules: CutRules | null;
  readonly #target: number | undefined;
  #held: string[] = [];
  #heldLength = 0;
  #heldStart = 0; // stream offset of the held text (the last cut)
  #scanFrom = 1; // stream offset of the first position not yet examined
  // The last few characters of the stream, emitted or held: rules look back past a push's start.
  #context = '';
  /** @internal Work done so far, for tests that check it grows linearly: positions examined, characters copied. */
  readonly work = { examined: 0, copied: 0 };

  /**
   * @param rules from cutRules(); null never cuts.
   * @param target without it, each push emits everything up to the last cut (lowest latency,
   *   for streams); with it, segments end at the first cut at least `target` characters long.
   */
  constructor(rules: CutRules | null, target?: number) {
    this.#rules = rules;
    this.#target = target === undefined ? undefined : Math.max(1, target);
  }

  /** Characters held back, waiting for a cut. */
  get heldLength(): number {
    return this.#heldLength;
  }

  /** Adds text; returns the segments now known to be exact (possibly none). */
  push(text: string): string[] {
    if (text.length === 0) return [];
    const window = this.#context + text;
    // Stream offset of window[0].
    const origin = this.#heldStart + this.#heldLength - this.#context.length;
    this.#context = window.slice(-CONTEXT);
    const cuts = this.#rules ? this.#findCuts(window, origin) : [];
    if (cuts.length === 0) {
      this.#held.push(text);
      this.#heldLength += text.length;
      return [];
    }
    const all = this.#held.join('') + text;
    this.work.copied += all.length;
    const segments: string[] = [];
    let start = 0;
    for (const cut of cuts) {
      segments.push(all.slice(start, cut - this.#heldStart));
      start = cut - this.#heldStart;
    }
    const rest = all.slice(start);
    this.#held = rest ? [rest] : [];
    this.#heldStart += start;
    this.#heldLength = rest.length;
    return segments;
  }

  /** The held-back text; the segmenter is then empty and can start a new stream. */
  end(): string {
    const rest = this.#held.join('');
    this.#held = [];
    this.#heldLength = 0;
    this.#heldStart = 0;
    this.#scanFrom = 1;
    this.#context = '';
    return rest;
  }

  // Stream offsets of the cuts to make; each leaves a non-empty segment.
  #findCuts(window: string, origin: number): number[] {
    const rules = this.#rules as CutRules;
    const end = origin + window.length; // stream offset after the window
    const lowest = Math.max(this.#scanFrom, this.#heldStart + 1, origin + 1);
    const cuts: number[] = [];
    if (this.#target === undefined) {
      for (let p = end - 1; p >= lowest; p--) {
        this.work.examined++;
        if (isSafeCut(window, p - origin, rules)) {
          cuts.push(p);
          break;
        }
      }
      this.#scanFrom = end - 1;
      return cuts;
    }
    let start = this.#heldStart;
    let p = Math.max(lowest, start + this.#target);
    for (; p < end; p++) {
      this.work.examined++;
      if (!isSafeCut(window, p - origin, rules)) continue;
      cuts.push(p);
      start = p;
      p = start + this.#target - 1;
    }
    this.#scanFrom = Math.min(p, end - 1);
    return cuts;
  }
}

// encodeGenerator's chunks are about this long (tests make them short).
let generatorTarget = 1 << 16;

/** @internal For tests: the length after which encodeGenerator cuts at the next ASCII seam. */
export function setChunkTarget(length: number): void {
  generatorTarget = length;
}

const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isAsciiAlnum = (c: number) => isAsciiLetter(c) || (c >= 0x30 && c <= 0x39);

// encodeGenerator cuts only at the safe cuts that are ASCII seams, the points docs/api.md names:
// a space between two ASCII letters (a case of rule W), or a newline after a visible ASCII
// character and before an ASCII letter or digit (a case of L, or of G in the gpt2 family).
function isAsciiSeam(s: string, p: number): boolean {
  const here = s.charCodeAt(p);
  const before = s.charCodeAt(p - 1);
  if (here === 0x20) return isAsciiLetter(before) && isAsciiLetter(s.charCodeAt(p + 1));
  if (before !== 0x0a || p < 2) return false;
  const beforeNewline = s.charCodeAt(p - 2);
  return beforeNewline > 0x20 && beforeNewline < 0x7f && isAsciiAlnum(here);
}

/**
 * [start, end) bounds of the segments of a whole text: each ends at the first safe ASCII seam at
 * least `target` characters after its start. One segment when rules is null or no seam exists;
 * none for ''.
 */
export function* seamSegments(text: string, rules: CutRules | null, target: number): Generator<[number, number]> {
  const step = Math.max(1, target);
  let start = 0;
  while (start < text.length) {
    let end = rules ? Math.min(text.length, start + step) : text.length;
    while (end < text.length && !(isAsciiSeam(text, end) && isSafeCut(text, end, rules as CutRules))) end++;
    yield [start, end];
    start = end;
  }
}

/** encodeGenerator's chunks: the ids of each seam segment of `text`; returns the total count. */
export function* encodeSegments(text: string, rules: CutRules | null, encode: (segment: string) => Uint32Array): Generator<Uint32Array, number, undefined> {
  let total = 0;
  for (const [start, end] of seamSegments(text, rules, generatorTarget)) {
    const ids = encode(text.slice(start, end));
    total += ids.length;
    yield ids;
  }
  return total;
}

// The corpus command cuts a plain-text file's raw bytes without decoding them on the reading
// thread: the workers' encode() reads each segment as TextDecoder would. Its one cut is the
// byte-level case of rule W: before byte p a visible ASCII character (0x21-0x7E, never
// whitespace), at p an ASCII space or tab (whitespace, neither CR nor LF). It is exact even in
// ill-formed UTF-8: an ASCII byte always ends any pending sequence in the WHATWG decoder (which
// emits U+FFFD for it and reads the ASCII byte afresh), so decoding the bytes before p and from
// p separately gives the decoding of the whole, split at p, and in that text rule W holds at p.
// Text without such a pair (e.g. scripts written without ASCII spaces) stays in one segment.
const SPACE = 0x20;
const TAB = 0x09;

function isByteCut(before: number, here: number): boolean {
  return (here === SPACE || here === TAB) && before >= 0x21 && before <= 0x7e;
}

export class ByteSegmenter {
  #parts: Uint8Array[] = [];
  #held = 0; // bytes in #parts
  #previous = -1; // the byte before the current chunk, or -1

  /**
   * @param target segments end at the first cut at least this many bytes long
   * @param enabled false when the encoding has no known exact cuts (cutRulesOf is null): then
   *   nothing is cut
   */
  constructor(
    readonly target: number,
    readonly enabled: boolean,
  ) {}

  /** Adds bytes (kept, not copied: pass a buffer that is not reused); returns finished segments. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let from = 0; // chunk offset where the held segment continues
    while (this.enabled) {
      const p = this.#findCut(chunk, Math.max(from + (this.#held === 0 ? 1 : 0), from + this.target - this.#held));
      if (p < 0) break;
      this.#parts.push(chunk.subarray(from, p));
      out.push(this.#take());
      from = p;
    }
    if (from < chunk.length) {
      this.#parts.push(chunk.subarray(from));
      this.#held += chunk.length - from;
    }
    if (chunk.length) this.#previous = chunk[chunk.length - 1];
    return out;
  }

  /** The held bytes (the last segment); the segmenter is then empty for a new file. */
  end(): Uint8Array {
    const rest = this.#take();
    this.#previous = -1;
    return rest;
  }

  // Each byte is examined at most once per segment: the search starts `target` bytes after a cut.
  #findCut(chunk: Uint8Array, start: number): number {
    for (let p = Math.max(0, start); p < chunk.length; p++) {
      const here = chunk[p];
      if (here !== SPACE && here !== TAB) continue;
      if (isByteCut(p > 0 ? chunk[p - 1] : this.#previous, here)) return p;
    }
    return -1;
  }

  // One copy of the held bytes: a segment owns its memory, so posting it copies only itself.
  #take(): Uint8Array {
    const parts = this.#parts;
    this.#parts = [];
    this.#held = 0;
    return Buffer.concat(parts);
  }
}
