// The one place that checks public arguments, so that errors read the same everywhere, and that
// reads them: options and lists once each, own properties only, typed arrays by their internal
// slots. Nothing here runs a caller's code twice or looks a name up on a prototype a program can
// change (Object.prototype.allowedSpecial = 'all' must not allow anything).
import { rangeError, typeError } from './errors';

export type TextInput = string | Uint8Array;

// Saved at load, so that a program replacing them later changes nothing here. The getters of
// %TypedArray%.prototype read internal slots: the tag getter returns undefined for anything that
// is not a typed array (an object made with Object.create(Uint8Array.prototype), a Proxy around
// a Uint8Array), and length reads 0 for a view of a detached buffer; neither runs a caller's
// code, whatever getters a subclass or the instance itself defines.
const apply = Reflect.apply;
const isArray = Array.isArray;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const hasOwn = Object.hasOwn;
const create = Object.create;
const freeze = Object.freeze;
const isInteger = Number.isInteger;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const slotGetter = (key: PropertyKey) => getOwnPropertyDescriptor(TypedArrayPrototype, key)!.get as (this: unknown) => unknown;
const typedArrayTag = slotGetter(Symbol.toStringTag) as (this: unknown) => string | undefined;
const typedArrayLength = slotGetter('length') as (this: unknown) => number;
const typedArrayOffset = slotGetter('byteOffset') as (this: unknown) => number;
const typedArrayBuffer = slotGetter('buffer') as (this: unknown) => ArrayBufferLike;
const mapSize = getOwnPropertyDescriptor(Map.prototype, 'size')!.get as (this: unknown) => number;
const mapEntries = Map.prototype.entries;

/** The typed array's type ('Uint8Array', ...) from its internal slot, or undefined for anything else. */
export function typedArrayName(value: unknown): string | undefined {
  return apply(typedArrayTag, value, []);
}

/** Whether value is a real Uint8Array (or Buffer), from its internal slot; no prototype is asked. */
export function isUint8Array(value: unknown): value is Uint8Array {
  return apply(typedArrayTag, value, []) === 'Uint8Array';
}

/** A real Uint8Array's length from its internal slot (0 for a view of a detached buffer), or -1 for anything else: one call instead of isUint8Array and a fresh view. */
export function uint8ArrayLength(value: unknown): number {
  return apply(typedArrayTag, value, []) === 'Uint8Array' ? apply(typedArrayLength, value, []) : -1;
}

/**
 * value.length as the reference packages read it, except that a real typed array's comes from its
 * internal slot (a subclass's getter cannot claim a billion elements that indexing would not see).
 */
export function lengthOf(value: unknown): unknown {
  if (typedArrayName(value) !== undefined) return apply(typedArrayLength, value, []);
  return (value as { length?: unknown }).length;
}

/** Whether value is a real Map, from its internal slot. */
export function isMap(value: unknown): value is Map<unknown, unknown> {
  if (value === null || typeof value !== 'object') return false;
  try {
    apply(mapSize, value, []);
    return true;
  } catch {
    return false;
  }
}

/** The [key, value] pairs of a real Map (see isMap), read with Map.prototype.entries as saved at load. */
export function mapPairs(map: Map<unknown, unknown>): [unknown, unknown][] {
  const out: [unknown, unknown][] = [];
  const iterator = apply(mapEntries, map, []) as IterableIterator<[unknown, unknown]>;
  for (let step = iterator.next(); !step.done; step = iterator.next()) out.push(step.value);
  return out;
}

// A fresh view of the same memory, made from the internal slots: the facade and the backends read
// its length, offset and buffer without meeting the caller's getters. A detached view reads as
// empty, everywhere.
function freshView<T extends Uint8Array | Uint32Array>(Type: { new (length: number): T; new (buffer: ArrayBufferLike, offset: number, length: number): T }, value: unknown): T {
  const length = apply(typedArrayLength, value, []);
  if (length === 0) return new Type(0);
  return new Type(apply(typedArrayBuffer, value, []), apply(typedArrayOffset, value, []), length);
}

// Array.isArray never runs a caller's code; it throws only for a revoked Proxy, which every
// other operation on it would throw for too, without a code.
function isArrayChecked(value: unknown, name: string): boolean {
  try {
    return isArray(value);
  } catch {
    throw typeError(`The "${name}" argument must not be a revoked Proxy`);
  }
}

const MAX_ECHO = 64;

/**
 * A value for an error message: JSON for a string, cut after MAX_ECHO characters (with its
 * length), so that a 50 MB bad value makes a short message.
 */
/** text, cut after max characters (saying how long it was) for an error message. */
export function shorten(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

export function quote(value: unknown, max = MAX_ECHO): string {
  if (typeof value === 'string') {
    if (value.length <= max) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === undefined || value === null) return String(value);
  return describe(value);
}

// What a value is, for messages, without running a caller's code (a getter of `constructor`
// that throws, or a Proxy trap, must not replace the message with its own error).
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `type ${typeof value}`;
  const tag = typedArrayName(value);
  if (tag !== undefined) return `an instance of ${tag}`;
  let array: boolean;
  try {
    array = isArray(value);
  } catch {
    return 'a revoked Proxy';
  }
  if (array) return 'an array';
  let name: unknown;
  try {
    const prototype = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
    const ctor = prototype === null ? undefined : getOwnPropertyDescriptor(prototype, 'constructor')?.value;
    name = typeof ctor === 'function' ? getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
  } catch {
    name = undefined;
  }
  return `an instance of ${typeof name === 'string' && name !== '' ? name.slice(0, MAX_ECHO) : 'Object'}`;
}

export function checkText(value: unknown, name = 'text'): TextInput {
  if (typeof value === 'string') return value;
  if (isUint8Array(value)) return freshView(Uint8Array, value);
  throw typeError(`The "${name}" argument must be a string or a Uint8Array; received ${describe(value)}`);
}

/** Whether checkText accepts the value's type (a string or a real Uint8Array). */
export function isText(value: unknown): value is TextInput {
  return typeof value === 'string' || isUint8Array(value);
}

export function checkString(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  throw typeError(`The "${name}" argument must be a string; received ${describe(value)}`);
}

export function checkTokenId(value: unknown, name = 'id'): number {
  if (typeof value !== 'number' || !isInteger(value)) {
    throw typeError(`The "${name}" argument must be an integer; received ${describe(value)}${typeof value === 'number' ? ` ${value}` : ''}`);
  }
  if (value < 0 || value > 0xffffffff) throw rangeError(`The "${name}" argument must be a token id >= 0; received ${value}`);
  return value;
}

// The typed arrays whose elements are numbers (not DataView, not the BigInt arrays).
const NUMBER_ARRAYS = new Set(['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array']);

// The length of an array (or a Proxy around one), read once and checked: a Proxy may answer anything.
function arrayLength(list: { length: unknown }, name: string): number {
  const length = list.length;
  if (typeof length !== 'number' || !isInteger(length) || length < 0 || length > 0xffffffff) {
    throw rangeError(`The "${name}" argument has an invalid length: ${quote(length)}`);
  }
  return length;
}

/**
 * Token ids as a Uint32Array: a Uint32Array as a fresh view of its memory, any other array or
 * numeric typed array copied with each element checked. The length and each element are read
 * once.
 */
export function checkTokenIds(value: unknown, name = 'tokens'): Uint32Array {
  const tag = typedArrayName(value);
  if (tag === 'Uint32Array') return freshView(Uint32Array, value);
  let list: ArrayLike<unknown>;
  let length: number;
  if (tag !== undefined && NUMBER_ARRAYS.has(tag)) {
    // Indexing a real typed array reads its memory, never a getter; a detached one has length 0.
    list = value as ArrayLike<unknown>;
    length = apply(typedArrayLength, value, []);
  } else if (isArrayChecked(value, name)) {
    list = value as ArrayLike<unknown>;
    length = arrayLength(list, name);
  } else {
    throw typeError(`The "${name}" argument must be an array of token ids or a Uint32Array; received ${describe(value)}`);
  }
  const ids = new Uint32Array(length);
  for (let i = 0; i < length; i++) ids[i] = checkTokenId(list[i], `${name}[${i}]`);
  return ids;
}

/**
 * The options each entry point reads, by name. readOptions reads exactly these, as own
 * properties; test/hostile/prototype-pollution.test.mjs sets every name here on Object.prototype and
 * checks that no entry point notices, so an option added here is covered there.
 */
export const OPTION_NAMES = freeze({
  /** encode */
  encode: freeze(['allowedSpecial', 'disallowedSpecial', 'splitSpecialTokens', 'addSpecialTokens', 'threads', 'maxTokens', 'method', 'dropout', 'seed'] as const),
  /** count, countAsync, encodeAsync, encodeBatch, countBatch, countTokens of text */
  count: freeze(['allowedSpecial', 'disallowedSpecial', 'splitSpecialTokens', 'addSpecialTokens', 'threads'] as const),
  /** analyze */
  analyze: freeze(['alpha', 'threads', 'allowedSpecial', 'disallowedSpecial', 'splitSpecialTokens'] as const),
  /** heal */
  heal: freeze(['maxBacktrack', 'allowedSpecial', 'disallowedSpecial', 'splitSpecialTokens'] as const),
  /** encodeOrdinary */
  encodeOrdinary: freeze(['threads'] as const),
  /** encodeWithOffsets, encodeGenerator, encodeStream, isWithinTokenLimit of text */
  special: freeze(['allowedSpecial', 'disallowedSpecial', 'splitSpecialTokens'] as const),
  /** encodeChat, countChatTokens, countTokens and isWithinTokenLimit of messages */
  chat: freeze(['allowedSpecial', 'disallowedSpecial', 'splitSpecialTokens', 'primeWithAssistantResponse', 'addGenerationPrompt', 'tools', 'documents', 'chatTemplate', 'variables'] as const),
  /** applyChatTemplate, renderChatTemplate */
  chatTemplate: freeze(['addGenerationPrompt', 'tools', 'documents', 'chatTemplate', 'variables'] as const),
  /** each chat message */
  chatMessage: freeze(['role', 'name', 'content', 'channel', 'recipient', 'recipientPlacement', 'constraint', 'terminator'] as const),
  /** new Encoding(options) */
  encoding: freeze(['name', 'pattern', 'ranks', 'specialTokens', 'unmatched'] as const),
  /** Encoding.fromTokenizerJson(input, options) */
  fromTokenizerJson: freeze(['name', 'config'] as const),
  /** Encoding.fromPretrainedFiles(dir, options) */
  fromPretrainedFiles: freeze(['name'] as const),
  /** new Tiktoken(ranks) of turbotoken/js-tiktoken */
  jsTiktokenRanks: freeze(['pat_str', 'special_tokens', 'bpe_ranks'] as const),
  /** turbotoken/browser init(options) */
  browserInit: freeze(['baseUrl', 'wasm', 'manifest'] as const),
  /** turbotoken/browser loadEncoding(name, options), encodingForModel(model, options) */
  browserLoad: freeze(['vocabulary'] as const),
});

export type OptionSchema = keyof typeof OPTION_NAMES;
/** The options of one schema as read: each key of the schema an own property (undefined when not given). */
export type ReadOptions<S extends OptionSchema> = { readonly [K in (typeof OPTION_NAMES)[S][number]]?: unknown };

// No options: every key of the schema, undefined.
const NO_OPTIONS = {} as Record<OptionSchema, ReadOptions<OptionSchema>>;
for (const schema of Object.keys(OPTION_NAMES) as OptionSchema[]) {
  const empty: Record<string, unknown> = {};
  for (const key of OPTION_NAMES[schema]) empty[key] = undefined;
  NO_OPTIONS[schema] = freeze(empty);
}

/**
 * The options of one entry point: undefined reads as no options; an object (not an array or a
 * function) is read once, own properties only, each getter called once; anything else is a
 * TypeError ERR_INVALID_ARG_TYPE. Every key of the schema is an own property of the result
 * (undefined when not given), so reading one never reaches a prototype, and the result has one
 * shape per schema (a null-prototype object would be a slow dictionary: 4x the cost per call).
 */
export function readOptions<S extends OptionSchema>(value: unknown, schema: S, name = 'options'): ReadOptions<S> {
  if (value === undefined) return NO_OPTIONS[schema] as ReadOptions<S>;
  return readObject(value, schema, name);
}

// A caller's own property, or undefined: an own property's [[Get]] finds it before any
// prototype, and a getter runs once.
const own = (value: object, key: string): unknown => (hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined);

// The schemas read on every encode, written out: an object literal with fixed keys is 3x faster
// to build than one filled key by key (a keyed store per key). Checked against OPTION_NAMES below.
const FAST_READERS: Partial<Record<OptionSchema, (value: object) => Record<string, unknown>>> = {
  encode: (v) => ({ allowedSpecial: own(v, 'allowedSpecial'), disallowedSpecial: own(v, 'disallowedSpecial'), splitSpecialTokens: own(v, 'splitSpecialTokens'), addSpecialTokens: own(v, 'addSpecialTokens'), threads: own(v, 'threads'), maxTokens: own(v, 'maxTokens'), method: own(v, 'method'), dropout: own(v, 'dropout'), seed: own(v, 'seed') }),
  count: (v) => ({ allowedSpecial: own(v, 'allowedSpecial'), disallowedSpecial: own(v, 'disallowedSpecial'), splitSpecialTokens: own(v, 'splitSpecialTokens'), addSpecialTokens: own(v, 'addSpecialTokens'), threads: own(v, 'threads') }),
  encodeOrdinary: (v) => ({ threads: own(v, 'threads') }),
  special: (v) => ({ allowedSpecial: own(v, 'allowedSpecial'), disallowedSpecial: own(v, 'disallowedSpecial'), splitSpecialTokens: own(v, 'splitSpecialTokens') }),
  chat: (v) => ({ allowedSpecial: own(v, 'allowedSpecial'), disallowedSpecial: own(v, 'disallowedSpecial'), splitSpecialTokens: own(v, 'splitSpecialTokens'), primeWithAssistantResponse: own(v, 'primeWithAssistantResponse'), addGenerationPrompt: own(v, 'addGenerationPrompt'), tools: own(v, 'tools'), documents: own(v, 'documents'), chatTemplate: own(v, 'chatTemplate'), variables: own(v, 'variables') }),
};
for (const [schema, read] of Object.entries(FAST_READERS)) {
  const keys = Object.keys(read!({}));
  if (keys.join() !== OPTION_NAMES[schema as OptionSchema].join()) throw new Error(`args.ts: the reader of ${schema} reads ${keys.join()}, not OPTION_NAMES.${schema}`);
}

/** An optional boolean option: undefined reads as false; anything else but a boolean is a TypeError. */
export function checkFlag(value: unknown, name: string): boolean {
  if (value === undefined || typeof value === 'boolean') return value === true;
  throw typeError(`The "${name}" option must be a boolean; received ${describe(value)}`);
}

/** An optional option that is one of `choices`: undefined reads as `fallback`; anything else is a TypeError. */
export function checkOneOf<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw typeError(`The "${name}" option must be ${choices.map((c) => `'${c}'`).join(' or ')}; received ${quote(value)}`);
}

/** readOptions for an object that must be given (a chat message, js-tiktoken's ranks). */
export function readObject<S extends OptionSchema>(value: unknown, schema: S, name: string): ReadOptions<S> {
  if (value === null || typeof value !== 'object' || isArrayChecked(value, name)) {
    throw typeError(`The "${name}" argument must be an object; received ${describe(value)}`);
  }
  const fast = FAST_READERS[schema];
  if (fast) return fast(value) as ReadOptions<S>;
  const out: Record<string, unknown> = {};
  for (const key of OPTION_NAMES[schema]) out[key] = own(value, key);
  return out as ReadOptions<S>;
}

/** An object used as a record (e.g. specialTokens); read it with Object.entries, which reads own properties. */
export function checkObject(value: unknown, name: string): object {
  if (value !== null && typeof value === 'object' && !isArrayChecked(value, name)) return value;
  throw typeError(`The "${name}" argument must be an object; received ${describe(value)}`);
}

/**
 * The engine's TypeError for a caller's object it cannot read (a revoked Proxy, an object posing
 * as a typed array or a Map whose inherited methods refuse it, a detached view's iterator) made
 * into one with a code, keeping its message and the original as `cause`. Anything else thrown
 * (an Error of the caller's own getter or iterator, an error that has a code) passes unchanged.
 */
export function asArgumentError(error: unknown): unknown {
  let uncoded: boolean;
  try {
    uncoded = error instanceof TypeError && (error as { code?: unknown }).code === undefined;
  } catch {
    uncoded = false;
  }
  if (!uncoded) return error;
  const coded = typeError((error as TypeError).message);
  (coded as TypeError & { cause?: unknown }).cause = error;
  return coded;
}

/** read(), with asArgumentError applied to what it throws. */
export function readArgument<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw asArgumentError(error);
  }
}

/** A generator that gives what `source` gives, with asArgumentError applied to what it throws. */
export function* guardedIteration<T, R>(source: Generator<T, R, undefined>): Generator<T, R, undefined> {
  try {
    return yield* source;
  } catch (error) {
    throw asArgumentError(error);
  }
}

/** guardedIteration for an async generator. */
export async function* guardedAsyncIteration<T, R>(source: AsyncGenerator<T, R, undefined>): AsyncGenerator<T, R, undefined> {
  try {
    return yield* source;
  } catch (error) {
    throw asArgumentError(error);
  }
}

/** 'all', or a collection of special-token strings (Set, array or other iterable). */
export function checkSpecialSet(value: unknown, name: string): 'all' | string[] {
  if (value === 'all') return 'all';
  if (value !== null && typeof value === 'object') {
    // An array (or a Proxy of one) is read by index, its length once; isArrayChecked throws for a
    // revoked Proxy, which `in` below would throw for without a code.
    if (isArrayChecked(value, name)) {
      const items = value as ArrayLike<unknown>;
      const length = arrayLength(items, name);
      const list: string[] = new Array(length);
      for (let i = 0; i < length; i++) list[i] = checkString(items[i], `${name}[${i}]`);
      return list;
    }
    if (Symbol.iterator in value) {
      // Checked as it is read: an endless iterable of non-strings stops at its first.
      const list: string[] = [];
      try {
        for (const item of value as Iterable<unknown>) list.push(checkString(item, `${name}[${list.length}]`));
      } catch (error) {
        throw asArgumentError(error);
      }
      return list;
    }
  }
  throw typeError(`The "${name}" option must be 'all' or a Set or array of special-token strings; received ${describe(value)}`);
}

/** Anything `for...of` accepts (async: `for await...of`). */
export function checkIterable<T>(value: unknown, name: string, async = false): T {
  const key = async ? Symbol.asyncIterator : Symbol.iterator;
  if (typeof value === 'string' && !async) return value as T;
  // A view of a detached buffer reads as empty, as everywhere (its iterator would throw).
  if (!async && typedArrayName(value) !== undefined && apply(typedArrayLength, value, []) === 0) return [] as T;
  const isObject = (value !== null && typeof value === 'object') || typeof value === 'function';
  if (isObject) {
    isArrayChecked(value, name); // throws for a revoked Proxy
    if (typeof (value as Record<symbol, unknown>)[key] === 'function') return value as T;
  }
  throw typeError(`The "${name}" argument must be ${async ? 'an async iterable' : 'iterable'}; received ${describe(value)}`);
}

/** A number >= 0 (Infinity allowed), e.g. a token limit. */
export function checkNonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(`The "${name}" argument must be a number; received ${describe(value)}`);
  if (value < 0) throw rangeError(`The "${name}" argument must be >= 0; received ${value}`);
  return value;
}

/** A whole number of tokens >= 0, or Infinity (no limit). */
export function checkTokenCount(value: unknown, name: string): number {
  const n = checkNonNegative(value, name);
  if (!isInteger(n) && n !== Infinity) throw rangeError(`The "${name}" option must be a whole number; received ${n}`);
  return n;
}

/**
 * An array of texts (strings or Uint8Arrays), copied into a fresh array: its length and each
 * element are read once, so a getter that changes the list or its answers cannot change what
 * is encoded, and the backend reads only the copy.
 */
export function checkTextList(value: unknown, name: string): TextInput[] {
  if (!isArrayChecked(value, name)) throw typeError(`The "${name}" argument must be an array of strings or Uint8Arrays; received ${describe(value)}`);
  const list = value as ArrayLike<unknown>;
  const length = arrayLength(list, name);
  const out: TextInput[] = new Array(length);
  // An index loop, not forEach: forEach skips the holes of a sparse array.
  // The element's name is built only for an element that is not a string: one string per
  // element cost a batch of short texts more than reading them.
  for (let i = 0; i < length; i++) {
    const text = list[i];
    out[i] = typeof text === 'string' ? text : checkText(text, `${name}[${i}]`);
  }
  return out;
}

/** A result of encodeBatch: { tokens: Uint32Array, offsets: Uint32Array }, as fresh views read once. */
export function checkBatchResult(value: unknown, name = 'result'): { tokens: Uint32Array; offsets: Uint32Array } {
  if (value !== null && typeof value === 'object' && !isArrayChecked(value, name)) {
    const tokens = (value as { tokens?: unknown }).tokens;
    const offsets = (value as { offsets?: unknown }).offsets;
    if (typedArrayName(tokens) === 'Uint32Array' && typedArrayName(offsets) === 'Uint32Array') {
      return { tokens: freshView(Uint32Array, tokens), offsets: freshView(Uint32Array, offsets) };
    }
  }
  throw typeError(`The "${name}" argument must be an encodeBatch result ({ tokens: Uint32Array, offsets: Uint32Array }); received ${describe(value)}`);
}

export function checkThreads(value: unknown, name = 'threads'): number {
  if (typeof value !== 'number' || !isInteger(value)) throw typeError(`The "${name}" option must be an integer; received ${describe(value)}`);
  if (value < 1 || value > 1024) throw rangeError(`The "${name}" option must be from 1 to 1024; received ${value}`);
  return value;
}
