// turbotoken/gpt-tokenizer, turbotoken/gpt-tokenizer/model/<name> and
// turbotoken/gpt-tokenizer/encoding/<name>: gpt-tokenizer's module API (see docs/api.md).
import type { ChatMessage } from '../dist/cjs/index.js';

export type { ChatMessage };

export interface EncodeOptions {
  /** Special tokens encoded as their ids; 'all' (or a set holding 'all') for every one. */
  allowedSpecial?: Set<string> | 'all';
  /** Special tokens whose text is an error; default 'all' (every one not allowed). */
  disallowedSpecial?: Set<string> | 'all';
}

export interface EncodeChatOptions extends EncodeOptions {
  /** The header the reply is primed with; default 'assistant'; '' primes nothing. */
  primeWithAssistantResponse?: string;
}

export declare const ALL_SPECIAL_TOKENS: 'all';
export declare const DEFAULT_MERGE_CACHE_SIZE: number;
export declare const EndOfText: '<|endoftext|>';
export declare const FimPrefix: '<|fim_prefix|>';
export declare const FimMiddle: '<|fim_middle|>';
export declare const FimSuffix: '<|fim_suffix|>';
export declare const ImStart: '<|im_start|>';
export declare const ImEnd: '<|im_end|>';
export declare const ImSep: '<|im_sep|>';
export declare const EndOfPrompt: '<|endofprompt|>';
export declare const HarmonyStartOfText: '<|startoftext|>';
export declare const HarmonyStart: '<|start|>';
export declare const HarmonyEnd: '<|end|>';
export declare const HarmonyMessage: '<|message|>';
export declare const HarmonyChannel: '<|channel|>';
export declare const HarmonyReturn: '<|return|>';
export declare const HarmonyConstrain: '<|constrain|>';
export declare const HarmonyCall: '<|call|>';

/** Ordinary plus special tokens of the module's encoding. */
export declare const vocabularySize: number;
export declare function encode(lineToEncode: string, encodeOptions?: EncodeOptions): number[];
export declare function decode(inputTokensToDecode: Iterable<number>): string;
export declare function countTokens(input: string | Iterable<ChatMessage>, encodeOptions?: EncodeOptions): number;
export declare function isWithinTokenLimit(input: string | Iterable<ChatMessage>, tokenLimit: number, encodeOptions?: EncodeOptions): false | number;
export declare function encodeChat(chat: readonly ChatMessage[], model?: string, encodeOptions?: EncodeChatOptions): number[];
export declare function encodeChatGenerator(chat: Iterable<ChatMessage>, model?: string, encodeOptions?: EncodeChatOptions): Generator<number[], void, undefined>;
export declare function encodeGenerator(lineToEncode: string, encodeOptions?: EncodeOptions): Generator<number[], number, undefined>;
export declare function decodeGenerator(inputTokensToDecode: Iterable<number>): Generator<string, void, void>;
export declare function decodeAsyncGenerator(inputTokensToDecode: AsyncIterable<number>): AsyncGenerator<string, void>;
/** Accepted for compatibility: turbotoken keeps no merge cache. */
export declare function setMergeCacheSize(size: number): void;
/** Accepted for compatibility: turbotoken keeps no merge cache. */
export declare function clearMergeCache(): void;

/** Everything above as one object (gpt-tokenizer's default export), plus the module's model. */
export interface GptTokenizerApi {
  readonly modelName: string | undefined;
  readonly vocabularySize: number;
  readonly ALL_SPECIAL_TOKENS: 'all';
  readonly DEFAULT_MERGE_CACHE_SIZE: number;
  encode: typeof encode;
  decode: typeof decode;
  countTokens: typeof countTokens;
  isWithinTokenLimit: typeof isWithinTokenLimit;
  encodeChat: typeof encodeChat;
  encodeChatGenerator: typeof encodeChatGenerator;
  encodeGenerator: typeof encodeGenerator;
  decodeGenerator: typeof decodeGenerator;
  decodeAsyncGenerator: typeof decodeAsyncGenerator;
  setMergeCacheSize: typeof setMergeCacheSize;
  clearMergeCache: typeof clearMergeCache;
}
declare const api: GptTokenizerApi;
export default api;
