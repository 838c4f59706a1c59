// Hugging Face pre-tokenizers that a single split pattern cannot express: a Sequence of Split
// steps (DeepSeek-V3), Digits, Punctuation, Whitespace, WhitespaceSplit and ByteLevel in any
// order, each Split with any `behavior` and `invert`. Every step is run as Hugging Face runs it:
// on each piece the steps before it left, separately (a piece's edges are the text's edges for
// its anchors and lookarounds). The character-class steps are one-character patterns, so every
// step runs on the core's linear-time matcher (src/pattern-matcher.ts). Splits followed at most by
// a last ByteLevel that adds nothing (DeepSeek-V3's form) run in the core in one call (its
// Splitter, native/core/regex/splitter.h); other orders run step by step from here.
import { TurbotokenError } from './errors';
import { createSplitter, findMatches, SplitMode, type SplitStepSpec, type SplitterHandle } from './pattern-matcher';
import { fromOniguruma } from './onig-dialect';
import { compilePattern, type PatternProgram } from './pattern-program';
import { Op } from './program-enums';
import { GPT2_PATTERN } from './safe-cut';
import { HF_DIGITS, HF_PUNCTUATION } from './hf-char-classes';
import { fields, isObject, malformed, unsupported, type Json } from './tokenizer-json-read';

export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

const BEHAVIORS: readonly string[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

export type PreTokenizerStep =
  | { kind: 'split'; key: string; label: string; pattern: string; program: PatternProgram; behavior: SplitBehavior; invert: boolean }
  | { kind: 'byteLevel'; key: string; addPrefixSpace: boolean; useRegex: boolean };

/** Text cut into pieces for the model: the pieces' bytes one after another, and where each ends. */
export interface Pieces {
  bytes: Uint8Array;
  ends: Uint32Array;
}

/** The GPT-2 pattern ByteLevel splits with when use_regex is true. */
export const BYTE_LEVEL_PATTERN = GPT2_PATTERN;

// The character tests of the other pre-tokenizers as one-character patterns: a pattern that
// matches exactly one character finds the same matches as Hugging Face's per-character test.
// Digits and Punctuation test with Unicode tables of their own (src/hf-char-classes.ts);
// char::is_whitespace is the White_Space property, which the dialect's \s is.
const rangeClass = (ranges: string) => `[${ranges.split(' ').map((r) => r.split('-').map((h) => `\\x{${h}}`).join('-')).join('')}]`;
const DIGIT = rangeClass(HF_DIGITS);
const PUNCTUATION = rangeClass(HF_PUNCTUATION);
const WHITESPACE_CHAR = '\\s';
const WHITESPACE_WORDS = '\\w+|[^\\w\\s]+';

/**
 * Whether the program can match without reading a character (assertions taken as true, so a
 * pattern whose empty matches all fail an assertion counts too). Hugging Face cuts text at an empty
 * match, where the core's matcher skips it.
 */
export function canMatchEmpty(program: PatternProgram): boolean {
  const w = program.words;
  const n = w[0];
  const seen = new Uint8Array(n);
  const stack = [0];
  while (stack.length) {
    const pc = stack.pop()!;
    if (pc >= n || seen[pc]) continue;
    seen[pc] = 1;
    const op = w[2 + 3 * pc];
    const a = w[3 + 3 * pc];
    const b = w[4 + 3 * pc];
    if (op === Op.Match) return true;
    if (op === Op.Class) continue; // reads a character
    if (op === Op.Split) stack.push(a, b);
    else if (op === Op.Jump) stack.push(a);
    else stack.push(pc + 1); // an assertion
  }
  return false;
}

/**
 * Where a Split's Regex comes from: a tokenizer.json, whose patterns Hugging Face reads with
 * Oniguruma ('oniguruma': rewritten into the other dialect first, src/onig-dialect.ts), or this
 * package's own steps, already in the dialect of `new Encoding({ pattern })` ('reference': a saved
 * encoding's steps).
 */
export type RegexDialect = 'oniguruma' | 'reference';

function splitStep(source: string, key: string, given: string, behavior: SplitBehavior, invert: boolean, label?: string, dialect: RegexDialect = 'reference'): PreTokenizerStep {
  let program: PatternProgram;
  let pattern = given;
  try {
    if (dialect === 'oniguruma') pattern = fromOniguruma(given);
    program = compilePattern(pattern);
  } catch (error) {
    if (error instanceof TurbotokenError) {
      const rewritten = pattern !== given ? ` (the file's pattern ${JSON.stringify(given)}, rewritten from Oniguruma's dialect)` : '';
      throw unsupported(source, key, error.message + rewritten);
    }
    throw error;
  }
  return { kind: 'split', key, label: label ?? `Split(/${pattern}/, ${behavior}${invert ? ', invert' : ''})`, pattern, program, behavior, invert };
}

function readBehavior(value: unknown, source: string, key: string): SplitBehavior {
  if (typeof value === 'string' && BEHAVIORS.includes(value)) return value as SplitBehavior;
  throw malformed(source, key, `expected one of ${BEHAVIORS.map((b) => `"${b}"`).join(', ')}; got ${JSON.stringify(value) ?? String(value)}`);
}

/**
 * One pre-tokenizer of a tokenizer.json (not a Sequence) as a step, or an error naming the key
 * that cannot be reproduced. `step` holds the object's own fields only.
 */
export function readStep(step: Json, source: string, key: string, dialect: RegexDialect = 'oniguruma'): PreTokenizerStep {
  switch (step.type) {
    case 'ByteLevel':
      for (const flag of ['add_prefix_space', 'use_regex'] as const) {
        if (step[flag] !== undefined && typeof step[flag] !== 'boolean') throw malformed(source, `${key}.${flag}`, 'expected true or false');
      }
      return { kind: 'byteLevel', key, addPrefixSpace: step.add_prefix_space === true, useRegex: step.use_regex !== false };
    case 'Split': {
      const p = isObject(step.pattern) ? fields(step.pattern) : step.pattern;
      let pattern: string;
      // A String is escaped into a pattern that both dialects read as those characters.
      if (isObject(p) && typeof p.Regex === 'string') pattern = p.Regex;
      else if (isObject(p) && typeof p.String === 'string') pattern = p.String.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      else throw malformed(source, `${key}.pattern`, 'expected {"Regex": "..."} or {"String": "..."}');
      if (step.invert !== undefined && typeof step.invert !== 'boolean') throw malformed(source, `${key}.invert`, 'expected true or false');
      return splitStep(source, `${key}.pattern`, pattern, readBehavior(step.behavior, source, `${key}.behavior`), step.invert === true, undefined, isObject(p) && typeof p.Regex === 'string' ? dialect : 'reference');
    }
    case 'Digits':
      if (step.individual_digits !== undefined && typeof step.individual_digits !== 'boolean') throw malformed(source, `${key}.individual_digits`, 'expected true or false');
      return step.individual_digits === true ? splitStep(source, key, DIGIT, 'Isolated', false, 'Digits(individual_digits)') : splitStep(source, key, DIGIT, 'Contiguous', false, 'Digits');
    case 'Punctuation': {
      const behavior = step.behavior === undefined ? 'Isolated' : readBehavior(step.behavior, source, `${key}.behavior`);
      return splitStep(source, key, PUNCTUATION, behavior, false, `Punctuation(${behavior})`);
    }
    case 'Whitespace':
      return splitStep(source, key, WHITESPACE_WORDS, 'Removed', true, 'Whitespace');
    case 'WhitespaceSplit':
      return splitStep(source, key, WHITESPACE_CHAR, 'Removed', false, 'WhitespaceSplit');
    default:
      throw unsupported(source, `${key}.type`, `the pre-tokenizer ${JSON.stringify(step.type) ?? String(step.type)} is not supported (only ByteLevel, Split, Digits, Punctuation, Whitespace, WhitespaceSplit and a Sequence of them)`);
  }
}

// ---- Running the steps ----

/** GPT-2's byte-to-character map as UTF-8: byte b becomes MAP_BYTES[MAP_START[b] .. MAP_START[b + 1]). */
const MAP_START = new Uint16Array(257);
const MAP_BYTES = new Uint8Array(256 * 2);
/** The inverse, from a mapped character's code point (all below 0x144) to its byte. */
const UNMAP = new Int16Array(0x144).fill(-1);
{
  let extra = 0;
  let at = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const c = printable ? b : 256 + extra++;
    UNMAP[c] = b;
    MAP_START[b] = at;
    if (c < 0x80) MAP_BYTES[at++] = c;
    else {
      MAP_BYTES[at++] = 0xc0 | (c >> 6);
      MAP_BYTES[at++] = 0x80 | (c & 0x3f);
    }
  }
  MAP_START[256] = at;
}

/** A piece's bytes as ByteLevel's characters (in UTF-8). */
function mapBytes(piece: Uint8Array): Uint8Array {
  let size = 0;
  for (let i = 0; i < piece.length; i++) size += MAP_START[piece[i] + 1] - MAP_START[piece[i]];
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < piece.length; i++) {
    for (let j = MAP_START[piece[i]]; j < MAP_START[piece[i] + 1]; j++) out[at++] = MAP_BYTES[j];
  }
  return out;
}

/** The bytes ByteLevel's characters (in UTF-8) stand for: each character is one byte. */
function unmapBytes(piece: Uint8Array): Uint8Array {
  const out = new Uint8Array(piece.length);
  let at = 0;
  for (let i = 0; i < piece.length; ) {
    const b = piece[i];
    const c = b < 0x80 ? b : ((b & 0x1f) << 6) | (piece[i + 1] & 0x3f);
    i += b < 0x80 ? 1 : 2;
    out[at++] = UNMAP[c];
  }
  return out.subarray(0, at);
}

/**
 * The [start, end) byte ranges of `piece` that the step keeps, as Hugging Face's
 * NormalizedString::split makes them: the matches and the text between them, flagged (inverted by
 * `invert`), combined by the behavior, empty ranges dropped.
 */
function splitRanges(piece: Uint8Array, program: PatternProgram, behavior: SplitBehavior, invert: boolean): number[] {
  const bounds = findMatches(program, piece);
  // [start, end, isMatch] triples over the whole piece.
  const marks: number[] = [];
  let last = 0;
  for (let k = 0; k < bounds.length; k += 2) {
    if (bounds[k] > last) marks.push(last, bounds[k], invert ? 1 : 0);
    marks.push(bounds[k], bounds[k + 1], invert ? 0 : 1);
    last = bounds[k + 1];
  }
  if (last < piece.length) marks.push(last, piece.length, invert ? 1 : 0);
  const out: number[] = [];
  switch (behavior) {
    case 'Isolated':
      for (let k = 0; k < marks.length; k += 3) out.push(marks[k], marks[k + 1]);
      break;
    case 'Removed':
      for (let k = 0; k < marks.length; k += 3) if (!marks[k + 2]) out.push(marks[k], marks[k + 1]);
      break;
    case 'Contiguous': {
      let previous = 0;
      for (let k = 0; k < marks.length; k += 3) {
        if (marks[k + 2] === previous && out.length) out[out.length - 1] = marks[k + 1];
        else out.push(marks[k], marks[k + 1]);
        previous = marks[k + 2];
      }
      break;
    }
    case 'MergedWithPrevious': {
      let previous = 0;
      for (let k = 0; k < marks.length; k += 3) {
        if (marks[k + 2] && !previous && out.length) out[out.length - 1] = marks[k + 1];
        else out.push(marks[k], marks[k + 1]);
        previous = marks[k + 2];
      }
      break;
    }
    case 'MergedWithNext': {
      // Hugging Face folds from the end: a match joins the range after it.
      let previous = 0;
      const rev: number[] = [];
      for (let k = marks.length - 3; k >= 0; k -= 3) {
        if (marks[k + 2] && !previous && rev.length) rev[rev.length - 2] = marks[k];
        else rev.push(marks[k], marks[k + 1]);
        previous = marks[k + 2];
      }
      for (let k = rev.length - 2; k >= 0; k -= 2) out.push(rev[k], rev[k + 1]);
      break;
    }
  }
  return out;
}

const MODES: Record<SplitBehavior, SplitMode> = {
  Removed: SplitMode.Removed,
  Isolated: SplitMode.Isolated,
  MergedWithPrevious: SplitMode.MergedWithPrevious,
  MergedWithNext: SplitMode.MergedWithNext,
  Contiguous: SplitMode.Contiguous,
};

/**
 * The steps as the core's Splitter runs them, or undefined where a step changes the text for the
 * steps after it (ByteLevel before a Split, or adding a space): Splits only cut and drop, and a
 * last ByteLevel that adds no space only cuts (with its GPT-2 pattern) or does nothing to bytes.
 */
function coreSteps(steps: readonly PreTokenizerStep[]): SplitStepSpec[] | undefined {
  const out: SplitStepSpec[] = [];
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k];
    if (step.kind === 'split') out.push({ program: step.program, mode: MODES[step.behavior], invert: step.invert });
    else if (k + 1 < steps.length || step.addPrefixSpace) return undefined;
    else if (step.useRegex) out.push({ program: compilePattern(BYTE_LEVEL_PATTERN), mode: SplitMode.Isolated });
  }
  return out.length ? out : undefined;
}

/** Runs the steps over the UTF-8 bytes of a segment of text (no special tokens in it). */
export class PreTokenizerSequence {
  /** Whether the pieces are always the text itself, cut (no step removes or adds text). */
  readonly keepsText: boolean;
  readonly #core: SplitStepSpec[] | undefined;
  #splitter: SplitterHandle | undefined;

  constructor(readonly steps: readonly PreTokenizerStep[]) {
    this.keepsText = steps.every((s) => (s.kind === 'split' ? s.behavior !== 'Removed' : !s.addPrefixSpace));
    this.#core = coreSteps(steps);
  }

  /** What the core's kept DFAs for these steps hold now (0 when the steps run from JavaScript). */
  memoryBytes(): number {
    return this.#splitter ? this.#splitter.memoryBytes() : 0;
  }

  /** The steps in a line, for Encoding.patternSource: e.g. Sequence[Split(/\p{N}{1,3}/, Isolated), ByteLevel]. */
  describe(): string {
    const step = (s: PreTokenizerStep) =>
      s.kind === 'split'
        ? s.label
        : `ByteLevel(${[s.useRegex ? 'use_regex' : '', s.addPrefixSpace ? 'add_prefix_space' : ''].filter(Boolean).join(', ')})`;
    return `Sequence[${this.steps.map(step).join(', ')}]`;
  }

  /** The core's splitter for the whole sequence, or undefined when some step runs in JavaScript. */
  nativeSplitter(): SplitterHandle | undefined {
    if (this.#core) this.#splitter ??= createSplitter(this.#core);
    return this.#splitter;
  }

  pieces(text: Uint8Array): Pieces {
    if (this.#core) {
      this.#splitter ??= createSplitter(this.#core);
      return packPieces(text, this.#splitter.split(text));
    }
    let pieces: Uint8Array[] = text.length ? [text] : [];
    let mapped = false;
    for (let s = 0; s < this.steps.length; s++) {
      const step = this.steps[s];
      const next: Uint8Array[] = [];
      if (step.kind === 'split') {
        for (const piece of pieces) {
          const ranges = splitRanges(piece, step.program, step.behavior, step.invert);
          for (let k = 0; k < ranges.length; k += 2) if (ranges[k + 1] > ranges[k]) next.push(piece.subarray(ranges[k], ranges[k + 1]));
        }
      } else {
        const later = s + 1 < this.steps.length;
        const program = step.useRegex ? compilePattern(BYTE_LEVEL_PATTERN) : undefined;
        for (let piece of pieces) {
          // Hugging Face adds the space before the pattern runs, to the text as it is then.
          if (step.addPrefixSpace && piece[0] !== 0x20) {
            const spaced = new Uint8Array(piece.length + 1);
            spaced[0] = 0x20;
            spaced.set(piece, 1);
            piece = spaced;
          }
          const parts: Uint8Array[] = [];
          if (program) {
            const ranges = splitRanges(piece, program, 'Isolated', false);
            for (let k = 0; k < ranges.length; k += 2) parts.push(piece.subarray(ranges[k], ranges[k + 1]));
          } else {
            parts.push(piece);
          }
          // The characters only matter to a later step; the model reads the bytes either way.
          for (const part of parts) next.push(later ? mapBytes(part) : part);
        }
        if (later) mapped = true;
      }
      pieces = next;
    }
    let size = 0;
    if (mapped) pieces = pieces.map(unmapBytes);
    for (const piece of pieces) size += piece.length;
    const bytes = new Uint8Array(size);
    const ends = new Uint32Array(pieces.length);
    let at = 0;
    pieces.forEach((piece, k) => {
      bytes.set(piece, at);
      ends[k] = at += piece.length;
    });
    return { bytes, ends };
  }
}

/** Pieces from [start, end) pairs into `text`: the text itself when they cover it end to end, else their bytes packed. */
function packPieces(text: Uint8Array, pairs: Uint32Array): Pieces {
  const count = pairs.length / 2;
  const ends = new Uint32Array(count);
  let whole = count === 0 ? text.length === 0 : pairs[0] === 0 && pairs[pairs.length - 1] === text.length;
  for (let k = 0; k < count; k++) {
    ends[k] = pairs[2 * k + 1];
    if (k > 0 && pairs[2 * k] !== pairs[2 * k - 1]) whole = false;
  }
  if (whole) return { bytes: text, ends };
  let size = 0;
  for (let k = 0; k < count; k++) ends[k] = size += pairs[2 * k + 1] - pairs[2 * k];
  const bytes = new Uint8Array(size);
  for (let k = 0, at = 0; k < count; k++) {
    bytes.set(text.subarray(pairs[2 * k], pairs[2 * k + 1]), at);
    at = ends[k];
  }
  return { bytes, ends };
}

/** How a tokenizer.json's pre_tokenizer splits: one pattern with the gaps kept (the fast path), or the steps. */
export type PreTokenizerPlan = { pattern: string; keepGaps: true } | { sequence: PreTokenizerSequence };

/**
 * The pre_tokenizer of a byte-level model as a plan. It must hold exactly one ByteLevel step (the
 * model's vocabulary is in ByteLevel's characters); Sequences may nest.
 */
export function readPreTokenizer(pre: unknown, source: string, dialect: RegexDialect = 'oniguruma'): PreTokenizerPlan {
  const steps: PreTokenizerStep[] = [];
  const collect = (given: unknown, key: string, depth: number) => {
    if (!isObject(given)) throw malformed(source, key, 'not an object');
    const step = fields(given);
    if (step.type === 'Sequence') {
      if (!Array.isArray(step.pretokenizers)) throw malformed(source, `${key}.pretokenizers`, 'missing or not an array');
      if (depth > 20) throw unsupported(source, key, 'Sequences nested more than 20 deep are not supported');
      const list = step.pretokenizers as unknown[];
      for (let k = 0; k < list.length; k++) collect(list[k], `${key}.pretokenizers[${k}]`, depth + 1);
      return;
    }
    steps.push(readStep(step, source, key, dialect));
  };
  if (pre === null || pre === undefined) throw unsupported(source, 'pre_tokenizer', 'a byte-level model needs a ByteLevel pre-tokenizer; there is none');
  collect(pre, 'pre_tokenizer', 0);
  const byteLevel = steps.filter((s) => s.kind === 'byteLevel');
  if (byteLevel.length === 0) throw unsupported(source, 'pre_tokenizer', 'a byte-level model needs a ByteLevel pre-tokenizer; there is none');
  if (byteLevel.length > 1) throw unsupported(source, byteLevel[1].key, 'a second ByteLevel step is not supported');
  // Hugging Face's Split cuts the text at every empty match, whatever the behavior (an empty piece
  // joins a neighbour or is dropped, and the cut stays; with invert and Removed only the non-empty
  // matches are kept): `x*|\n` makes "ab" the pieces a and b. Oniguruma's iteration yields an empty
  // match at every position after an empty one, even where a longer alternative exists. Neither the
  // core's Splitter nor the one-pattern path reproduces that, so such a pattern is refused wherever
  // it stands, alone or in a sequence.
  for (const step of steps) {
    if (step.kind === 'split' && canMatchEmpty(step.program)) throw unsupported(source, step.key, `the pattern ${JSON.stringify(step.pattern)} can match the empty string, which is not supported (Hugging Face cuts the text at each empty match)`);
  }
  const last = steps[steps.length - 1];
  // One Isolated pattern, then ByteLevel adding nothing: the pieces are that pattern's matches and
  // the text between them, which the fast path gives.
  if (last.kind === 'byteLevel' && !last.addPrefixSpace) {
    const splits = steps.slice(0, -1);
    if (splits.length === 0 && last.useRegex) return { pattern: BYTE_LEVEL_PATTERN, keepGaps: true };
    const only = splits[0];
    if (splits.length === 1 && !last.useRegex && only.kind === 'split' && only.behavior === 'Isolated' && !only.invert) return { pattern: only.pattern, keepGaps: true };
  }
  return { sequence: new PreTokenizerSequence(steps) };
}
