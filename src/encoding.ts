// Encoding: the public face of one vocabulary. All heavy work happens in one native call each.
import { checkBatchResult, checkFlag, checkIterable, checkString, guardedAsyncIteration, guardedIteration, checkNonNegative, checkSpecialSet, checkText, checkTextList, checkThreads, checkTokenCount, checkTokenId, checkTokenIds, isText, quote, readOptions, type ReadOptions, type TextInput } from './args';
import type { ChatMessage, ChatPart } from './chat-framing';
import type { ChatTemplateConfig, ChatTemplateOptions, TokenizerConfigInput } from './chat-template';
import type { BuiltEncoding, EncodingOptions } from './custom-encoding';
import { concatArrays } from './bytes';
import { rangeError, TurbotokenError, typeError } from './errors';
import { knownFamily, type PatternKind } from './pattern';
import { cutRules, type CutRules, encodeSegments } from './safe-cut';
import type { HfAddedTokens, PostProcessor, TokenizerJsonInput } from './tokenizer-json';
import type { Restored, SavedOrigin } from './saved-encoding';
import * as os from 'node:os';
import type { NativeEncodingHandle, VocabularyTable } from './backend-contract';
import type { HealResult, Inference, InferenceMethod } from './inference';

// Modules that only some methods need are loaded on their first use (src/lazy.ts).
import { lazy, type Lazy } from './lazy';
const chat: Lazy<typeof import('./chat-framing')> = lazy(() => require('./chat-framing'));
const literals: Lazy<typeof import('./special-token-search')> = lazy(() => require('./special-token-search'));
const utf8Stream: Lazy<typeof import('./utf8-stream')> = lazy(() => require('./utf8-stream'));
const custom: Lazy<typeof import('./custom-encoding')> = lazy(() => require('./custom-encoding'));
const tokenizerJson: Lazy<typeof import('./tokenizer-json')> = lazy(() => require('./tokenizer-json'));
const addedTokenSplit: Lazy<typeof import('./added-token-split')> = lazy(() => require('./added-token-split'));
const chatTemplate: Lazy<typeof import('./chat-template')> = lazy(() => require('./chat-template'));
const inference: Lazy<typeof import('./inference')> = lazy(() => require('./inference'));

// A tokenizer.json's rules, with the chat templates of its tokenizer_config.json when loaded with it.
type HfRules = HfAddedTokens & { chat?: ChatTemplateConfig };
const saved: Lazy<typeof import('./saved-encoding')> = lazy(() => require('./saved-encoding'));
// Not typed as import('./registry'): that module imports this one, and the import graph stays
// without circles. Only Encoding.load of a saved shipped encoding calls it, long after both loaded.
const shipped = lazy(() => require('./registry') as { loadEncoding(name: string): Encoding });
// What each encoding was built from, for save().
const origins = new WeakMap<Encoding, SavedOrigin>();

export type SpecialTokenSet = 'all' | ReadonlySet<string> | readonly string[] | Iterable<string>;

export interface EncodeOptions {
  /**
   * Special tokens to encode as their ids when they appear in the text. Default: none for the
   * OpenAI encodings and new Encoding (tiktoken's rule); every added token for an encoding from
   * a tokenizer.json (Hugging Face's rule). Given, tiktoken's rule applies to any encoding.
   */
  allowedSpecial?: SpecialTokenSet;
  /**
   * Special tokens whose appearance in the text is an error. Default 'all' (every special token
   * not in allowedSpecial) for the OpenAI encodings and new Encoding; none for an encoding from a
   * tokenizer.json. Pass an empty set to encode special-token text as ordinary text.
   */
  disallowedSpecial?: SpecialTokenSet;
  /**
   * true: every special (added) token's text is ordinary text, never an error (Hugging Face's
   * split_special_tokens). Not with allowedSpecial or disallowedSpecial. Default: false.
   */
  splitSpecialTokens?: boolean;
}

/**
 * Options of encodeChat and countChatTokens. For the OpenAI encodings (gpt-tokenizer's framing):
 * primeWithAssistantResponse. For an encoding loaded with a chat template (fromTokenizerJson with
 * config, fromPretrainedFiles): the ChatTemplateOptions of applyChatTemplate.
 */
export interface EncodeChatOptions extends EncodeOptions, ChatTemplateOptions {
  /** The header the reply is primed with; default 'assistant'; '' primes nothing. */
  primeWithAssistantResponse?: string;
}

export interface BatchOptions extends EncodeOptions {
  /**
   * true: the ids the tokenizer.json's post-processor adds around a text (e.g. Llama's BOS), as
   * Hugging Face's encode(text) does by default; ids added count toward count() and maxTokens. An
   * encoding with no post-processor (every OpenAI encoding) adds none. Default: false.
   */
  addSpecialTokens?: boolean;
  /** Native threads to use. Default: the cores available to the process. */
  threads?: number;
}

/** Options of encodeOrdinary: only threads (see CountOptions); every special token is ordinary text. */
export type OrdinaryOptions = Pick<BatchOptions, 'threads'>;

/**
 * Options of count, countAsync and encodeAsync. threads: a text of at least 1 MiB of UTF-8 is cut
 * at safe pre-token boundaries and its parts encoded on up to this many native threads (each part
 * at least 256 KiB); the ids are exactly those of one thread. Default: the cores available. The
 * WASM backend accepts it and works on one thread.
 */
export type CountOptions = BatchOptions;

export interface EncodeTextOptions extends BatchOptions {
  /**
   * Return only the first maxTokens ids of the full encoding (exactly encode(text).slice(0,
   * maxTokens)), stopping the work soon after they are found. Default: Infinity. Runs on one
   * thread.
   */
  maxTokens?: number;
  /**
   * How each pre-token piece becomes tokens (docs/inference.md): 'merge' (BPE, the default and
   * the only one that matches a model), 'longest-prefix', 'least-tokens', 'long-token-first'.
   */
  method?: InferenceMethod;
  /** BPE-dropout: each merge is skipped with this probability, 0 to 1 (method 'merge' only). */
  dropout?: number;
  /** The seed of dropout's generator, an integer 0 to 2^53 - 1; the same seed gives the same ids. Default: random. */
  seed?: number;
}

/** Options of heal: maxBacktrack (tokens taken off the end at most; default 4) and encode's special-token options. */
export interface HealOptions extends EncodeOptions {
  maxBacktrack?: number;
}

/** What encodeWithOffsets returns; the three arrays have one entry per token. */
export interface EncodingWithOffsets {
  tokens: Uint32Array;
  /** UTF-16 index (into the string; into the decoded string for bytes) of the character holding each token's first byte. */
  offsets: Uint32Array;
  /** UTF-8 byte index where each token starts, in the text's UTF-8 (for bytes: after U+FFFD repair). */
  byteOffsets: Uint32Array;
}

/** Texts at least this long (UTF-8 bytes) may be split over threads; native/core/pretok/safe_cut.h. */
const PARALLEL_MIN_BYTES = 1 << 20;

/** Whether text may reach PARALLEL_MIN_BYTES of UTF-8 (a UTF-16 unit is at most 3 bytes). */
function mayBeLarge(text: TextInput): boolean {
  return typeof text === 'string' ? text.length * 3 >= PARALLEL_MIN_BYTES : text.length >= PARALLEL_MIN_BYTES;
}

export interface BatchResult {
  /** Every text's ids, in order. */
  tokens: Uint32Array;
  /** texts.length + 1 entries: text k's ids are tokens.subarray(offsets[k], offsets[k + 1]). */
  offsets: Uint32Array;
}

const FROM_NATIVE = Symbol('Encoding.fromNative');
const NO_POLICY: ReadOptions<'special'> = readOptions(undefined, 'special');

/** A batch result as one Uint32Array per text (views into result.tokens, not copies). */
export function splitBatch(result: BatchResult): Uint32Array[] {
  const { tokens, offsets } = checkBatchResult(result);
  const out: Uint32Array[] = [];
  for (let k = 0; k + 1 < offsets.length; k++) out.push(tokens.subarray(offsets[k], offsets[k + 1]));
  return out;
}

// Errors made on the native side after the work finishes carry no JS frames; re-capturing the
// stack here, after the await, gives V8's async trace back to the caller.
async function withCallerStack<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof Error) Error.captureStackTrace(error, withCallerStack);
    throw error;
  }
}

function prefixSums(counts: Uint32Array): Uint32Array {
  const offsets = new Uint32Array(counts.length + 1);
  let total = 0;
  for (let k = 0; k < counts.length; k++) {
    total += counts[k];
    if (total > 0xffffffff) throw rangeError('A batch produced more than 2^32 - 1 tokens; split it', 'ERR_OUT_OF_RANGE');
    offsets[k + 1] = total;
  }
  return offsets;
}

function flatten(parts: Uint32Array[]): BatchResult {
  const counts = Uint32Array.from(parts, (p) => p.length);
  const offsets = prefixSums(counts);
  const tokens = new Uint32Array(offsets[parts.length]);
  parts.forEach((p, k) => tokens.set(p, offsets[k]));
  return { tokens, offsets };
}

function availableThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}

const OUTPUT_BUFFER_IDS = 4096;
type Template = { prefix: number[]; suffix: number[] };

function templateLength(template: Template | null): number {
  return template ? template.prefix.length + template.suffix.length : 0;
}

function withTemplate(template: Template, ids: Uint32Array): Uint32Array {
  const out = new Uint32Array(template.prefix.length + ids.length + template.suffix.length);
  out.set(template.prefix);
  out.set(ids, template.prefix.length);
  out.set(template.suffix, template.prefix.length + ids.length);
  return out;
}

const textEncoder = new TextEncoder();
// Reads bytes as the core does: ill-formed UTF-8 becomes U+FFFD, a leading U+FEFF stays.
const bytesDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

// Set by Encoding's static block: what this package's modules (analysis, streams) reach of an
// Encoding that its users do not (the functions after the class; none is exported by index.ts).
let internals: {
  isEncoding(value: unknown): boolean;
  handle(encoding: Encoding): NativeEncodingHandle;
  policy(encoding: Encoding, options: ReadOptions<'special'>): [Uint8Array | null, Uint8Array | null];
};

export class Encoding {
  /** The encoding's name, e.g. 'cl100k_base'. */
  readonly name: string;
  /** The regular expression the reference (tiktoken) splits text with, for information. */
  readonly patternSource: string;
  /** Special tokens and their ids. */
  readonly specialTokens!: Readonly<Record<string, number>>;
  /** The largest token id. */
  readonly maxTokenValue: number;
  /** maxTokenValue + 1, as tiktoken's n_vocab. */
  readonly nVocab: number;
  /** The id of <|endoftext|>, or undefined when the encoding has none. */
  readonly eotToken!: number | undefined;
  /**
   * How text is split into pieces: a native scanner ('gpt2', 'cl100k', 'o200k') when the pattern
   * is one of the shipped encodings' patterns, else 'regexp' (JavaScript's RegExp; slower).
   */
  readonly patternKind: PatternKind;

  // The special tokens as given, and what is made of them on first use (not at construction: a
  // copy of Gemma 3's 6,415, their names and the cut rules were a tenth of a cold Encoding.load).
  #special: Record<string, number> | (() => Record<string, number>);
  #specialNames: string[] | undefined;
  #allMask: Uint8Array | undefined;
  readonly #handle: NativeEncodingHandle;
  // Hugging Face's rules for a tokenizer.json's added tokens; undefined: tiktoken's rules.
  readonly #hf: HfRules | undefined;
  // Where encodeGenerator may cut long texts; null (never) unless a shipped pattern without
  // whitespace in special tokens.
  #cutRules: CutRules | null | undefined;
  // Short results are written here by the native side and copied out with slice(): one typed
  // array allocation in JS is much cheaper than one made through the addon boundary.
  readonly #output = new Uint32Array(OUTPUT_BUFFER_IDS);

  /** An encoding of your own vocabulary (see EncodingOptions and docs/api.md). */
  constructor(options: EncodingOptions);
  /** @internal */
  constructor(internal: typeof FROM_NATIVE, name: string, handle: NativeEncodingHandle, specialTokens: Record<string, number> | (() => Record<string, number>), pattern: string, hf?: HfRules);
  constructor(...args: unknown[]) {
    // Only this module holds the symbol (fromNative, fromTokenizerJson): any call from outside,
    // whatever its arguments, is read (and checked) as EncodingOptions.
    let [, name, handle, specialTokens, pattern, hf] = args as [symbol, string, NativeEncodingHandle, Record<string, number> | (() => Record<string, number>), string, HfRules | undefined];
    if (args[0] !== FROM_NATIVE) hf = undefined;
    this.#hf = hf;
    if (args[0] !== FROM_NATIVE) {
      const built = custom().buildCustomEncoding(args[0]);
      ({ name, handle, specialTokens, pattern } = built);
      origins.set(this, { packed: built.packed });
    }
    this.patternKind = knownFamily(pattern) ?? 'regexp';
    this.name = name;
    this.patternSource = pattern;
    this.#special = specialTokens;
    let frozen: Readonly<Record<string, number>> | undefined;
    // Redefined in place, so that they keep their places among the own properties.
    Object.defineProperty(this, 'specialTokens', { enumerable: true, get: () => (frozen ??= Object.freeze({ ...this.#specials() })) });
    this.maxTokenValue = handle.info().maxTokenValue;
    this.nVocab = this.maxTokenValue + 1;
    Object.defineProperty(this, 'eotToken', { enumerable: true, get: () => this.#specials()['<|endoftext|>'] });
    this.#handle = handle;
    handle.setOutputBuffer?.(this.#output);
    Object.freeze(this);
  }

  /**
   * An encoding from a Hugging Face tokenizer.json (a path, its text, or the parsed object) of a
   * byte-level BPE model (GPT-2, Llama 3, Qwen2 style); what is supported: docs/encoding.md.
   */
  static fromTokenizerJson(input: TokenizerJsonInput, options?: { name?: string; config?: TokenizerConfigInput }): Encoding {
    const opts = readOptions(options, 'fromTokenizerJson');
    // The config first: a bad one is refused before the costly part.
    const chat = opts.config === undefined ? undefined : chatTemplate().readTokenizerConfig(opts.config as TokenizerConfigInput);
    const read = tokenizerJson().encodingOptionsFromTokenizerJson(input, opts);
    if (read.merges) {
      const { handle, specialTokens, saved: sp } = read.merges;
      const encoding = new Encoding(FROM_NATIVE, read.options.name, handle, specialTokens, read.options.pattern, { ...read.added, chat });
      origins.set(encoding, { merges: { name: read.options.name, sp: sp() }, added: read.added, chat });
      return encoding;
    }
    const { name, pattern, specialTokens } = read.options;
    const built = read.blob ? custom().buildPacked({ name, pattern, blob: read.blob, specialTokens: specialTokens as Record<string, number>, semantics: read.semantics }) : custom().buildCustomEncoding(read.options, read.semantics);
    return Encoding.#fromBuilt(built, read.added, chat);
  }

  // A tokenizer.json's encoding from its built core and added-token rules (new, or restored by load).
  static #fromBuilt(built: BuiltEncoding, added: HfAddedTokens, chat: ChatTemplateConfig | undefined): Encoding {
    const { name, specialTokens, pattern } = built;
    const nfc = built.packed.semantics?.nfc ?? false;
    const handle = added.flagged.length ? addedTokenSplit().hfAddedTokenHandle(built.handle, added.flagged, Object.keys(specialTokens), nfc ? (t) => t.normalize('NFC') : null) : built.handle;
    const encoding = new Encoding(FROM_NATIVE, name, handle, specialTokens, pattern, { ...added, chat });
    origins.set(encoding, { packed: built.packed, added, chat });
    return encoding;
  }

  /**
   * An encoding from a model's directory as Hugging Face ships it: its tokenizer.json, with the
   * chat template and special tokens of its tokenizer_config.json and chat_template.jinja when
   * present (see applyChatTemplate). The name defaults to the directory's.
   */
  static fromPretrainedFiles(dir: string, options?: { name?: string }): Encoding {
    const opts = readOptions(options, 'fromPretrainedFiles');
    const files = chatTemplate().pretrainedFiles(checkString(dir, 'dir'));
    return Encoding.fromTokenizerJson(files.tokenizer, { name: opts.name as string | undefined, config: files.config });
  }

  /**
   * An encoding saved with save() (a path or the file's bytes), exactly as it was: vocabulary,
   * pattern, special tokens and a tokenizer.json's rules. A damaged, truncated or foreign file is
   * ERR_INVALID_SAVED_ENCODING; one of a newer format, ERR_UNSUPPORTED_SAVED_ENCODING.
   */
  static load(input: string | Uint8Array): Encoding {
    const { bytes, source } = saved().readSavedInput(input);
    return Encoding.#restore(saved().restoreSaved(bytes, source));
  }

  /** load(), reading the file without blocking. */
  static async loadAsync(input: string | Uint8Array): Promise<Encoding> {
    const { bytes, source } = await saved().readSavedInputAsync(input);
    return Encoding.#restore(saved().restoreSaved(bytes, source));
  }

  static #restore(restored: Restored): Encoding {
    if ('shipped' in restored) return shipped().loadEncoding(restored.shipped);
    if ('merges' in restored) {
      const { merges, added, chat } = restored;
      const encoding = new Encoding(FROM_NATIVE, merges.name, merges.handle, merges.specialTokens, '', { ...added, chat });
      origins.set(encoding, { merges: { name: merges.name, sp: merges.sp }, added, chat });
      return encoding;
    }
    const { built, added, chat } = restored;
    if (added) return Encoding.#fromBuilt(built, added, chat);
    const encoding = new Encoding(FROM_NATIVE, built.name, built.handle, built.specialTokens, built.pattern);
    origins.set(encoding, { packed: built.packed });
    return encoding;
  }

  /** Writes this encoding to a file that Encoding.load restores (format: docs/saved-encoding.md). */
  save(path: string): void {
    saved().writeSaved(this.#origin(), path);
  }

  /** save(), writing the file without blocking. */
  saveAsync(path: string): Promise<void> {
    try {
      return saved().writeSavedAsync(this.#origin(), path);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #origin(): SavedOrigin {
    return origins.get(this) ?? { shipped: this.name };
  }

  // The package's own access to the private parts, for the internal functions below.
  static {
    internals = {
      isEncoding: (value) => value !== null && typeof value === 'object' && #handle in value,
      handle: (encoding) => encoding.#handle,
      policy: (encoding, options) => encoding.#policy(options),
    };
  }

  /** @internal */
  static fromNative(name: string, handle: NativeEncodingHandle, specialTokens: Record<string, number>, pattern: string): Encoding {
    return new Encoding(FROM_NATIVE, name, handle, specialTokens, pattern);
  }

  /**
   * Token ids of `text`; special-token text is an error unless allowed (see EncodeOptions).
   * maxTokens keeps the first ids only; threads splits a long text (see EncodeTextOptions).
   */
  encode(text: TextInput, options?: EncodeTextOptions): Uint32Array {
    const input = checkText(text);
    const opts = readOptions(options, 'encode');
    if (opts.method !== undefined || opts.dropout !== undefined || opts.seed !== undefined) return this.#inference().encodeWith(input, opts);
    const [allowed, disallowed] = this.#policy(opts);
    const threads = this.#threadsFor(input, opts); // checked even where maxTokens makes it unused
    const template = this.#template(opts);
    if (opts.maxTokens !== undefined) {
      const maxTokens = checkTokenCount(opts.maxTokens, 'maxTokens');
      if (maxTokens !== Infinity && template) return withTemplate(template, this.#encode(input, allowed, disallowed, threads)).slice(0, maxTokens);
      if (maxTokens !== Infinity) return this.#handle.encodePrefix(input, allowed, disallowed, maxTokens);
    }
    const ids = this.#encode(input, allowed, disallowed, threads);
    return template ? withTemplate(template, ids) : ids;
  }

  /**
   * encode(text, options) plus where each token starts: offsets in UTF-16 code units (a token
   * starting inside a character gets that character's index) and byteOffsets in UTF-8 bytes.
   */
  encodeWithOffsets(text: TextInput, options?: EncodeOptions): EncodingWithOffsets {
    const input = checkText(text);
    const [allowed, disallowed] = this.#policy(readOptions(options, 'special'));
    return this.#handle.encodeWithOffsets(input, allowed, disallowed);
  }

  /** @internal For tests: the UTF-8 byte positions where the core may cut `text` (native/core/pretok/safe_cut.h). */
  _safeCuts(text: TextInput): Uint32Array {
    return this.#handle.safeCuts(checkText(text));
  }

  // The thread count to pass for this text: 1 unless it may be long enough to split.
  // Short texts (the common case) never ask the OS for the core count.
  #threadsFor(input: TextInput, options: ReadOptions<'count' | 'encodeOrdinary'>): number {
    const given = options.threads;
    const threads = given === undefined ? 0 : checkThreads(given);
    if (!mayBeLarge(input)) return 1;
    return threads === 0 ? availableThreads() : threads;
  }

  /** Token ids of `text`, treating special-token text as ordinary text; threads as in encode. */
  encodeOrdinary(text: TextInput, options?: OrdinaryOptions): Uint32Array {
    const input = checkText(text);
    const threads = this.#threadsFor(input, readOptions(options, 'encodeOrdinary'));
    return this.#encode(input, null, null, threads);
  }

  #encode(input: TextInput, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads = 1): Uint32Array {
    const result = threads > 1 ? this.#handle.encode(input, allowed, disallowed, threads) : this.#handle.encode(input, allowed, disallowed);
    return typeof result === 'number' ? this.#output.slice(0, result) : result;
  }

  /** encode(text, options).length, without building the array of ids (threads: see CountOptions). */
  count(text: TextInput, options?: CountOptions): number {
    const input = checkText(text);
    const opts = readOptions(options, 'count');
    const [allowed, disallowed] = this.#policy(opts);
    const threads = this.#threadsFor(input, opts);
    const added = templateLength(this.#template(opts));
    return added + (threads > 1 ? this.#handle.count(input, allowed, disallowed, threads) : this.#handle.count(input, allowed, disallowed));
  }

  /**
   * encode(text, options) off the JS thread: on the native backend the work runs on libuv's
   * thread pool (the input is copied first), so the event loop keeps running. On the WASM backend
   * it runs on the JS thread during the call. Either way the input is read when the call is made.
   */
  async encodeAsync(text: TextInput, options?: CountOptions): Promise<Uint32Array> {
    const [input, allowed, disallowed, threads, template] = this.#asyncArgs(text, options);
    const h = this.#handle;
    const ids = h.encodeAsync ? await withCallerStack(h.encodeAsync(input, allowed, disallowed, threads)) : this.#encode(input, allowed, disallowed);
    return template ? withTemplate(template, ids) : ids;
  }

  /** count(text, options) off the JS thread (see encodeAsync). */
  async countAsync(text: TextInput, options?: CountOptions): Promise<number> {
    const [input, allowed, disallowed, threads, template] = this.#asyncArgs(text, options);
    const added = templateLength(template);
    const h = this.#handle;
    return added + (h.countAsync ? await withCallerStack(h.countAsync(input, allowed, disallowed, threads)) : h.count(input, allowed, disallowed));
  }

  // The checked arguments of encodeAsync and countAsync (count inlines them: it is the hot path).
  #asyncArgs(text: TextInput, options: CountOptions | undefined): [TextInput, Uint8Array | null, Uint8Array | null, number, Template | null] {
    const input = checkText(text);
    const opts = readOptions(options, 'count');
    const [allowed, disallowed] = this.#policy(opts);
    return [input, allowed, disallowed, this.#threadsFor(input, opts), this.#template(opts)];
  }

  /** decode(tokens) off the JS thread (see encodeAsync). */
  async decodeAsync(tokens: Uint32Array | ArrayLike<number>): Promise<string> {
    const ids = checkTokenIds(tokens);
    const h = this.#handle;
    if (h.decodeAsync) return withCallerStack(h.decodeAsync(ids));
    return h.decode(ids);
  }

  /**
   * Encodes many texts on several native threads. The result is flat: all ids in `tokens`, and
   * text k's ids at tokens.subarray(offsets[k], offsets[k + 1]). It does not depend on the number
   * of threads. Blocks the calling thread until done (see encodeAsync for servers).
   */
  encodeBatch(texts: readonly TextInput[], options?: BatchOptions): BatchResult {
    const [list, threads, policy, template] = this.#batchArgs(texts, options);
    const h = this.#handle;
    if (!h.batch || template) return flatten(list.map((t) => (template ? withTemplate(template, this.#encode(t, ...policy)) : this.#encode(t, ...policy))));
    const result = h.batch(list, ...policy, threads, false) as { tokens: Uint32Array; counts: Uint32Array };
    return { tokens: result.tokens, offsets: prefixSums(result.counts) };
  }

  /** The number of tokens of each text (see encodeBatch). */
  countBatch(texts: readonly TextInput[], options?: BatchOptions): Uint32Array {
    const [list, threads, policy, template] = this.#batchArgs(texts, options);
    const h = this.#handle;
    const counts = h.batch ? (h.batch(list, ...policy, threads, true) as Uint32Array) : Uint32Array.from(list, (t) => h.count(t, ...policy));
    const added = templateLength(template);
    if (added) for (let k = 0; k < counts.length; k++) counts[k] += added;
    return counts;
  }

  #batchArgs(texts: readonly TextInput[], options?: BatchOptions): [TextInput[], number, [Uint8Array | null, Uint8Array | null], Template | null] {
    const list = checkTextList(texts, 'texts');
    const opts = readOptions(options, 'count');
    const threads = opts.threads === undefined ? availableThreads() : checkThreads(opts.threads);
    return [list, threads, this.#policy(opts), this.#template(opts)];
  }

  /** The text of `tokens`; bytes that are not valid UTF-8 become U+FFFD. */
  decode(tokens: Uint32Array | ArrayLike<number>): string {
    return this.#handle.decode(checkTokenIds(tokens));
  }

  /** The bytes of `tokens`, concatenated. */
  decodeBytes(tokens: Uint32Array | ArrayLike<number>): Uint8Array {
    return this.#handle.decodeBytes(checkTokenIds(tokens));
  }

  /** The bytes of one token (ordinary or special). */
  tokenBytes(token: number): Uint8Array {
    const id = checkTokenId(token, 'token');
    const bytes = this.#handle.tokenBytes(id);
    if (!bytes) throw rangeError(`Token id ${id} is not a token of ${this.name}`, 'ERR_INVALID_TOKEN_ID');
    return bytes;
  }

  /** The id of the one token (ordinary or special) whose text or bytes are exactly `value`. */
  encodeSingleToken(value: TextInput): number {
    const input = checkText(value, 'value');
    const bytes = typeof input === 'string' ? textEncoder.encode(input) : input;
    const id = this.#handle.singleToken(bytes);
    if (id < 0) {
      const shown = typeof input === 'string' ? quote(input) : `0x${Buffer.from(input.subarray(0, 32)).toString('hex')}${input.length > 32 ? `… (${input.length} bytes)` : ''}`;
      throw new TurbotokenError(`${shown} is not a single token of ${this.name}`, 'ERR_NOT_A_TOKEN');
    }
    return id;
  }

  // Inference helpers (src/inference.ts, docs/inference.md).

  #inference(): Inference {
    return inference().inferenceOf(this, () => {
      const origin = origins.get(this);
      const semantics = origin && 'packed' in origin ? origin.packed.semantics : undefined;
      return { handle: this.#handle, sentencePiece: origin !== undefined && 'merges' in origin, semantics, hf: this.#hf !== undefined };
    });
  }

  /**
   * The ordinary tokens whose bytes start with `prefix` (a string is read as UTF-8), in the
   * bytes' order; from a sorted index of the vocabulary built on first use.
   */
  tokensWithPrefix(prefix: TextInput): Uint32Array {
    return this.#inference().tokensWithPrefix(checkText(prefix, 'prefix'));
  }

  /**
   * Token healing: encode(text) without its last tokens (at most maxBacktrack, default 4, and never
   * more bytes than the longest token), the bytes taken off, and the tokens that start with them
   * (the allowed first tokens of the continuation).
   */
  heal(text: TextInput, options?: HealOptions): HealResult {
    const input = checkText(text);
    return this.#inference().heal(input, readOptions(options, 'heal'));
  }

  /** Whether `tokens` is exactly what encode gives for decodeBytes(tokens), special tokens allowed. */
  isCanonical(tokens: Uint32Array | ArrayLike<number>): boolean {
    return this.#inference().isCanonical(checkTokenIds(tokens));
  }

  // gpt-tokenizer's conveniences (chat framing, limits, streaming), with turbotoken's errors.

  /** count(text, options), or for chat messages countChatTokens(messages, undefined, options). */
  countTokens(input: TextInput | Iterable<ChatMessage>, options?: EncodeChatOptions): number {
    if (isText(input)) return this.count(input, options);
    return this.countChatTokens(checkIterable<Iterable<ChatMessage>>(input, 'input'), undefined, options);
  }

  /**
   * The token count of `input` (text or chat messages) if it is at most `tokenLimit`, else false.
   * Counting stops as soon as the count passes the limit, so a small limit on a long text is cheap.
   * Errors (e.g. a disallowed special token anywhere in the text) are those of countTokens.
   */
  isWithinTokenLimit(input: TextInput | Iterable<ChatMessage>, tokenLimit: number, options?: EncodeChatOptions): number | false {
    const limit = checkNonNegative(tokenLimit, 'tokenLimit');
    if (isText(input)) {
      const text = checkText(input);
      const [allowed, disallowed] = this.#policy(readOptions(options, 'special'));
      const count = this.#handle.countUpTo(text, allowed, disallowed, Math.floor(limit));
      return count > limit ? false : count;
    }
    // Once past the limit each later part is still checked (a disallowed special token throws as
    // in countTokens) but counted only to its first piece.
    let total = 0;
    const messages = checkIterable<Iterable<ChatMessage>>(input, 'input');
    const opts = readOptions(options, 'chat');
    for (const part of guardedIteration(this.#chatParts(messages, undefined, opts))) {
      const budget = Math.max(0, Math.floor(limit - total));
      total += part.ids !== undefined ? part.ids.length : this.#handle.countUpTo(part.text, ...this.#policy(part.options ?? NO_POLICY), budget);
    }
    return total > limit ? false : total;
  }

  /**
   * The tokens of a chat as OpenAI's chat models see it, framed exactly as gpt-tokenizer frames
   * it: ChatML for cl100k_base and o200k_base (gpt-3.5 models separate with newlines), harmony
   * for o200k_harmony; the reply is primed with the assistant's header.
   */
  encodeChat(messages: Iterable<ChatMessage>, model?: string, options?: EncodeChatOptions): Uint32Array {
    const parts: Uint32Array[] = [];
    const list = checkIterable<Iterable<ChatMessage>>(messages, 'messages');
    for (const part of guardedIteration(this.#chatParts(list, model, readOptions(options, 'chat')))) {
      const ids = part.ids !== undefined ? Uint32Array.from(part.ids) : this.encode(part.text, part.options as EncodeOptions | undefined);
      parts.push(ids);
    }
    return concatArrays(Uint32Array, parts);
  }

  /** encodeChat(messages, model, options).length, without building the array. */
  countChatTokens(messages: Iterable<ChatMessage>, model?: string, options?: EncodeChatOptions): number {
    let total = 0;
    const list = checkIterable<Iterable<ChatMessage>>(messages, 'messages');
    for (const part of guardedIteration(this.#chatParts(list, model, readOptions(options, 'chat')))) {
      total += part.ids !== undefined ? part.ids.length : this.count(part.text, part.options as EncodeOptions | undefined);
    }
    return total;
  }

  #framing() {
    return { encodingName: this.name, specialTokens: this.specialTokens };
  }

  // A chat as parts: the model's own template rendered for an encoding loaded with one, else
  // gpt-tokenizer's framing of the OpenAI encodings.
  *#chatParts(messages: Iterable<ChatMessage>, model: string | undefined, opts: ReadOptions<'chat'>): Generator<ChatPart> {
    if (!this.#hf?.chat) {
      for (const key of ['addGenerationPrompt', 'tools', 'documents', 'chatTemplate', 'variables'] as const) {
        if (opts[key] !== undefined) throw new TurbotokenError(`${key}: ${this.name} has no chat template (the option is for encodings loaded with their tokenizer_config.json)`, 'ERR_NOT_SUPPORTED');
      }
      return yield* chat().chatParts(this.#framing(), messages, model, opts);
    }
    if (opts.primeWithAssistantResponse !== undefined) throw new TurbotokenError('primeWithAssistantResponse: a chat template primes the reply with addGenerationPrompt: true', 'ERR_NOT_SUPPORTED');
    if (model !== undefined) checkString(model, 'model');
    // transformers encodes the rendered text without the post-processor's ids (add_special_tokens=False).
    const text = chatTemplate().renderChatTemplate(this.#hf.chat, messages, opts);
    const special = { allowedSpecial: opts.allowedSpecial, disallowedSpecial: opts.disallowedSpecial, splitSpecialTokens: opts.splitSpecialTokens };
    yield { ids: undefined, text, options: special as ReadOptions<'chat'> };
  }

  /**
   * The prompt text the model's chat template makes of `messages`, exactly as transformers'
   * apply_chat_template(messages, tokenize=False) renders it; for an encoding loaded with its
   * tokenizer_config.json (fromTokenizerJson with config, fromPretrainedFiles) or given
   * options.chatTemplate. encodeChat encodes this text.
   */
  applyChatTemplate(messages: Iterable<Record<string, unknown>>, options?: ChatTemplateOptions): string {
    return chatTemplate().renderChatTemplate(this.#hf?.chat, messages, options);
  }

  /**
   * The ids of `text` in chunks (each a Uint32Array; together exactly encode(text, options)),
   * cut only where cutting cannot change a token. The generator returns the total count.
   * Special tokens are checked before the first chunk, so a disallowed one throws here.
   */
  encodeGenerator(text: TextInput, options?: EncodeOptions): Generator<Uint32Array, number, undefined> {
    const input = checkText(text);
    const whole = typeof input === 'string' ? input : bytesDecoder.decode(input);
    // Read once: every chunk is encoded with these, whatever the caller's getters would say later.
    const opts = readOptions(options, 'special');
    const [, disallowed] = this.#policy(opts);
    const names = disallowed ? this.#names().filter((_, i) => disallowed[i]) : [];
    if (literals().findLiteral(literals().alternation(names), whole)) this.count(whole, opts as EncodeOptions);
    if (this.#cutRules === undefined) this.#cutRules = cutRules(this.patternSource, this.#names());
    return encodeSegments(whole, this.#cutRules, (segment) => this.encode(segment, opts as EncodeOptions));
  }

  /**
   * The text of `tokens` piece by piece, one piece per token that completes a character: a
   * character split across tokens is held back until it is whole, never yielded broken. The
   * pieces join to decode(tokens).
   */
  decodeGenerator(tokens: Iterable<number>): Generator<string, void, undefined> {
    return guardedIteration(utf8Stream().decodeChunks(checkIterable(tokens, 'tokens'), (token, i) => this.#bytesOf(token, i)));
  }

  /** decodeGenerator for an async source of tokens (e.g. a model's stream). */
  decodeAsyncGenerator(tokens: AsyncIterable<number>): AsyncGenerator<string, void, undefined> {
    return guardedAsyncIteration(utf8Stream().decodeChunksAsync(checkIterable(tokens, 'tokens', true), (token, i) => this.#bytesOf(token, i)));
  }

  #bytesOf(token: unknown, index: number): Uint8Array {
    const id = checkTokenId(token, `tokens[${index}]`);
    const bytes = this.#handle.tokenBytes(id);
    if (!bytes) throw rangeError(`Token id ${id} at index ${index} is not a token of ${this.name}`, 'ERR_INVALID_TOKEN_ID');
    return bytes;
  }

  // The ids addSpecialTokens: true puts around a text, or null for none.
  #template(opts: ReadOptions<'count'>): Template | null {
    if (!checkFlag(opts.addSpecialTokens, 'addSpecialTokens') || !this.#hf) return null;
    const post: PostProcessor = this.#hf.postProcessor;
    if ('unsupported' in post) throw new TurbotokenError(`addSpecialTokens: ${post.unsupported}`, 'ERR_UNSUPPORTED_TOKENIZER');
    return post.prefix.length || post.suffix.length ? post : null;
  }

  // Given sets follow tiktoken's semantics: disallowedSpecial 'all' means every special token not
  // allowed. With neither given, a tokenizer.json's added tokens are ids (Hugging Face's rule) and
  // any other encoding's special tokens are errors (tiktoken's).
  #policy(opts: ReadOptions<'special'>): [Uint8Array | null, Uint8Array | null] {
    if (opts.splitSpecialTokens !== undefined && checkFlag(opts.splitSpecialTokens, 'splitSpecialTokens')) {
      if (opts.allowedSpecial !== undefined || opts.disallowedSpecial !== undefined) throw typeError('splitSpecialTokens: true cannot be combined with allowedSpecial or disallowedSpecial');
      return [null, null];
    }
    if (opts.allowedSpecial === undefined && opts.disallowedSpecial === undefined) {
      const all = this.#names().length ? this.#all() : null;
      return this.#hf ? [all, null] : [null, all];
    }
    const allowed = opts.allowedSpecial === undefined ? [] : checkSpecialSet(opts.allowedSpecial, 'allowedSpecial');
    const disallowed = opts.disallowedSpecial === undefined ? 'all' : checkSpecialSet(opts.disallowedSpecial, 'disallowedSpecial');
    const allowedMask = allowed === 'all' ? this.#all() : this.#mask(allowed, 'allowedSpecial');
    let disallowedMask: Uint8Array | null;
    if (disallowed === 'all') {
      disallowedMask = allowed === 'all' ? null : this.#complement(allowedMask);
    } else {
      disallowedMask = this.#mask(disallowed, 'disallowedSpecial');
    }
    return [allowedMask, disallowedMask];
  }

  // The special tokens as given (a restored merges-list model gives a function that makes them).
  #specials(): Record<string, number> {
    if (typeof this.#special === 'function') this.#special = this.#special();
    return this.#special;
  }

  #names(): string[] {
    return (this.#specialNames ??= Object.keys(this.#specials()));
  }

  // One object for every call: handles cache their work per mask object.
  #all(): Uint8Array {
    return (this.#allMask ??= new Uint8Array(this.#names().length).fill(1));
  }

  #mask(names: string[], option: string): Uint8Array | null {
    if (names.length === 0) return null;
    const specialNames = this.#names();
    const mask = new Uint8Array(specialNames.length);
    for (const name of names) {
      const index = specialNames.indexOf(name);
      if (index < 0) {
        throw new TurbotokenError(`${option}: ${quote(name)} is not a special token of ${this.name}. Its special tokens: ${specialNames.slice(0, 20).join(', ')}${specialNames.length > 20 ? ', …' : ''}`, 'ERR_UNKNOWN_SPECIAL_TOKEN');
      }
      mask[index] = 1;
    }
    return mask;
  }

  #complement(mask: Uint8Array | null): Uint8Array | null {
    if (!mask) return this.#all();
    const out = new Uint8Array(mask.length);
    let any = false;
    for (let i = 0; i < mask.length; i++) {
      out[i] = mask[i] ? 0 : 1;
      any ||= out[i] === 1;
    }
    return any ? out : null;
  }
}

/** Whether value is an Encoding (a brand check: no getter or Proxy trap of value runs). */
export function isEncoding(value: unknown): value is Encoding {
  return internals.isEncoding(value);
}

/** Every ordinary token at once from the core, or null where the handle has no such call (src/vocabulary-scan.ts). */
export function vocabularyTable(encoding: Encoding, checkReachable: boolean): VocabularyTable | null {
  return internals.handle(encoding).vocabularyTable?.(checkReachable) ?? null;
}

/** The masks of encode's special-token options (read with readOptions(options, 'special')). */
export function specialPolicy(encoding: Encoding, options: ReadOptions<'special'>): [Uint8Array | null, Uint8Array | null] {
  return internals.policy(encoding, options);
}

/**
 * analyze()'s batch: the number of ids of each text, as encodeBatch(texts, options) would give
 * them with the special-token options `policy` stands for, each id's count added to
 * histogram[id] (a Float64Array of encoding.maxTokenValue + 1) and, when measures is given, the
 * texts' UTF-8 bytes, code points and words added to it, all by the thread that encodes each
 * text; the ids themselves never reach JavaScript. null where the handle has no native batch.
 * texts must be a list checkTextList returned (it is not read again here).
 */
export function countedBatch(encoding: Encoding, texts: TextInput[], policy: [Uint8Array | null, Uint8Array | null], threads: number | undefined, histogram: Float64Array, measures: Float64Array | null): Uint32Array | null {
  const h = internals.handle(encoding);
  if (!h.batch) return null;
  return h.batch(texts, policy[0], policy[1], threads ?? availableThreads(), true, measures ?? undefined, histogram) as Uint32Array;
}
