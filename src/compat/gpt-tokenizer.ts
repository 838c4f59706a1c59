// turbotoken/gpt-tokenizer: the module API of the `gpt-tokenizer` npm package (4.0.0): top-level
// functions bound to an encoding (o200k_base for the package root, one per model/<name> and
// encoding/<name> module), plain number[] results, its generators and chat framing. Token ids are
// tiktoken's, which gpt-tokenizer's do not always match (see docs/api.md).
import { checkIterable, checkNonNegative, readArgument, typedArrayName } from '../args';
import { TurbotokenError } from '../errors';
import type { Encoding, EncodeChatOptions as CoreChatOptions, EncodeOptions as CoreEncodeOptions } from '../encoding';
import type { ChatMessage } from '../chat-framing';
import { encodingNameForModel } from '../models';
import { loadEncoding } from '../registry';

export type { ChatMessage };

export const ALL_SPECIAL_TOKENS = 'all';
/** gpt-tokenizer's default merge-cache size; turbotoken keeps no merge cache. */
export const DEFAULT_MERGE_CACHE_SIZE = 100000;
export const EndOfText = '<|endoftext|>';
export const FimPrefix = '<|fim_prefix|>';
export const FimMiddle = '<|fim_middle|>';
export const FimSuffix = '<|fim_suffix|>';
export const ImStart = '<|im_start|>';
export const ImEnd = '<|im_end|>';
export const ImSep = '<|im_sep|>';
export const EndOfPrompt = '<|endofprompt|>';
export const HarmonyStartOfText = '<|startoftext|>';
export const HarmonyStart = '<|start|>';
export const HarmonyEnd = '<|end|>';
export const HarmonyMessage = '<|message|>';
export const HarmonyChannel = '<|channel|>';
export const HarmonyReturn = '<|return|>';
export const HarmonyConstrain = '<|constrain|>';
export const HarmonyCall = '<|call|>';

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

/** The encodings whose gpt-tokenizer modules export encodeChat and encodeChatGenerator. */
export const CHAT_ENCODINGS: ReadonlySet<string> = new Set(['cl100k_base', 'o200k_base', 'o200k_harmony', 'p50k_edit']);

const CONSTANTS = {
  ALL_SPECIAL_TOKENS, DEFAULT_MERGE_CACHE_SIZE, EndOfText, FimPrefix, FimMiddle, FimSuffix, ImStart, ImEnd, ImSep, EndOfPrompt,
  HarmonyStartOfText, HarmonyStart, HarmonyEnd, HarmonyMessage, HarmonyChannel, HarmonyReturn, HarmonyConstrain, HarmonyCall,
};

/** The functions and constants one gpt-tokenizer module exports (also its default export). */
export interface GptTokenizerApi {
  readonly modelName: string | undefined;
  readonly vocabularySize: number;
  encode(lineToEncode: string, encodeOptions?: EncodeOptions): number[];
  decode(inputTokensToDecode: Iterable<number>): string;
  countTokens(input: string | Iterable<ChatMessage>, encodeOptions?: EncodeOptions): number;
  isWithinTokenLimit(input: string | Iterable<ChatMessage>, tokenLimit: number, encodeOptions?: EncodeOptions): false | number;
  encodeChat(chat: readonly ChatMessage[], model?: string, encodeOptions?: EncodeChatOptions): number[];
  encodeChatGenerator(chat: Iterable<ChatMessage>, model?: string, encodeOptions?: EncodeChatOptions): Generator<number[], void, undefined>;
  encodeGenerator(lineToEncode: string, encodeOptions?: EncodeOptions): Generator<number[], number, undefined>;
  decodeGenerator(inputTokensToDecode: Iterable<number>): Generator<string, void, void>;
  decodeAsyncGenerator(inputTokensToDecode: AsyncIterable<number>): AsyncGenerator<string, void>;
  setMergeCacheSize(size: number): void;
  clearMergeCache(): void;
}

// gpt-tokenizer reads 'all' given as a member of either set too.
function coreOptions(options: EncodeChatOptions | undefined): CoreChatOptions | undefined {
  if (options === undefined || options === null || typeof options !== 'object') return options as undefined;
  // Read once, here; Encoding checks the copy (a caller's own getter errors pass unchanged).
  const out: CoreChatOptions = readArgument(() => ({ ...options }));
  const { allowedSpecial, disallowedSpecial } = out;
  const all = (set: unknown) => set === 'all' || (set instanceof Set && readArgument(() => set.has('all')));
  if (all(allowedSpecial)) {
    out.allowedSpecial = 'all';
    out.disallowedSpecial = disallowedSpecial instanceof Set && !all(disallowedSpecial) ? disallowedSpecial : [];
  } else if (all(disallowedSpecial)) {
    delete out.disallowedSpecial;
  }
  return out;
}

function* arrays(chunks: Generator<Uint32Array, number, undefined>): Generator<number[], number, undefined> {
  for (;;) {
    const step = chunks.next();
    if (step.done) return step.value;
    yield Array.from(step.value);
  }
}

// The model whose framing encodeChat uses when the caller names none: the module's own, unless
// tiktoken's map puts it on another encoding (framing differs only for gpt-3.5 models).
function framingModel(encoding: Encoding, model: string | undefined): string | undefined {
  if (model === undefined) return undefined;
  let mapped: string | undefined;
  try {
    mapped = encodingNameForModel(model);
  } catch {
    mapped = undefined;
  }
  if (mapped === undefined || mapped === encoding.name) return model;
  return model.startsWith('gpt-3.5') && encoding.name === 'cl100k_base' ? 'gpt-3.5-turbo' : undefined;
}

function makeApi(encodingName: string, modelName: string | undefined): GptTokenizerApi {
  let cached: Encoding | undefined;
  const enc = () => (cached ??= loadEncoding(encodingName));
  const chatModel = (model: string | undefined): string | undefined => {
    if (model !== undefined) return model;
    if (modelName === undefined) throw new TurbotokenError('Model name must be provided either during initialization or passed in to the method.', 'ERR_INVALID_ARG_VALUE');
    return framingModel(enc(), modelName);
  };
  const api: Partial<GptTokenizerApi> & Record<string, unknown> = {
    ...CONSTANTS,
    modelName,
    get vocabularySize() {
      return vocabularySize(enc());
    },
    encode: (text, options) => Array.from(enc().encode(text, coreOptions(options) as CoreEncodeOptions)),
    decode: (tokens) => enc().decode(typedArrayName(tokens) === 'Uint32Array' ? (tokens as Uint32Array) : readArgument(() => Array.from(checkIterable<Iterable<number>>(tokens, 'tokens')))),
    countTokens: (input, options) => enc().countTokens(input, coreOptions(options)),
    isWithinTokenLimit: (input, limit, options) => enc().isWithinTokenLimit(input, limit, coreOptions(options)),
    encodeChat: (chat, model, options) => Array.from(enc().encodeChat(chat, chatModel(model), coreOptions(options))),
    *encodeChatGenerator(chat, model, options) {
      yield Array.from(enc().encodeChat(chat, chatModel(model), coreOptions(options)));
    },
    encodeGenerator: (text, options) => arrays(enc().encodeGenerator(text, coreOptions(options) as CoreEncodeOptions)),
    decodeGenerator: (tokens) => enc().decodeGenerator(tokens),
    decodeAsyncGenerator: (tokens) => enc().decodeAsyncGenerator(tokens),
    setMergeCacheSize: (size) => void checkNonNegative(size, 'size'),
    clearMergeCache: () => {},
  };
  // Like gpt-tokenizer, only modules on an encoding it frames chats for have the chat functions.
  if (!CHAT_ENCODINGS.has(encodingName)) {
    delete api.encodeChat;
    delete api.encodeChatGenerator;
  }
  // TypeScript's CommonJS output reads .default; ES modules get the object itself.
  Object.defineProperty(api, 'default', { value: api, enumerable: false });
  return api as GptTokenizerApi;
}

// Ordinary tokens plus special tokens. Ids that decode are counted a range at a time (a range
// that throws is halved), since the ranks have only a few gaps and this is read at import.
const vocabularySizes = new WeakMap<Encoding, number>();
function vocabularySize(encoding: Encoding): number {
  let size = vocabularySizes.get(encoding);
  if (size === undefined) {
    const decodable = (from: number, to: number): number => {
      if (from >= to) return 0;
      try {
        encoding.decodeBytes(Uint32Array.from({ length: to - from }, (_, i) => from + i));
        return to - from;
      } catch {
        if (to - from === 1) return 0;
        const mid = (from + to) >>> 1;
        return decodable(from, mid) + decodable(mid, to);
      }
    };
    let count = 0;
    for (let from = 0; from <= encoding.maxTokenValue; from += 16384) count += decodable(from, Math.min(from + 16384, encoding.maxTokenValue + 1));
    vocabularySizes.set(encoding, (size = count));
  }
  return size;
}

const apis = new Map<string, GptTokenizerApi>();

/** The API of gpt-tokenizer/encoding/<name>. */
export function encodingApi(encodingName: string): GptTokenizerApi {
  const key = `encoding:${encodingName}`;
  let api = apis.get(key);
  if (!api) apis.set(key, (api = makeApi(encodingName, undefined)));
  return api;
}

/** The API of gpt-tokenizer/model/<name>, on the encoding gpt-tokenizer gives that model. */
export function modelApi(modelName: string, encodingName: string): GptTokenizerApi {
  const key = `model:${modelName}`;
  let api = apis.get(key);
  if (!api) apis.set(key, (api = makeApi(encodingName, modelName)));
  return api;
}
