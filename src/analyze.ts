// Compression metrics of encodings over texts (docs/analysis.md has the definitions). Each text
// is encoded once per encoding; its ids only feed a histogram, so memory follows the vocabulary
// and the largest batch, not the corpus.
import { checkTextList, checkThreads, isMap, mapPairs, quote, readArgument, readOptions, type ReadOptions, type TextInput } from './args';
import { countedBatch, type Encoding, type EncodeOptions, isEncoding, specialPolicy } from './encoding';
import { rangeError, typeError } from './errors';
import { scanVocabulary } from './vocabulary-scan';

/**
 * alpha and threads, and encode's special-token options. Without any of those, special-token text
 * is ordinary text (each text's ids are encode(text, { disallowedSpecial: [] })); with any of
 * them, each text's ids are exactly encode(text, { allowedSpecial, disallowedSpecial,
 * splitSpecialTokens }), errors included.
 */
export interface AnalyzeOptions extends EncodeOptions {
  /** The order α of the Rényi entropy: a number > 0 (1: Shannon's). Default 2.5. */
  alpha?: number;
  /** Native threads for encoding (see encodeBatch). Default: the cores available. */
  threads?: number;
}

/** One encoding over one kind of text. Ratios with a zero denominator are NaN. */
export interface AnalysisRow {
  /** The encoding's name. */
  encoding: string;
  /** The text kind (the key of the texts record; 'text' for a plain list). */
  kind: string;
  texts: number;
  /** UTF-8 bytes of the texts (of a string: its UTF-8, a lone surrogate counting as U+FFFD). */
  bytes: number;
  /** Unicode code points. */
  characters: number;
  /** Maximal runs of characters that are not White_Space (Unicode's property). */
  words: number;
  tokens: number;
  /** Distinct token ids seen. */
  types: number;
  /** Ordinary tokens of the encoding (|V|: ids with bytes, special tokens not counted). */
  vocabularySize: number;
  bytesPerToken: number;
  charactersPerToken: number;
  /** Tokens per word. */
  fertility: number;
  /** types / vocabularySize. */
  utilisation: number;
  /** Rényi entropy of order alpha of the token distribution, in bits. */
  renyiEntropy: number;
  /** renyiEntropy / log2(vocabularySize). */
  renyiEfficiency: number;
  /** renyiEntropy / log2(types): what the tokenization-scorer package reports. */
  renyiEfficiencyObserved: number;
}

export interface Analysis {
  alpha: number;
  /** Encodings in the order given, each over the kinds in the order given. */
  rows: AnalysisRow[];
}

export type AnalyzeTexts = readonly TextInput[] | Readonly<Record<string, readonly TextInput[]>> | ReadonlyMap<string, readonly TextInput[]>;

const DEFAULT_ALPHA = 2.5;
// A batch is sent to the encoder once it holds this many UTF-16 units (or bytes): enough for the
// native threads to share, small enough that its ids stay a few tens of MB.
const BATCH_UNITS = 8 << 20;
const BATCH_TEXTS = 65536;
// From this size a text is encoded alone, so that encode() splits it over threads.
const LARGE_TEXT = 1 << 20;

/** An own property of a caller's options object, read once (inherited ones are not options). */
export function own(options: object, key: string): unknown {
  return readArgument(() => (Object.hasOwn(options, key) ? (options as Record<string, unknown>)[key] : undefined));
}

export function checkAlpha(value: unknown, name = 'alpha'): number {
  if (value === undefined) return DEFAULT_ALPHA;
  if (typeof value !== 'number') throw typeError(`The "${name}" option must be a number; received ${quote(value)}`);
  if (!(value > 0) || !Number.isFinite(value)) throw rangeError(`The "${name}" option must be a finite number > 0; received ${value}`);
  return value;
}

/** The encodings argument: one Encoding or an array of them. */
export function checkEncodings(value: unknown, name = 'encodings'): Encoding[] {
  const list = readArgument(() => (Array.isArray(value) ? [...(value as unknown[])] : [value]));
  if (list.length === 0) throw rangeError(`The "${name}" argument must hold at least one Encoding`);
  list.forEach((e, k) => {
    if (!isEncoding(e)) throw typeError(`The "${Array.isArray(value) ? `${name}[${k}]` : name}" argument must be an Encoding; received ${quote(e)}`);
  });
  return list as Encoding[];
}

function checkKinds(value: unknown): [string, TextInput[]][] {
  return readArgument(() => readKinds(value));
}

function readKinds(value: unknown): [string, TextInput[]][] {
  if (Array.isArray(value)) return [['text', checkTextList(value, 'texts')]];
  if (isMap(value)) {
    return mapPairs(value).map(([kind, list]) => {
      if (typeof kind !== 'string') throw typeError(`The keys of "texts" must be strings; received ${quote(kind)}`);
      return [kind, checkTextList(list, `texts.get(${quote(kind)})`)];
    });
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    return Object.entries(value).map(([kind, list]) => [kind, checkTextList(list, `texts[${quote(kind)}]`)]);
  }
  throw typeError(`The "texts" argument must be an array of texts or a record of them by kind; received ${quote(value)}`);
}

// Unicode's White_Space below U+10000 (there is none above), by UTF-16 unit.
function isWhiteSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

const bytesDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** [UTF-8 bytes, code points, words] of a text (bytes are read as the encoder reads them: invalid UTF-8 as U+FFFD). */
export function textMeasures(input: TextInput): [number, number, number] {
  const text = typeof input === 'string' ? input : bytesDecoder.decode(input);
  let bytes = 0;
  let characters = 0;
  let words = 0;
  let inWord = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    characters++;
    if (c < 0x80) {
      bytes += 1;
      const space = c === 0x20 || (c >= 0x09 && c <= 0x0d);
      if (!space && !inWord) words++;
      inWord = !space;
      continue;
    }
    if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
    const space = isWhiteSpace(c);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return [bytes, characters, words];
}

function log2(x: number): number {
  return Math.log2(x);
}

/**
 * The Rényi entropy of order alpha (bits) of the distribution of `counts` (zeros ignored); alpha 1
 * is Shannon's entropy.
 */
export function renyiEntropy(counts: ArrayLike<number> | Iterable<number>, alpha: number = DEFAULT_ALPHA): number {
  return entropyOf(checkCounts(counts), checkAlpha(alpha));
}

function entropyOf(counts: readonly number[], alpha: number): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  if (total === 0) return NaN;
  let sum = 0;
  if (alpha === 1) {
    for (let k = 0; k < counts.length; k++) if (counts[k] > 0) sum -= (counts[k] / total) * log2(counts[k] / total);
    return sum;
  }
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) sum += (counts[k] / total) ** alpha;
  return log2(sum) / (1 - alpha);
}

/**
 * Rényi efficiency of token counts: renyiEntropy(counts, alpha) / log2(vocabularySize), where
 * vocabularySize defaults to the number of non-zero counts (tokenization-scorer's "renyi" metric).
 */
export function renyiEfficiency(counts: ArrayLike<number> | Iterable<number>, options?: { alpha?: number; vocabularySize?: number }): number {
  const list = checkCounts(counts);
  const opts = options === undefined ? {} : options;
  if (opts === null || typeof opts !== 'object') throw typeError(`The "options" argument must be an object; received ${quote(opts)}`);
  const alpha = checkAlpha(own(opts, 'alpha'));
  let size = own(opts, 'vocabularySize');
  if (size === undefined) {
    size = 0;
    for (let k = 0; k < list.length; k++) if (list[k] > 0) (size as number)++;
  } else if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw rangeError(`The "vocabularySize" option must be an integer >= 1; received ${quote(size)}`);
  }
  return efficiency(entropyOf(list, alpha), size as number);
}

// A copy, read once: an array, a typed array or any iterable of finite numbers >= 0.
function checkCounts(counts: unknown): number[] {
  const list = readArgument(() => {
    if (counts === null || typeof counts !== 'object' || typeof (counts as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw typeError(`The "counts" argument must be an array of numbers; received ${quote(counts)}`);
    }
    return Array.from(counts as Iterable<unknown>);
  });
  for (let k = 0; k < list.length; k++) {
    const c = list[k];
    if (typeof c !== 'number' || !(c >= 0) || !Number.isFinite(c)) throw rangeError(`counts[${k}] must be a finite number >= 0; received ${quote(c)}`);
  }
  return list as number[];
}

const efficiency = (entropy: number, size: number): number => (size > 1 ? entropy / log2(size) : NaN);

/**
 * Compression metrics of each encoding over each kind of text (docs/analysis.md). `texts` is an
 * array of texts, or a record (or Map) of arrays by text kind.
 */
export function analyze(encodings: Encoding | readonly Encoding[], texts: AnalyzeTexts, options?: AnalyzeOptions): Analysis {
  const list = checkEncodings(encodings);
  const kinds = checkKinds(texts);
  const opts = readOptions(options, 'analyze');
  const alpha = checkAlpha(opts.alpha);
  const threads = opts.threads === undefined ? undefined : checkThreads(opts.threads);
  // Checked per encoding (a special token's name may be one encoding's only).
  const special = opts.allowedSpecial === undefined && opts.disallowedSpecial === undefined && opts.splitSpecialTokens === undefined ? ORDINARY : readOptions({ allowedSpecial: opts.allowedSpecial, disallowedSpecial: opts.disallowedSpecial, splitSpecialTokens: opts.splitSpecialTokens }, 'special');

  // The measures of the text do not depend on the encoding: they are counted during the first
  // encoding's pass, by the native batch encoder where it holds each text's UTF-8 (a separate
  // pass over the texts cost about a fifth of the encoding's time), else here.
  const measures: number[][] = [];
  const rows: AnalysisRow[] = [];
  list.forEach((encoding, e) => {
    const vocabularySize = scanVocabulary(encoding).ids.length;
    const policy = specialPolicy(encoding, special);
    // One array per encoding, cleared per kind: a new one cost more than a small kind's encoding.
    const dense = encoding.maxTokenValue < DENSE_IDS ? new Float64Array(encoding.maxTokenValue + 1) : null;
    kinds.forEach(([kind, kindTexts], k) => {
      const m = e === 0 ? new Float64Array(3) : null;
      const histogram: Histogram = dense ? dense.fill(0) : new Map();
      const tokens = countIds(encoding, kindTexts, histogram, { policy, special, threads }, m);
      if (m) measures[k] = Array.from(m);
      // An index loop over the array: its iterator cost a tenth of the encoding's time.
      const counts: number[] = [];
      if (histogram instanceof Map) counts.push(...histogram.values());
      else for (let id = 0; id < histogram.length; id++) if (histogram[id] !== 0) counts.push(histogram[id]);
      const types = counts.length;
      const entropy = renyiEntropy(counts, alpha);
      const [bytes, characters, words] = measures[k];
      rows.push({
        encoding: encoding.name,
        kind,
        texts: kindTexts.length,
        bytes,
        characters,
        words,
        tokens,
        types,
        vocabularySize,
        bytesPerToken: ratio(bytes, tokens),
        charactersPerToken: ratio(characters, tokens),
        fertility: ratio(tokens, words),
        utilisation: ratio(types, vocabularySize),
        renyiEntropy: entropy,
        renyiEfficiency: efficiency(entropy, vocabularySize),
        renyiEfficiencyObserved: efficiency(entropy, types),
      });
    });
  });
  return { alpha, rows };
}

const ratio = (a: number, b: number): number => (b === 0 ? NaN : a / b);

// Below this many ids the counts are an array indexed by id (the native batch fills it, one
// array per thread); a custom vocabulary's ids may reach 2^32 - 2, and are then counted in a Map.
const DENSE_IDS = 1 << 21;
type Histogram = Float64Array | Map<number, number>;

// analyze()'s default: corpus text is text, whatever special token's text it holds.
const ORDINARY = readOptions({ disallowedSpecial: [] }, 'special');

interface Encoder {
  policy: [Uint8Array | null, Uint8Array | null];
  special: ReadOptions<'special'>;
  threads: number | undefined;
}

// Counts every id of texts into histogram and returns how many there were; measures, when given,
// gets [bytes, characters, words] of every text added. texts were checked by checkKinds: the
// batches are its slices, not read or checked again.
function countIds(encoding: Encoding, texts: readonly TextInput[], histogram: Histogram, encoder: Encoder, measures: Float64Array | null): number {
  let tokens = 0;
  const add = (ids: Uint32Array): void => {
    if (histogram instanceof Map) for (let k = 0; k < ids.length; k++) histogram.set(ids[k], (histogram.get(ids[k]) ?? 0) + 1);
    else for (let k = 0; k < ids.length; k++) histogram[ids[k]]++;
    tokens += ids.length;
  };
  const measure = (list: readonly TextInput[]): void => {
    if (!measures) return;
    for (const t of list) {
      const [b, c, w] = textMeasures(t);
      measures[0] += b;
      measures[1] += c;
      measures[2] += w;
    }
  };
  const { policy, special, threads } = encoder;
  const options = (threads === undefined ? special : { ...special, threads }) as EncodeOptions;
  // The ids are counted where they are made; only a handle with no native batch (WebAssembly, an
  // encoding whose split runs in JavaScript) or a sparse vocabulary brings them here.
  const counted = (list: TextInput[]): boolean => {
    if (histogram instanceof Map) return false;
    const counts = countedBatch(encoding, list, policy, threads, histogram, measures);
    if (!counts) return false;
    for (let k = 0; k < counts.length; k++) tokens += counts[k];
    return true;
  };
  let start = 0;
  let units = 0;
  const flush = (end: number): void => {
    if (end > start) {
      const batch = texts.slice(start, end);
      if (!counted(batch)) {
        add(encoding.encodeBatch(batch, options).tokens);
        measure(batch);
      }
    }
    start = end;
    units = 0;
  };
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text.length >= LARGE_TEXT) {
      flush(i);
      // One thread: the batch encodes and counts it. Several: encode() splits it over them.
      if (threads === 1 && counted([text])) {
        start = i + 1;
        continue;
      }
      add(encoding.encode(text, options));
      measure([text]);
      start = i + 1;
      continue;
    }
    units += text.length;
    if (units >= BATCH_UNITS || i + 1 - start >= BATCH_TEXTS) flush(i + 1);
  }
  flush(texts.length);
  return tokens;
}
