// The contract between the facade and a backend: what the native addon (native/binding/, loaded by
// src/native.ts) and the core compiled to WebAssembly (src/wasm.ts) both implement, so that
// src/backend.ts can hand either to the facade. Types only: importing this module loads nothing.
// The facade checks public arguments before it calls a handle (src/args.ts); a backend still
// refuses wrong types with a coded error, since the addon can be called directly.
import type { TurbotokenError } from './errors';

export interface NativeEncodingHandle {
  /**
   * The ids, or their count when they were written to the buffer given to setOutputBuffer.
   * threads > 1 (native): a text of at least 1 MiB is split at safe cuts over that many threads.
   */
  encode(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): Uint32Array | number;
  /** The first maxTokens ids of encode(), stopping early. */
  encodePrefix(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, maxTokens: number): Uint32Array;
  /** count(), stopping once it passes limit: exact when <= limit, else some number > limit. */
  countUpTo(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, limit: number): number;
  encodeWithOffsets(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null): { tokens: Uint32Array; offsets: Uint32Array; byteOffsets: Uint32Array };
  /** Every UTF-8 byte position where the core's safe-cut rules allow a cut (for tests). */
  safeCuts(text: string | Uint8Array): Uint32Array;
  /** Where each piece of the native scanner ends, the whole text read as ordinary text (the core itself, not its wrappers). */
  pieceEnds?(text: string | Uint8Array): Uint32Array;
  /** Optional: a buffer that encode() fills instead of allocating when the ids fit. */
  setOutputBuffer?(out: Uint32Array): void;
  /** Optional (native): the same work on libuv's thread pool. */
  encodeAsync?(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): Promise<Uint32Array>;
  countAsync?(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): Promise<number>;
  decodeAsync?(ids: Uint32Array): Promise<string>;
  /** Optional (native): many texts on `threads` native threads; ids concatenated, counts per text. */
  /** measures (a Float64Array): [UTF-8 bytes, code points, words] of the texts are added to it (analyze). */
  /** histogram (a Float64Array of maxTokenValue + 1): each id's count is added to it, and only the counts per text are returned (analyze). */
  batch?(texts: Array<string | Uint8Array>, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads: number, countOnly: boolean, measures?: Float64Array, histogram?: Float64Array):
    { tokens: Uint32Array; counts: Uint32Array } | Uint32Array;
  count(text: string | Uint8Array, allowed: Uint8Array | null, disallowed: Uint8Array | null, threads?: number): number;
  decode(ids: Uint32Array): string;
  decodeBytes(ids: Uint32Array): Uint8Array;
  tokenBytes(id: number): Uint8Array | null;
  singleToken(bytes: Uint8Array): number;
  info(): { maxTokenValue: number; memoryBytes: number };
  /**
   * Optional (the core's handles): every ordinary token at once (native/core/vocab/vocabulary_table.h).
   * flags: bit 1 when a token's bytes are UTF-8 on their own, bit 2 when checkReachable and encode
   * of those bytes as ordinary text is exactly [id].
   */
  vocabularyTable?(checkReachable: boolean): VocabularyTable;
  /**
   * Optional (the core's handles): whether encode of decodeBytes(ids), every special token allowed,
   * is exactly ids; compared pre-token by pre-token, stopping at the first difference.
   */
  isCanonical?(ids: Uint32Array): boolean;
  /** Caller-delimited pieces (piece k = bytes[ends[k-1]..ends[k])), each merged as encode merges a piece. */
  encodePieces(bytes: Uint8Array, ends: Uint32Array): Uint32Array;
  /** The addon only: the text cut by a PatternSplitter (pattern-matcher.ts) and its pieces merged, in one call. */
  encodeSplit?(splitter: object, text: string | Uint8Array): Uint32Array;
}

export interface VocabularyTable {
  /** Ordinary (non-special) ids, ascending. */
  ids: Uint32Array;
  /** Token k's bytes are bytes.subarray(starts[k], starts[k + 1]). */
  starts: Uint32Array;
  bytes: Uint8Array;
  /** One per id: 1 UTF-8, 2 reachable (see vocabularyTable). */
  flags: Uint8Array;
  /** Whether reachability was computed (a wrapper whose encode is not the core's never asks for it). */
  reachability: boolean;
}

export interface NativeBinding {
  NativeEncoding: new (vocab: Uint8Array, family: number, texts: string[], ids: number[]) => NativeEncodingHandle;
  setErrorClass(ctor: typeof TurbotokenError): void;
  /** Optional (native): registers sampledTwoByte, asked about strings of 16K units and more. */
  setTwoByteProbe?(probe: (text: string) => boolean): void;
  /** Optional (native): registers bufferText, which makes the strings of decodes of a million units and more. */
  setBufferText?(toText: ((view: Uint8Array | Uint16Array) => string) | undefined): void;
  setMergeStrategy(strategy: string): void;
  /** Optional (native, for tests): bytes the long-piece merges held at once since the last call. */
  longMergePeak?(): number;
  /** 'native' or 'wasm'. */
  backend: string;
  /** The pre-tokenizer kernels this build and CPU have, 'scalar' first, the default last. */
  kernels: readonly string[];
  /** Makes one kernel active for the whole process (RangeError ERR_UNKNOWN_KERNEL if absent). */
  selectKernel(name: string): void;
  /** The active kernel. */
  kernel(): string;
}
