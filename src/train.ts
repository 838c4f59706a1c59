// train(input, options): a byte-level BPE vocabulary learned from a corpus by the core's trainer
// (native/core/train/) on whichever backend this process uses. docs/training.md defines the result.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as bufferModule from 'node:buffer';
import { types } from 'node:util';
import { asArgumentError, checkObject, checkOneOf, checkText, readArgument, checkThreads, isUint8Array, quote, uint8ArrayLength } from './args';
import { Encoding } from './encoding';
import { type ErrorCode, rangeError, TurbotokenError, typeError } from './errors';
import { largeBuffer } from './large-buffer';
import { native } from './native';
import { FAMILY_CODE, knownFamily } from './pattern';
import { toOniguruma } from './onig-export';
import { compilePattern } from './pattern-program';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN } from './safe-cut';
import { ScaffoldEncoding } from './scaffold-encoding';
import { SIDECAR_FORMAT, sidecarPath, type TiktokenSidecar } from './tiktoken-sidecar';
import { guarded, type Runtime } from './wasm-runtime';

/** A document: text, or UTF-8 bytes (ill-formed sequences read as U+FFFD). */
export type TrainDocument = string | Uint8Array;

export interface TrainOptions {
  /** The vocabulary size to reach, counted per tieBreak (docs/training.md). */
  vocabSize: number;
  /** A shipped pattern by name ('gpt2', 'cl100k', 'o200k' or an encoding name such as 'cl100k_base'), or a split pattern. Default 'cl100k'. */
  pattern?: string;
  /** Special tokens, given ids after the merged tokens in this order. Default none. */
  specialTokens?: readonly string[];
  /** Stop at the first pair seen fewer times than this. Default 0. */
  minFrequency?: number;
  /** The id order that breaks ties between equally frequent pairs. Default 'bytes'. */
  tieBreak?: 'huggingface' | 'bytes';
  /** 'lines': every line (with its "\n") is counted on its own, as Hugging Face's train(files) reads; 'documents': each document whole. Default 'documents'. */
  chunking?: 'lines' | 'documents';
  /** With chunking 'documents': only the first this many code points of a document count (nanochat: 10000). Default 0, no limit. */
  maxDocumentChars?: number;
  /** Threads that count chunks (native addon only). Default 1. */
  threads?: number;
  /** Keep at most this many distinct chunks: past it, the rarest are dropped (docs/training.md). Default 0, no cap. */
  maxChunks?: number;
  /** 'scaffold': Scaffold-BPE (Lian et al. 2024; docs/training.md): scaffold tokens are merged through but demerged by encode and not counted in vocabSize. Default 'bpe'. */
  algorithm?: 'bpe' | 'scaffold';
  /** The trained encoding's name. Default 'trained'. */
  name?: string;
  /** Called after each batch of input is counted. */
  onProgress?: (progress: TrainProgress) => void;
}

export interface TrainProgress {
  /** Bytes of text counted so far. */
  bytes: number;
  /** Documents counted so far. */
  documents: number;
  /** Distinct chunks counted so far (one table, whatever the number of threads). */
  chunks: number;
}

export interface TrainResult {
  /** The trained vocabulary, ready to encode. */
  encoding: Encoding;
  /** Per merge, in order: left id, right id, resulting id (ids of `encoding`). */
  merges: Uint32Array;
  /** The count of the pair at each merge. */
  mergeCounts: Float64Array;
  /** With algorithm 'scaffold': the scaffold token ids, ascending (encode never returns them); else empty. */
  scaffold: Uint32Array;
  /** Token bytes by id (0-255: the bytes, then merged tokens; with 'scaffold' these include the scaffold tokens). */
  tokens: readonly Uint8Array[];
  /** The split pattern (its text). */
  pattern: string;
  /** Distinct chunks that were counted. */
  chunks: number;
  /** Distinct bytes seen in the corpus. */
  alphabet: number;
  /** The ranks as a .tiktoken file ("base64 rank" lines; all 256 bytes and the merged tokens). */
  toTiktoken(): string;
  /** A Hugging Face tokenizer.json (byte-level BPE, the pattern as a Split pre-tokenizer) with the same ids. Not for algorithm 'scaffold' (ERR_UNSUPPORTED_TOKENIZER): Hugging Face cannot demerge. */
  toTokenizerJson(): string;
  /** What goes beside the .tiktoken as PATH.json: name, pattern, special tokens and tieBreak (docs/training.md). */
  toTiktokenSidecar(): string;
  /** Writes toTiktoken() to `path` and toTiktokenSidecar() to `path + '.json'`, each atomically (a temporary file renamed into place); a failure leaves neither. */
  writeTiktoken(path: string): void;
  /** Writes toTokenizerJson() to `path` atomically. */
  writeTokenizerJson(path: string): void;
}

const TRAIN_KEYS = ['vocabSize', 'pattern', 'specialTokens', 'minFrequency', 'tieBreak', 'chunking', 'maxDocumentChars', 'threads', 'maxChunks', 'name', 'onProgress', 'algorithm'] as const;

const NAMED_PATTERNS: Record<string, string> = {
  gpt2: GPT2_PATTERN,
  r50k_base: GPT2_PATTERN,
  p50k_base: GPT2_PATTERN,
  cl100k: CL100K_PATTERN,
  cl100k_base: CL100K_PATTERN,
  o200k: O200K_PATTERN,
  o200k_base: O200K_PATTERN,
};

// Bytes of text counted per call into the core: enough for the threads to split well, few enough
// that the first touch of the batch buffers (here and in the core) stays a small serial cost.
let BATCH_BYTES = 4 << 20;

// Milliseconds of collecting input between turns of the event loop in trainAsync. By time, not by
// bytes: the first MB of strings built by concatenation cost 20 ms here (flattening, scavenges),
// the next ones 4 ms.
const SLICE_MS = 2;
// The clock is read every `stride` documents, the stride set at each reading to about a quarter of
// SLICE_MS at the pace measured since the last (at most MAX_STRIDE): a performance.now() per
// document (60 ns of CPU here) was a seventh of the JS thread's serial time per short document.
// Documents that suddenly take longer overrun one slice by at most MAX_STRIDE of them.
const MAX_STRIDE = 64;

/**
 * Not part of the package's API (index.ts does not export it): sets the batch size, so that tests
 * can cover many batches on a small corpus. Returns the previous size.
 */
export function setTrainBatchBytesForTests(bytes: number): number {
  const previous = BATCH_BYTES;
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 4 << 20) throw rangeError(`batch bytes must be from 1 to ${4 << 20}; received ${bytes}`);
  BATCH_BYTES = bytes;
  return previous;
}

interface Settings {
  vocabSize: number;
  pattern: string;
  specialTokens: string[];
  minFrequency: number;
  hfOrder: boolean;
  chunking: 0 | 1;
  maxDocumentChars: number;
  threads: number;
  maxChunks: number;
  name: string;
  onProgress?: (progress: TrainProgress) => void;
  scaffold: boolean;
}

function whole(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(`The "${name}" option must be an integer; received ${quote(value)}`);
  if (value < min || value > max) throw rangeError(`The "${name}" option must be from ${min} to ${max}; received ${value}`);
  return value;
}

/** Reads and checks train's options (all before any input is read). */
export function readTrainOptions(options: unknown): Settings {
  const given = checkObject(options, 'options') as Record<string, unknown>;
  const opts: Record<string, unknown> = {};
  for (const key of TRAIN_KEYS) opts[key] = Object.prototype.hasOwnProperty.call(given, key) ? given[key] : undefined;
  if (opts.vocabSize === undefined) throw typeError('The "vocabSize" option is required');
  const vocabSize = whole(opts.vocabSize, 'vocabSize', 1, 1 << 24);
  let pattern = CL100K_PATTERN;
  if (opts.pattern !== undefined) {
    if (typeof opts.pattern !== 'string' || opts.pattern === '') throw typeError(`The "pattern" option must be a non-empty string; received ${quote(opts.pattern)}`);
    pattern = Object.prototype.hasOwnProperty.call(NAMED_PATTERNS, opts.pattern) ? NAMED_PATTERNS[opts.pattern] : opts.pattern;
  }
  const specialTokens: string[] = [];
  if (opts.specialTokens !== undefined) {
    if (!Array.isArray(opts.specialTokens)) throw typeError(`The "specialTokens" option must be an array of strings; received ${quote(opts.specialTokens)}`);
    for (const t of opts.specialTokens as unknown[]) {
      if (typeof t !== 'string' || t === '') throw typeError(`specialTokens: a special token must be a non-empty string; received ${quote(t)}`);
      if (specialTokens.includes(t)) throw rangeError(`specialTokens: ${quote(t)} is given twice`);
      specialTokens.push(t);
    }
  }
  const minFrequency = opts.minFrequency === undefined ? 0 : whole(opts.minFrequency, 'minFrequency', 0, Number.MAX_SAFE_INTEGER);
  const hfOrder = checkOneOf(opts.tieBreak, 'tieBreak', ['huggingface', 'bytes'] as const, 'bytes') === 'huggingface';
  const chunking = checkOneOf(opts.chunking, 'chunking', ['lines', 'documents'] as const, 'documents') === 'lines' ? 0 : 1;
  const maxDocumentChars = opts.maxDocumentChars === undefined ? 0 : whole(opts.maxDocumentChars, 'maxDocumentChars', 0, 0xffffffff);
  if (maxDocumentChars !== 0 && chunking === 0) throw rangeError('The "maxDocumentChars" option applies to chunking \'documents\' only');
  const threads = opts.threads === undefined ? 1 : checkThreads(opts.threads);
  const maxChunks = opts.maxChunks === undefined ? 0 : whole(opts.maxChunks, 'maxChunks', 0, 0xffffffff);
  if (maxChunks !== 0 && maxChunks < 2) throw rangeError(`The "maxChunks" option must be 0 (no cap) or at least 2; received ${maxChunks}`);
  const name = opts.name === undefined ? 'trained' : opts.name;
  if (typeof name !== 'string' || name === '') throw typeError(`The "name" option must be a non-empty string; received ${quote(name)}`);
  const scaffold = checkOneOf(opts.algorithm, 'algorithm', ['bpe', 'scaffold'] as const, 'bpe') === 'scaffold';
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') throw typeError(`The "onProgress" option must be a function; received ${quote(opts.onProgress)}`);
  // The smallest vocabulary: every byte (as a .tiktoken holds them) and the special tokens.
  const least = (hfOrder ? 1 : 256) + specialTokens.length;
  if (vocabSize < least) throw rangeError(`The "vocabSize" option must be at least ${least} (${hfOrder ? 'one character' : 'the 256 bytes'} and ${specialTokens.length} special tokens); received ${vocabSize}`, 'ERR_OUT_OF_RANGE');
  return { vocabSize, pattern, specialTokens, minFrequency, hfOrder, chunking, maxDocumentChars, threads, maxChunks, name, onProgress: opts.onProgress as Settings['onProgress'], scaffold };
}

interface LearnResult {
  triples: Uint32Array;
  counts: Float64Array;
  alphabet: number;
  scaffold: Uint32Array;
}

/** One backend's trainer: the addon's Trainer or the WebAssembly module's tt_trainer_*. */
interface CoreTrainer {
  /** `last`: the run's last batch, after which the threads' tables are merged (the chunk count becomes the distinct count). */
  count(bytes: Uint8Array, ends: Uint32Array, threads: number, last: boolean): number;
  /**
   * count off the JS thread where the backend can (the addon: libuv's pool). The bytes are copied
   * before it returns, unless `lent`: then they are read in place and must stay untouched until it settles.
   */
  countAsync(bytes: Uint8Array, ends: Uint32Array, threads: number, last: boolean, lent: boolean): Promise<number>;
  chunks(): number;
  /** Whether the split matched anywhere in what was counted (text between matches is counted too). */
  matched(): boolean;
  learn(vocabSize: number, specials: number, minFrequency: number, hfOrder: boolean, scaffold: boolean): LearnResult;
  learnAsync(vocabSize: number, specials: number, minFrequency: number, hfOrder: boolean, scaffold: boolean): Promise<LearnResult>;
  close(): void;
  /** The addon's Trainer.gather (native/binding/train_binding.cpp), where there is one. */
  gather?: GatherFn;
}

/** Copies docs[from...] into batch, one call for many documents; see Counter#gather. */
type GatherFn = (docs: unknown[], from: number, max: number, batch: Uint8Array, ends: Uint32Array, progress: Float64Array) => unknown;

// Why gather returned (progress[3]).
const GATHER_ELEMENT = 1;
const GATHER_ENDS = 2;
const GATHER_END = 3;

type AddonLearn = { status: number } & Partial<LearnResult>;

interface AddonTrainer {
  count(bytes: Uint8Array, ends: Uint32Array, threads: number, last: boolean): number;
  countAsync(bytes: Uint8Array, ends: Uint32Array, threads: number, last: boolean, lent: boolean): Promise<number> | number;
  chunks(): number;
  matched(): boolean;
  learn(vocabSize: number, specials: number, minFrequency: number, hfOrder: boolean, scaffold: boolean): AddonLearn;
  learnAsync(vocabSize: number, specials: number, minFrequency: number, hfOrder: boolean, scaffold: boolean): Promise<AddonLearn> | AddonLearn;
  close(): void;
}

interface TrainerExports {
  tt_trainer_create(family: number, program: number, words: number, chunking: number, maxChars: number, maxChunks: number): number;
  tt_trainer_destroy(handle: number): void;
  tt_trainer_count(handle: number, text: number, size: number, ends: number, count: number): number;
  tt_trainer_chunks(handle: number): number;
  tt_trainer_matched(handle: number): number;
  tt_trainer_learn(handle: number, vocab: number, specials: number, minFrequency: number, hf: number, scaffold: number): number;
  tt_trainer_scaffold(handle: number): void;
  tt_trainer_counts(handle: number): number;
}

/** The trainer's own failures, their codes held to ErrorCode (docs/api.md's table lists them). */
function trainError(message: string, code: ErrorCode): TurbotokenError {
  return new TurbotokenError(message, code);
}

const STATUS_TEXT: Record<number, string> = {
  2: 'the text is not UTF-8 or its document ends are out of order',
  3: 'an unknown family or chunking mode',
  100: 'the trainer is busy with another call',
};

function statusError(status: number): TurbotokenError {
  if (status === 1) return trainError('Training ran out of memory: lower "maxChunks" or train on less text', 'ERR_OUT_OF_MEMORY');
  return trainError(`Training failed: ${STATUS_TEXT[status] ?? `status ${status}`}`, 'ERR_TRAIN_FAILED');
}

function addonTrainer(family: number, program: Uint32Array | null, s: Settings): CoreTrainer {
  const Ctor = (native as unknown as { Trainer: (new (...args: unknown[]) => AddonTrainer) & { gather?: GatherFn } }).Trainer;
  const t = new Ctor(family, program, s.chunking, s.maxDocumentChars, s.maxChunks);
  const learned = (r: AddonLearn): LearnResult => {
    if (r.status !== 0) throw statusError(r.status);
    return { triples: r.triples!, counts: r.counts!, alphabet: r.alphabet!, scaffold: r.scaffold! };
  };
  return {
    count: (bytes, ends, threads, last) => t.count(bytes, ends, threads, last),
    countAsync: async (bytes, ends, threads, last, lent) => t.countAsync(bytes, ends, threads, last, lent),
    chunks: () => t.chunks(),
    matched: () => t.matched(),
    learn: (vocabSize, specials, minFrequency, hfOrder, scaffold) => learned(t.learn(vocabSize, specials, minFrequency, hfOrder, scaffold)),
    learnAsync: async (vocabSize, specials, minFrequency, hfOrder, scaffold) => learned(await t.learnAsync(vocabSize, specials, minFrequency, hfOrder, scaffold)),
    close: () => t.close(),
    gather: typeof Ctor.gather === 'function' && isUtf8 !== undefined ? Ctor.gather : undefined,
  };
}

function wasmTrainer(family: number, program: Uint32Array | null, s: Settings): CoreTrainer {
  let generation = -1;
  const handle = guarded((rt: Runtime) => {
    const x = rt.x as unknown as TrainerExports;
    let ptr = 0;
    if (program) {
      ptr = rt.alloc(program.byteLength);
      new Uint32Array(rt.x.memory.buffer, ptr, program.length).set(program);
    }
    const status = x.tt_trainer_create(family, ptr, program ? program.length : 0, s.chunking, s.maxDocumentChars, s.maxChunks);
    if (ptr) rt.x.tt_free(ptr);
    if (status !== 0) throw trainError('The compiled pattern program is malformed', 'ERR_INVALID_PATTERN');
    generation = rt.generation;
    return rt.out()[0];
  });
  // A trap discards the module instance, and the trainer with it.
  const live = <T>(fn: (rt: Runtime, x: TrainerExports) => T): T =>
    guarded((rt) => {
      if (rt.generation !== generation) throw trainError('The WebAssembly trainer was lost when its module instance trapped', 'ERR_TRAIN_FAILED');
      return fn(rt, rt.x as unknown as TrainerExports);
    });
  const trainer: CoreTrainer = {
    // WebAssembly has no thread of its own here: the async forms run on the JS thread (docs/training.md).
    countAsync: async (bytes, ends, threads, last) => trainer.count(bytes, ends, threads, last),
    learnAsync: async (vocabSize, specials, minFrequency, hfOrder, scaffold) => trainer.learn(vocabSize, specials, minFrequency, hfOrder, scaffold),
    count: (bytes, ends) =>
      live((rt, x) => {
        const text = rt.put(bytes);
        const at = rt.alloc(ends.byteLength + 4);
        new Uint32Array(rt.x.memory.buffer, at, ends.length).set(ends);
        const status = x.tt_trainer_count(handle, text, bytes.length, at, ends.length);
        rt.x.tt_free(text);
        rt.x.tt_free(at);
        return status;
      }),
    chunks: () => live((_rt, x) => x.tt_trainer_chunks(handle)),
    matched: () => live((_rt, x) => x.tt_trainer_matched(handle) === 1),
    learn: (vocabSize, specials, minFrequency, hfOrder, withScaffold) =>
      live((rt, x) => {
        const status = x.tt_trainer_learn(handle, vocabSize, specials, minFrequency, hfOrder ? 1 : 0, withScaffold ? 1 : 0);
        if (status !== 0) throw statusError(status);
        const [a, b] = rt.out();
        const triples = new Uint32Array(rt.x.memory.buffer, a, b).slice();
        const alphabet = x.tt_trainer_counts(handle);
        const [c, d] = rt.out();
        const counts = new Float64Array(rt.x.memory.buffer, c, d).slice();
        x.tt_trainer_scaffold(handle);
        const [e, f] = rt.out();
        const scaffold = new Uint32Array(rt.x.memory.buffer, e, f).slice();
        return { triples, counts, alphabet, scaffold };
      }),
    close() {
      try {
        live((_rt, x) => x.tt_trainer_destroy(handle));
      } catch {
        // the instance that held it is gone already
      }
    },
  };
  return trainer;
}

const { isUtf8 } = bufferModule as unknown as { isUtf8?: (b: Uint8Array) => boolean };

/** Well-formed UTF-8 for a document: strings are encoded; bytes pass when well-formed, else are repaired (U+FFFD). */
function documentBytes(doc: unknown): Uint8Array {
  if (typeof doc === 'string') return Buffer.from(doc, 'utf8');
  if (isUint8Array(doc)) {
    // A view of a detached or shrunk buffer reads as empty, as everywhere else.
    const slots = checkText(doc) as Uint8Array;
    if (slots.byteLength === 0) return new Uint8Array(0);
    const view = Buffer.from(slots.buffer, slots.byteOffset, slots.byteLength);
    if (isUtf8 ? isUtf8(view) : Buffer.from(view.toString('utf8'), 'utf8').equals(view)) return view;
    return Buffer.from(view.toString('utf8'), 'utf8');
  }
  throw typeError(`A training document must be a string or a Uint8Array; received ${quote(doc)}`);
}

/** The batch's documents (ending at `ends`), each ill-formed one repaired as documentBytes repairs it. */
function repaired(bytes: Uint8Array, ends: Uint32Array): [Uint8Array, Uint32Array] {
  const pieces: Uint8Array[] = [];
  const fixedEnds = new Uint32Array(ends.length);
  let start = 0;
  let size = 0;
  for (let k = 0; k < ends.length; k++) {
    const doc = bytes.subarray(start, ends[k]);
    const fixed = doc.length === 0 || isUtf8!(doc) ? doc : documentBytes(doc);
    pieces.push(fixed);
    size += fixed.length;
    fixedEnds[k] = size;
    start = ends[k];
  }
  return [Buffer.concat(pieces, size), fixedEnds];
}

// A batch buffer, in 2 MB pages where the addon has them: on 4 KB pages the first touch of each
// fresh 4 MB buffer held the JS thread for 15 ms here (a page fault per 4 KB), before the first
// batch could be counted and again while the threads counted it.
function batchBuffer(): Buffer<ArrayBuffer> {
  const large = largeBuffer(BATCH_BYTES);
  return large ? Buffer.from(large.buffer as ArrayBuffer, large.byteOffset, large.byteLength) : Buffer.allocUnsafeSlow(BATCH_BYTES);
}

/**
 * Collects documents into batches and counts each batch in the core. Async (trainAsync): a batch
 * is counted off the JS thread while the next one is collected; add and flush then return a
 * promise when they must wait for the count in flight.
 */
class Counter {
  readonly #core: CoreTrainer;
  readonly #s: Settings;
  readonly #async: boolean;
  #batch = Buffer.allocUnsafe(0);
  // Async: the batch lent to the count in flight while #batch fills (never written before that count settles).
  #spare = Buffer.allocUnsafe(0);
  #used = 0;
  // The batch's document ends: #nEnds of #ends (grown as needed), in a typed array that the addon's gather writes too.
  #ends = new Uint32Array(4096);
  #nEnds = 0;
  // gather's in and out numbers (16 slots: 128 bytes, outside V8's heap as the addon wants).
  readonly #progress = new Float64Array(16);
  // The batch holds documents not yet checked to be UTF-8 (add), checked at flush.
  #unchecked = false;

  #inFlight: Promise<void> | undefined;
  bytes = 0;
  documents = 0;

  constructor(core: CoreTrainer, s: Settings, async = false) {
    this.#core = core;
    this.#s = s;
    this.#async = async;
  }

  add(doc: unknown): void | Promise<void> {
    if (typeof doc === 'string' && doc.length * 3 <= BATCH_BYTES) {
      if (this.#used + doc.length * 3 > this.#batch.length) {
        const wait = this.flush();
        if (wait) return wait.then(() => this.add(doc));
      }
      if (this.#batch.length === 0) this.#batch = batchBuffer();
      this.#used += this.#batch.write(doc, this.#used, 'utf8');
      this.#end();
    } else {
      // The common case, bytes that start a character and fit a batch, in as few calls as the copy
      // allows: the JS thread's time per document is serial with the counting threads. The length
      // comes from the internal slot and set() reads the source's slots too, so neither a getter
      // nor a Proxy runs here (a Proxy is not a Uint8Array by its slot; indexing a typed array
      // never reaches its prototype). The UTF-8 check is the batch's (see below).
      const n = isUtf8 === undefined ? -1 : uint8ArrayLength(doc);
      if (n > 0 && n <= BATCH_BYTES && ((doc as Uint8Array)[0] & 0xc0) !== 0x80) {
        if (this.#used + n > this.#batch.length) {
          const wait = this.flush();
          if (wait) return wait.then(() => this.add(doc));
        }
        if (this.#batch.length === 0) this.#batch = batchBuffer();
        this.#batch.set(doc as Uint8Array, this.#used);
        this.#used += n;
        this.#end();
        this.#unchecked = true;
        this.documents++;
        return;
      }
      // Well-formed bytes go into the batch as they are (no copy, no repair), read through a view
      // made from the array's internal slots: its own or a subclass's length getter could claim a
      // billion bytes.
      const view = isUint8Array(doc) ? (checkText(doc) as Uint8Array) : doc;
      // A document that goes into the batch and starts a character is checked with the whole
      // batch at flush (one isUtf8 call per batch, not per document: many small documents cost
      // the JS thread a call each). Well-formed pieces that each start a character join into
      // well-formed text, and well-formed text that holds a character's start at every join is
      // well-formed in each piece: so the batch checks out exactly when each of its documents does.
      const deferred = isUint8Array(view) && isUtf8 !== undefined && view.byteLength > 0 && view.byteLength <= BATCH_BYTES && (view[0] & 0xc0) !== 0x80;
      const bytes = deferred || (isUint8Array(view) && isUtf8 && view.byteLength > 0 && isUtf8(view)) ? (view as Uint8Array) : documentBytes(view);
      if (this.#used + bytes.length > this.#batch.length) {
        const wait = this.flush();
        if (wait) return wait.then(() => this.add(bytes));
      }
      if (bytes.length > BATCH_BYTES) {
        this.documents++;
        return this.#count(bytes, Uint32Array.of(bytes.length));
      }
      if (this.#batch.length === 0) this.#batch = batchBuffer();
      this.#batch.set(bytes, this.#used);
      this.#used += bytes.length;
      this.#end();
      if (deferred) this.#unchecked = true;
    }
    this.documents++;
  }

  #end(): void {
    if (this.#nEnds === this.#ends.length) this.#growEnds();
    this.#ends[this.#nEnds++] = this.#used;
  }

  #growEnds(): void {
    const grown = new Uint32Array(this.#ends.length * 2);
    grown.set(this.#ends);
    this.#ends = grown;
  }

  /** Whether gather can be used: the addon has it (see gatherable for the arrays it takes). */
  get gathers(): boolean {
    return this.#core.gather !== undefined;
  }

  /**
   * Adds docs[from], docs[from + 1], ... (at most `max` of them) in one call into the addon, which
   * reads the array as its iterator would (`docs` passed gatherable), and each element it leaves
   * (not a string or bytes it copies, or one that does not fit the batch) through add. Returns the
   * index to go on from, -1 once the array ended, or a promise of it when add must wait.
   */
  gather(docs: unknown[], from: number, max: number): number | Promise<number> {
    if (this.#batch.length === 0) this.#batch = batchBuffer();
    const p = this.#progress;
    p[0] = this.#used;
    p[1] = this.#nEnds;
    const left = this.#core.gather!(docs, from, max, this.#batch, this.#ends, p);
    this.#used = p[0];
    this.#nEnds = p[1];
    this.documents += p[2];
    if (p[4] === 1) this.#unchecked = true;
    const next = from + p[2];
    if (p[3] === GATHER_END) return -1;
    if (p[3] === GATHER_ENDS) this.#growEnds();
    if (p[3] !== GATHER_ELEMENT) return next;
    const wait = this.add(left);
    return wait ? wait.then(() => next + 1) : next + 1;
  }

  /** `last`: the input has ended; the batch (even an empty one) goes to the core as the last, which merges the threads' tables after it. */
  flush(last = false): void | Promise<void> {
    if (this.#nEnds === 0 && !last) return;
    let ends: Uint32Array = this.#ends.slice(0, this.#nEnds);
    let bytes: Uint8Array = this.#batch.subarray(0, this.#used);
    this.#nEnds = 0;
    this.#used = 0;
    // Documents whose check was left to the batch (see add): only when it fails is each checked,
    // and the ill-formed ones repaired, into a batch of its own.
    const repair = this.#unchecked && !isUtf8!(bytes);
    this.#unchecked = false;
    if (repair) [bytes, ends] = repaired(bytes, ends);
    if (!this.#async) return this.#count(bytes, ends, last);
    // The other buffer fills next. A count that must wait for the one in flight returns a promise
    // that add awaits before it writes, so the other buffer is written only once its count settled.
    [this.#batch, this.#spare] = [this.#spare, this.#batch];
    return this.#count(bytes, ends, last, !repair);
  }

  /** Async: waits for the count in flight (its error, if any, thrown here). */
  async settled(): Promise<void> {
    const last = this.#inFlight;
    this.#inFlight = undefined;
    await last;
  }

  /** `lent`: bytes of this Counter's own batch buffers, counted in place (see flush). */
  #count(bytes: Uint8Array, ends: Uint32Array, last = false, lent = false): void | Promise<void> {
    if (bytes.length > 0xffffffff) throw rangeError('A training document must be under 4 GiB');
    if (!this.#async) {
      this.#counted(this.#core.count(bytes, ends, this.#s.threads, last), bytes.length, this.documents);
      return;
    }
    // One count at a time: the core's table is not shared. A caller's bytes are copied when the
    // count starts; the batch buffers are lent instead (the copy held the JS thread for ms).
    if (this.#inFlight) return this.settled().then(() => this.#count(bytes, ends, last, lent));
    const documents = this.documents;
    const started = this.#core.countAsync(bytes, ends, this.#s.threads, last, lent).then((status) => this.#counted(status, bytes.length, documents));
    started.catch(() => {}); // observed by settled(); never an unhandled rejection meanwhile
    this.#inFlight = started;
  }

  #counted(status: number, length: number, documents: number): void {
    if (status !== 0) throw statusError(status);
    this.bytes += length;
    this.#s.onProgress?.({ bytes: this.bytes, documents, chunks: this.#core.chunks() });
  }
}

/** Starts a trainer for the settings: the native scanner for a shipped pattern, else the compiled pattern. */
function startTrainer(s: Settings): CoreTrainer {
  const family = knownFamily(s.pattern);
  const program = family ? null : compilePattern(s.pattern).words;
  const code = family ? FAMILY_CODE[family] : -1;
  const addon = (native as unknown as { Trainer?: unknown }).Trainer;
  return native.backend === 'wasm' || typeof addon !== 'function' ? wasmTrainer(code, program, s) : addonTrainer(code, program, s);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// GPT-2's byte-to-character map, as Hugging Face's ByteLevel uses it.
const BYTE_CHARS: string[] = (() => {
  const chars: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
    chars.push(String.fromCodePoint(printable ? b : 256 + n++));
  }
  return chars;
})();

const byteLevel = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += BYTE_CHARS[b];
  return s;
};

/** Writes text to path through a temporary file in the same directory, renamed into place. */
export function writeAtomically(path: string, text: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx');
    const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already renamed
    }
    const e = trainError(`Cannot write ${path}: ${(error as Error).message}`, 'ERR_SAVE_FAILED');
    (e as Error & { cause?: unknown }).cause = error;
    throw e;
  }
}

// The last batch merged the threads' tables: chunks() is the distinct count.
function checkCounted(core: CoreTrainer, counter: Counter): void {
  if (core.chunks() === 0 || !core.matched()) {
    throw trainError(
      counter.bytes === 0 ? 'The training corpus is empty' : `The pattern matched nothing in ${counter.bytes} bytes of training text`,
      'ERR_EMPTY_CORPUS',
    );
  }
}

function finish(core: CoreTrainer, counter: Counter, s: Settings): TrainResult {
  counter.flush(true);
  checkCounted(core, counter);
  const chunks = core.chunks();
  return result(s, chunks, core.learn(s.vocabSize, s.specialTokens.length, s.minFrequency, s.hfOrder, s.scaffold));
}

// A turn of the event loop (timers included), between slices of work on the JS thread.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function finishAsync(core: CoreTrainer, counter: Counter, s: Settings): Promise<TrainResult> {
  await counter.flush(true);
  await counter.settled();
  checkCounted(core, counter);
  const chunks = core.chunks();
  const learned = await core.learnAsync(s.vocabSize, s.specialTokens.length, s.minFrequency, s.hfOrder, s.scaffold);
  // The token bytes and the Encoding are built on the JS thread: each in a turn of its own.
  await nextTurn();
  const tokens = tokensOf(learned.triples);
  await nextTurn();
  return result(s, chunks, learned, tokens);
}

/** Per scaffold token, ascending: [id, left, right] of the first merge that made it (the one encode demerges through). */
function scaffoldMerges(triples: Uint32Array, scaffold: Uint32Array): [number, number, number][] {
  const wanted = new Set(scaffold);
  const made = new Map<number, [number, number, number]>();
  for (let k = 0; k < triples.length; k += 3) {
    const id = triples[k + 2];
    if (wanted.has(id) && !made.has(id)) made.set(id, [id, triples[k], triples[k + 1]]);
  }
  return [...made.values()].sort((a, b) => a[0] - b[0]);
}

/** Token bytes by id: the 256 bytes, then each merge's new token. */
function tokensOf(triples: Uint32Array): Uint8Array[] {
  const tokens: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) tokens.push(Uint8Array.of(b));
  for (let k = 0; k < triples.length; k += 3) {
    if (triples[k + 2] !== tokens.length) continue; // a merge that remade an existing token
    const l = tokens[triples[k]], r = tokens[triples[k + 1]];
    const joined = new Uint8Array(l.length + r.length);
    joined.set(l);
    joined.set(r, l.length);
    tokens.push(joined);
  }
  return tokens;
}

function result(s: Settings, chunks: number, { triples, counts, alphabet, scaffold }: LearnResult, tokens = tokensOf(triples)): TrainResult {
  const ranks = new Map<Uint8Array, number>();
  tokens.forEach((t, id) => ranks.set(t, id));
  const specialTokens: Record<string, number> = {};
  s.specialTokens.forEach((t, k) => (specialTokens[t] = tokens.length + k));
  // The chunks held the text between the pattern's matches: the encoding splits as it was trained.
  const options = { name: s.name, pattern: s.pattern, ranks, specialTokens, unmatched: 'keep' as const };
  const encoding = s.scaffold ? new ScaffoldEncoding(options, triples, scaffold) : new Encoding(options);
  const toTiktoken = () => tokens.map((t, id) => `${base64(t)} ${id}\n`).join('');
  const toTiktokenSidecar = () => {
    const tieBreak = s.hfOrder ? 'huggingface' : 'bytes';
    const sidecar: TiktokenSidecar = s.scaffold
      ? { format: SIDECAR_FORMAT, version: 2, name: s.name, pattern: s.pattern, specialTokens, unmatched: 'keep', tieBreak, algorithm: 'scaffold', scaffold: scaffoldMerges(triples, scaffold) }
      : { format: SIDECAR_FORMAT, version: 1, name: s.name, pattern: s.pattern, specialTokens, unmatched: 'keep', tieBreak, algorithm: 'bpe' };
    return `${JSON.stringify(sidecar, null, 2)}\n`;
  };
  const toTokenizerJson = () => {
    if (s.scaffold) throw new TurbotokenError('A Scaffold-BPE vocabulary has no tokenizer.json: Hugging Face tokenizers cannot demerge its scaffold tokens', 'ERR_UNSUPPORTED_TOKENIZER');
    const vocab: Record<string, number> = {};
    tokens.forEach((t, id) => (vocab[byteLevel(t)] = id));
    const merges: [string, string][] = [];
    for (let k = 0; k < triples.length; k += 3) merges.push([byteLevel(tokens[triples[k]]), byteLevel(tokens[triples[k + 1]])]);
    // Hugging Face reads the pattern with Oniguruma: spelled so that it splits as this encoding does.
    const pattern = toOniguruma(s.pattern);
    const added = s.specialTokens.map((content, k) => ({ id: tokens.length + k, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
    return JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: null,
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
    });
  };
  return {
    encoding,
    merges: triples,
    mergeCounts: counts,
    scaffold,
    tokens,
    pattern: s.pattern,
    chunks,
    alphabet,
    toTiktoken,
    toTokenizerJson,
    toTiktokenSidecar,
    writeTiktoken(path: string) {
      writeAtomically(sidecarPath(path), toTiktokenSidecar());
      try {
        writeAtomically(path, toTiktoken());
      } catch (error) {
        try {
          unlinkSync(sidecarPath(path));
        } catch {
          // already gone
        }
        throw error;
      }
    },
    writeTokenizerJson: (path: string) => writeAtomically(path, toTokenizerJson()),
  };
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

// Saved at load: what an array's for-of calls, unless patched since.
const getOwnDescriptor = Reflect.getOwnPropertyDescriptor;
const getPrototype = Reflect.getPrototypeOf;
const isArray = Array.isArray;
const ARRAY_ITERATOR = getPrototype([][Symbol.iterator]()) as object;
const dataValue = (o: object, key: PropertyKey): unknown => {
  const d = getOwnDescriptor(o, key);
  return d && 'value' in d ? d.value : undefined;
};
const ARRAY_VALUES = dataValue(Array.prototype, Symbol.iterator);
const ARRAY_NEXT = dataValue(ARRAY_ITERATOR, 'next');

/**
 * `input` when for-of over it would be the built-in array iteration: a plain Array (not a Proxy,
 * a subclass or another realm's), no own Symbol.iterator, and Array.prototype's and the array
 * iterator's methods as at load. Such an array yields, at each step, input[k] while k < its length
 * at that step, which is what the addon's gather reads (getters, holes and a length that changes
 * included); nothing here runs the caller's code.
 */
function gatherable(input: unknown): unknown[] | undefined {
  if (types.isProxy(input) || !isArray(input) || getPrototype(input) !== Array.prototype) return undefined;
  if (getOwnDescriptor(input, Symbol.iterator) !== undefined) return undefined;
  if (dataValue(Array.prototype, Symbol.iterator) !== ARRAY_VALUES || dataValue(ARRAY_ITERATOR, 'next') !== ARRAY_NEXT) return undefined;
  return input;
}

// Documents per gather call in train (trainAsync sizes them to its slices).
const GATHER_MAX = 4096;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/**
 * A BPE vocabulary trained on `input`: a document (string or UTF-8 bytes) or an iterable of them.
 * Merges pick the most frequent pair, ties going to the smallest pair of ids (docs/training.md).
 */
export function train(input: TrainDocument | Iterable<TrainDocument>, options: TrainOptions): TrainResult {
  const s = readArgument(() => readTrainOptions(options));
  if (typeof input !== 'string' && !isUint8Array(input) && !readArgument(() => isIterable(input))) {
    throw typeError(`The "input" argument must be a string, a Uint8Array or an iterable of them; received ${quote(input)}`);
  }
  const core = startTrainer(s);
  try {
    const counter = new Counter(core, s);
    const docs = counter.gathers ? gatherable(input) : undefined;
    if (typeof input === 'string' || isUint8Array(input)) counter.add(input);
    else if (docs) for (let k = 0; k >= 0; ) k = counter.gather(docs, k, GATHER_MAX) as number; // sync: add never waits
    else for (const doc of input) counter.add(doc);
    return finish(core, counter, s);
  } catch (error) {
    throw asArgumentError(error); // a revoked Proxy, a fake or detached view: a coded TypeError
  } finally {
    core.close();
  }
}

/**
 * train() over an async iterable too (a stream of documents). On the native addon the counting
 * and the merges run on libuv's thread pool, each batch counted while the next is collected; the
 * JS thread only reads the input. On WebAssembly they run on the JS thread (docs/training.md).
 */
export async function trainAsync(input: TrainDocument | Iterable<TrainDocument> | AsyncIterable<TrainDocument>, options: TrainOptions): Promise<TrainResult> {
  const s = readArgument(() => readTrainOptions(options));
  if (typeof input !== 'string' && !isUint8Array(input) && !readArgument(() => isIterable(input) || isAsyncIterable(input))) {
    throw typeError(`The "input" argument must be a string, a Uint8Array or an iterable or async iterable of them; received ${quote(input)}`);
  }
  const core = startTrainer(s);
  const counter = new Counter(core, s, true);
  try {
    if (typeof input === 'string' || isUint8Array(input)) await counter.add(input);
    else {
      // A turn of the event loop after every SLICE_MS of collecting: an input at hand (an
      // array, an async generator of ready values) would otherwise be collected in one go.
      let since = performance.now();
      let checked = since;
      let stride = 1;
      let left = 1;
      const turn = () => {
        if (--left > 0) return;
        const now = performance.now();
        stride = Math.max(1, Math.min(MAX_STRIDE, Math.floor((SLICE_MS / 4) * stride / Math.max(now - checked, 1e-3))));
        left = stride;
        checked = now;
        if (now - since < SLICE_MS) return;
        return nextTurn().then(() => {
          since = checked = performance.now();
        });
      };
      const docs = counter.gathers ? gatherable(input) : undefined;
      if (docs) {
        // As many documents per call as take about a quarter of a slice at the pace just measured,
        // growing at most 8x a call: elements can be getters that take any time.
        let max = 16;
        for (let k = 0; k >= 0; ) {
          const started = performance.now();
          const next = counter.gather(docs, k, max);
          if (typeof next !== 'number') {
            k = await next;
            continue;
          }
          k = next;
          const now = performance.now();
          max = Math.max(1, Math.min(GATHER_MAX, 8 * max, Math.floor(((SLICE_MS / 4) * max) / Math.max(now - started, 1e-3))));
          if (now - since < SLICE_MS) continue;
          await nextTurn();
          since = performance.now();
        }
      } else if (isAsyncIterable(input)) {
        for await (const doc of input) {
          const wait = counter.add(doc) ?? turn();
          if (wait) await wait;
        }
      } else {
        for (const doc of input) {
          const wait = counter.add(doc) ?? turn();
          if (wait) await wait;
        }
      }
    }
    return await finishAsync(core, counter, s);
  } catch (error) {
    throw asArgumentError(error);
  } finally {
    // A count still in flight (the input failed meanwhile) holds the core until it ends.
    await counter.settled().catch(() => {});
    core.close();
  }
}
