// new Encoding({ name, pattern, ranks, specialTokens }): a caller's vocabulary, checked, packed and
// loaded into the core; the split pattern picks a native scanner or the RegExp path.
import { checkObject, checkOneOf, checkString, isMap, mapPairs, quote, readOptions } from './args';
import { TurbotokenError, typeError } from './errors';
import type { NativeEncodingHandle } from './backend-contract';
import { native } from './native';
import { FAMILY_CODE, knownFamily, type PatternKind } from './pattern';
import { compilePattern, type PatternProgram } from './pattern-program';
import type { PreTokenizerSequence } from './pretokenizer-sequence';
import { nfcFirst, PatternHandle, syncOnly } from './regexp-handle';
import { blobHasEveryByte, blobWhereRank, findDuplicateBytes, packVocabulary, readRanks, type RanksInput, type RankEntry } from './vocab-file';

export interface EncodingOptions {
  /** A name for messages and encodeChat's framing, e.g. 'my_vocab'. */
  name: string;
  /** The split pattern, in the syntax of the reference's regex engine (tiktoken's pat_str). */
  pattern: string;
  /** A .tiktoken file (path, contents as Uint8Array, or text with a line break or in the npm tiktoken package's "! ..." form), or a Map from bytes to rank. */
  ranks: RanksInput;
  /** Special tokens and their ids (an object or a Map). Default: none. */
  specialTokens?: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
  /**
   * Text that no match of the pattern covers: 'drop' (the default; tiktoken drops it) or 'keep' (a
   * piece of its own, as Hugging Face's Split with behavior Isolated keeps it; what `train` uses).
   */
  unmatched?: 'drop' | 'keep';
}

/**
 * How a Hugging Face tokenizer.json splits and normalizes where that differs from tiktoken. Not an
 * option of new Encoding(options): only Encoding.fromTokenizerJson passes it, as
 * buildCustomEncoding's second argument.
 */
export interface SplitSemantics {
  /** Split "Isolated": text between pattern matches is a piece too (tiktoken drops it). */
  keepGaps: boolean;
  /** The normalizer is NFC. */
  nfc: boolean;
  /** Added tokens found in the text as given, not in the normalized text (normalized: false). */
  rawTokens: readonly string[];
  /** Pre-tokenizer steps that one pattern cannot express; when given, `pattern` only names them. */
  sequence?: PreTokenizerSequence;
}

export interface BuiltEncoding {
  name: string;
  handle: NativeEncodingHandle;
  specialTokens: Record<string, number>;
  pattern: string;
  patternKind: PatternKind;
  /** What Encoding#save writes (src/saved-encoding.ts): everything this was built from. */
  packed: PackedBuild;
}

/** An encoding's build inputs with its vocabulary packed (the core's blob): buildPacked's input. */
export interface PackedBuild {
  name: string;
  pattern: string;
  blob: Uint8Array;
  specialTokens: Record<string, number>;
  semantics?: SplitSemantics;
  /** The compiled split patterns a saved encoding was restored with (src/saved-programs.ts), by pattern. */
  programs?: ReadonlyMap<string, PatternProgram>;
}

function specialError(message: string): TurbotokenError {
  return new TurbotokenError(message, 'ERR_INVALID_VOCABULARY');
}

function readSpecials(value: unknown, whereRank: (rank: number) => string | undefined): Record<string, number> {
  if (value === undefined) return {};
  const pairs: [unknown, unknown][] = isMap(value) ? mapPairs(value) : Object.entries(checkObject(value, 'specialTokens'));
  // No prototype: a special token may be named "__proto__" (JSON.parse makes such keys own properties).
  const out: Record<string, number> = Object.create(null);
  const byId = new Map<number, string>();
  for (const [text, id] of pairs) {
    if (typeof text !== 'string' || text === '') throw typeError(`specialTokens: a special token must be a non-empty string; received ${quote(text)}`);
    const where = `specialTokens[${quote(text)}]`;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= 0xffffffff) {
      throw specialError(`${where}: the id must be an integer from 0 to 4294967294; received ${quote(id)}`);
    }
    const rank = whereRank(id);
    if (rank !== undefined) throw specialError(`${where}: the id ${id} is also the rank of the token at ${rank}`);
    const other = byId.get(id);
    if (other !== undefined) throw specialError(`${where}: the id ${id} is also the id of ${quote(other)}`);
    if (Object.prototype.hasOwnProperty.call(out, text)) throw specialError(`${where}: defined twice`);
    byId.set(id, text);
    out[text] = id;
  }
  return out;
}

function hasEveryByte(entries: readonly RankEntry[]): boolean {
  const seen = new Uint8Array(256);
  let count = 0;
  for (const e of entries) {
    if (e.bytes.length === 1 && !seen[e.bytes[0]]) {
      seen[e.bytes[0]] = 1;
      count++;
    }
  }
  return count === 256;
}

/** Checks the options, loads the vocabulary into the core and picks the split path (tiktoken's, unless `semantics` says otherwise). */
export function buildCustomEncoding(options: unknown, semantics?: SplitSemantics): BuiltEncoding {
  const opts = readOptions(options, 'encoding', 'options');
  const name = checkString(opts.name, 'name');
  const pattern = checkString(opts.pattern, 'pattern');
  if (opts.ranks === undefined) throw typeError('The "ranks" option is required');
  if (checkOneOf(opts.unmatched, 'unmatched', ['drop', 'keep'] as const, 'drop') === 'keep') semantics = { nfc: false, rawTokens: [], ...semantics, keepGaps: true };
  const sequence = semantics?.sequence;
  const family = sequence ? undefined : knownFamily(pattern);
  const program = sequence ?? (family ? undefined : compilePattern(pattern)); // refuse a bad pattern before reading files
  const entries = readRanks(opts.ranks as RanksInput);
  const { blob, whereRank } = packVocabulary(entries);
  const specialTokens = readSpecials(opts.specialTokens, whereRank);
  return assemble({ name, pattern, blob, specialTokens, semantics }, program, hasEveryByte(entries), () => findDuplicateBytes(entries));
}

/**
 * An encoding from a PackedBuild whose vocabulary blob was packed before (a saved encoding): the
 * same checks and split path as buildCustomEncoding, without reading a vocabulary again.
 */
export function buildPacked(build: PackedBuild): BuiltEncoding {
  const { name, pattern, blob } = build;
  // A saved pre-tokenizer sequence (src/saved-encoding.ts) runs as its steps; its pattern only names them.
  const program = build.semantics?.sequence ?? (knownFamily(pattern) ? undefined : compilePattern(pattern));
  const specialTokens = readSpecials(build.specialTokens, blobWhereRank(blob));
  return assemble({ ...build, specialTokens }, program, blobHasEveryByte(blob), () => {});
}

function assemble(build: PackedBuild, program: ReturnType<typeof compilePattern> | PreTokenizerSequence | undefined, everyByte: boolean, nameDuplicates: () => void): BuiltEncoding {
  const { name, pattern, blob, specialTokens, semantics } = build;
  const family = knownFamily(pattern);
  const texts = Object.keys(specialTokens);
  const ids = texts.map((t) => specialTokens[t]);
  let core: NativeEncodingHandle;
  try {
    core = new native.NativeEncoding(blob, FAMILY_CODE[family ?? 'gpt2'], texts, ids);
  } catch (error) {
    nameDuplicates(); // the one inconsistency left to the core: name its lines
    throw error;
  }
  let handle: NativeEncodingHandle = core;
  if (program) handle = new PatternHandle(core, program, texts, ids, semantics?.keepGaps ?? false);
  else if (!everyByte) handle = syncOnly(core);
  if (semantics?.nfc) handle = nfcFirst(handle, texts, ids, new Set(semantics.rawTokens));
  return { name, handle, specialTokens, pattern, patternKind: family ?? 'regexp', packed: build };
}
