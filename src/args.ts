// The one place that checks public arguments, so that errors read the same everywhere.
import { rangeError, typeError } from './errors';

export type TextInput = string | Uint8Array;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'Object'}`;
  return `type ${typeof value}`;
}

export function checkText(value: unknown, name = 'text'): TextInput {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw typeError(`The "${name}" argument must be a string or a Uint8Array; received ${describe(value)}`);
}

export function checkString(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  throw typeError(`The "${name}" argument must be a string; received ${describe(value)}`);
}

export function checkTokenId(value: unknown, name = 'id'): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw typeError(`The "${name}" argument must be an integer; received ${describe(value)}${typeof value === 'number' ? ` ${value}` : ''}`);
  }
  if (value < 0 || value > 0xffffffff) throw rangeError(`The "${name}" argument must be a token id >= 0; received ${value}`);
  return value;
}

/** Token ids as a Uint32Array, checking each element of any other array-like. */
export function checkTokenIds(value: unknown, name = 'tokens'): Uint32Array {
  if (value instanceof Uint32Array) return value;
  const isArrayLike =
    Array.isArray(value) ||
    (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array));
  if (!isArrayLike) {
    throw typeError(`The "${name}" argument must be an array of token ids or a Uint32Array; received ${describe(value)}`);
  }
  const list = value as ArrayLike<unknown>;
  const ids = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) ids[i] = checkTokenId(list[i], `${name}[${i}]`);
  return ids;
}

export function checkOptions(value: unknown, name = 'options'): Record<string, unknown> {
  if (value === undefined) return {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw typeError(`The "${name}" argument must be an object; received ${describe(value)}`);
}

/** 'all', or a collection of special-token strings (Set, array or other iterable). */
export function checkSpecialSet(value: unknown, name: string): 'all' | string[] {
  if (value === 'all') return 'all';
  if (value !== null && typeof value === 'object' && Symbol.iterator in (value as object)) {
    const list = [...(value as Iterable<unknown>)];
    list.forEach((item, i) => checkString(item, `${name}[${i}]`));
    return list as string[];
  }
  throw typeError(`The "${name}" option must be 'all' or a Set or array of special-token strings; received ${describe(value)}`);
}

/** Anything `for...of` accepts (async: `for await...of`). */
export function checkIterable<T>(value: unknown, name: string, async = false): T {
  const key = async ? Symbol.asyncIterator : Symbol.iterator;
  if (value !== null && value !== undefined && typeof (value as Record<symbol, unknown>)[key] === 'function') return value as T;
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
  if (!Number.isInteger(n) && n !== Infinity) throw rangeError(`The "${name}" option must be a whole number; received ${n}`);
  return n;
}

/** An array of texts (strings or Uint8Arrays). */
export function checkTextList(value: unknown, name: string): TextInput[] {
  if (!Array.isArray(value)) throw typeError(`The "${name}" argument must be an array of strings or Uint8Arrays; received ${describe(value)}`);
  // An index loop, not forEach: forEach skips the holes of a sparse array.
  for (let i = 0; i < value.length; i++) checkText(value[i], `${name}[${i}]`);
  return value as TextInput[];
}

/** A result of encodeBatch: { tokens: Uint32Array, offsets: Uint32Array }. */
export function checkBatchResult(value: unknown, name = 'result'): void {
  const v = value as { tokens?: unknown; offsets?: unknown } | null;
  if (v !== null && typeof v === 'object' && v.tokens instanceof Uint32Array && v.offsets instanceof Uint32Array) return;
  throw typeError(`The "${name}" argument must be an encodeBatch result ({ tokens: Uint32Array, offsets: Uint32Array }); received ${describe(value)}`);
}

export function checkThreads(value: unknown, name = 'threads'): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(`The "${name}" option must be an integer; received ${describe(value)}`);
  if (value < 1 || value > 1024) throw rangeError(`The "${name}" option must be from 1 to 1024; received ${value}`);
  return value;
}
