// turbotoken/tiktoken: the API of the `tiktoken` npm package (1.0.22) over turbotoken's core.
// Arguments are read the way that package's WASM glue reads them, so odd but accepted input
// (a plain array for a Uint32Array, a float id) gives the same result; errors have its classes
// and messages.
import { checkString, checkText, checkTokenIds, lengthOf, readArgument, typedArrayName } from '../args';
import { typeError } from '../errors';
import { Encoding } from '../encoding';
import { encodingNameForModel } from '../models';
import { loadEncoding } from '../registry';
import { notOurs, referenceError, Vocabulary, withMessage } from './vocabulary';
import { sortedTokenBytes } from './token-bytes';
import { encodeWithUnstable } from './unstable';

export type TiktokenEncoding = 'gpt2' | 'r50k_base' | 'p50k_base' | 'p50k_edit' | 'cl100k_base' | 'o200k_base' | 'o200k_harmony';
/** Any model name tiktoken's model map knows, exactly or by prefix (e.g. 'gpt-4o-2024-08-06'). */
export type TiktokenModel = string;

// The glue's own error for a Rust `Result` that failed (an unknown id, bytes that are no token).
const UNWRAP_FAILED = 'called `Result::unwrap_throw()` on an `Err` value';

// The lib settings declare no WebAssembly global; Node has one.
const { RuntimeError } = (globalThis as unknown as { WebAssembly: { RuntimeError: ErrorConstructor } }).WebAssembly;

let pending: Vocabulary | undefined;
const vocabularies = new WeakMap<Tiktoken, Vocabulary>();
// Made by the constructor from ranks: tiktoken gives these no name.
const unnamed = new WeakSet<Tiktoken>();

function vocabularyOf(tiktoken: Tiktoken): Vocabulary {
  const vocabulary = vocabularies.get(tiktoken);
  if (!vocabulary) throw notOurs('get_encoding or encoding_for_model');
  return vocabulary;
}

export class Tiktoken {
  /**
   * A vocabulary of your own: the ranks as text (".tiktoken" lines or the package's "! ..." form),
   * special tokens and the split pattern, as new Encoding({ ranks, specialTokens, pattern }) reads them.
   */
  constructor(tiktoken_bfe: string, special_tokens: Record<string, number>, pat_str: string) {
    let vocabulary = pending;
    pending = undefined;
    if (!vocabulary) {
      const ranks = Buffer.from(checkString(tiktoken_bfe, 'tiktoken_bfe'), 'utf8');
      vocabulary = new Vocabulary(new Encoding({ name: 'custom', pattern: pat_str, ranks, specialTokens: special_tokens }));
      unnamed.add(this);
    }
    vocabularies.set(this, vocabulary);
  }

  /** The encoding's name, e.g. 'cl100k_base'; undefined for one made from ranks, as in tiktoken. */
  get name(): string | undefined {
    const name = vocabularyOf(this).encoding.name;
    return unnamed.has(this) ? undefined : name;
  }

  /** Does nothing: turbotoken's encodings are shared and released with the process. */
  free(): void {}

  encode(text: string, allowed_special?: 'all' | string[], disallowed_special?: 'all' | string[]): Uint32Array {
    const input = checkString(text, 'text');
    const vocabulary = vocabularyOf(this);
    const allowed = allowedSet(vocabulary, allowed_special);
    const disallowed = disallowedSet(vocabulary, allowed, disallowed_special);
    return vocabulary.encode(input, allowed, disallowed);
  }

  /**
   * [ids, completions]: the ids of the text without its last piece (which more text could still
   * change), and every token sequence that piece could begin with. Completions come in no set order.
   */
  encode_with_unstable(text: string, allowed_special?: 'all' | string[], disallowed_special?: 'all' | string[]): [number[], number[][]] {
    const input = checkString(text, 'text');
    const vocabulary = vocabularyOf(this);
    const allowed = allowedSet(vocabulary, allowed_special);
    const disallowed = disallowedSet(vocabulary, allowed, disallowed_special);
    return encodeWithUnstable(vocabulary, input, allowed, disallowed);
  }

  encode_ordinary(text: string): Uint32Array {
    return vocabularyOf(this).encoding.encodeOrdinary(checkString(text, 'text'));
  }

  encode_single_token(bytes: Uint8Array): number {
    const id = vocabularyOf(this).singleToken(toTypedArray(Uint8Array, bytes));
    if (id === undefined) throw referenceError(Error, UNWRAP_FAILED, 'ERR_NOT_A_TOKEN');
    return id;
  }

  /** The bytes of the tokens (not a string, as in tiktoken). */
  decode(tokens: Uint32Array): Uint8Array {
    const vocabulary = vocabularyOf(this);
    const ids = toTypedArray(Uint32Array, tokens);
    try {
      return vocabulary.decodeBytes(ids);
    } catch (error) {
      // The reference panics inside WebAssembly on an id it cannot decode.
      if ((error as { code?: string }).code === 'ERR_INVALID_TOKEN_ID') throw referenceError(RuntimeError, 'unreachable', 'ERR_INVALID_TOKEN_ID');
      throw error;
    }
  }

  decode_single_token_bytes(token: number): Uint8Array {
    const bytes = vocabularyOf(this).tokenBytes(toU32(token));
    if (!bytes) throw referenceError(Error, UNWRAP_FAILED, 'ERR_INVALID_TOKEN_ID');
    return Uint8Array.from(bytes);
  }

  /** The bytes of every ordinary token, as arrays of numbers, in byte order. */
  token_byte_values(): Array<Array<number>> {
    return sortedTokenBytes(vocabularyOf(this).encoding).map((bytes) => Array.from(bytes));
  }
}

// The glue copies array arguments into WebAssembly memory with TypedArray#set, which reads any
// array-like (numbers converted, wrapped to the element type) and throws only for null/undefined.
// Each element and the length are read once (the glue's set() reads them once too); what
// ToNumber refuses (a Symbol, a BigInt) and null or undefined throw its TypeErrors, with a code.
function toTypedArray<T extends Uint8Array | Uint32Array>(Type: { new (length: number): T; name: string }, value: unknown): T {
  if (typedArrayName(value) === Type.name) return (Type as unknown) === Uint8Array ? (checkText(value) as T) : (checkTokenIds(value) as T);
  if (value === null || value === undefined) throw typeError(`Cannot read properties of ${value} (reading 'length')`);
  return readArgument(() => {
    const list = value as ArrayLike<unknown>;
    const length = lengthOf(list) as number;
    const out = new Type(Number.isInteger(length) && length > 0 && length <= 0xffffffff ? length : 0);
    for (let i = 0; i < out.length; i++) out[i] = toNumber(list[i]);
    return out;
  });
}

function toNumber(value: unknown): number {
  if (typeof value === 'symbol' || typeof value === 'bigint') throw typeError(`Cannot convert a ${typeof value === 'symbol' ? 'Symbol' : 'BigInt'} value to a number`);
  return +(value as number);
}

// A WebAssembly u32 parameter: ToNumber, then wrapped modulo 2^32.
function toU32(value: unknown): number {
  return readArgument(() => toNumber(value) >>> 0);
}

function parseStringSet(value: unknown): Set<string> | undefined {
  const parsed = roundTrip(value);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) return undefined;
  return new Set(parsed as string[]);
}

// The reference reads option objects through JSON.stringify and serde; what does not parse is
// ignored rather than rejected.
function roundTrip(value: unknown): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    throw referenceError(Error, UNWRAP_FAILED, 'ERR_INVALID_ARG_TYPE');
  }
  return json === undefined ? undefined : JSON.parse(json);
}

function allowedSet(vocabulary: Vocabulary, value: unknown): Set<string> {
  if (typeof value === 'string') {
    if (value === 'all') return new Set(vocabulary.specials.keys());
    throw referenceError(Error, 'Invalid value for allowed_special', 'ERR_INVALID_ARG_VALUE');
  }
  return parseStringSet(value) ?? new Set();
}

function disallowedSet(vocabulary: Vocabulary, allowed: Set<string>, value: unknown): Set<string> {
  if (typeof value === 'string' && value !== 'all') throw referenceError(Error, 'Invalid value for disallowed_special', 'ERR_INVALID_ARG_VALUE');
  const parsed = typeof value === 'string' ? undefined : parseStringSet(value);
  return parsed ?? new Set([...vocabulary.specials.keys()].filter((name) => !allowed.has(name)));
}

/** extend_special_tokens as the reference reads it: a map of names to u32 ids, else nothing. */
function parseExtension(value: unknown): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const parsed = roundTrip(value);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const entries = Object.entries(parsed as Record<string, unknown>);
  const valid = entries.every(([, id]) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffffffff);
  return valid ? (parsed as Record<string, number>) : undefined;
}

function make(name: string, extension: unknown): Tiktoken {
  pending = new Vocabulary(loadEncoding(name), parseExtension(extension));
  return new Tiktoken('', {}, '');
}

export function get_encoding(encoding: TiktokenEncoding, extend_special_tokens?: Record<string, number>): Tiktoken {
  const name = checkString(encoding, 'encoding');
  return withMessage('ERR_UNKNOWN_ENCODING', 'Invalid encoding', () => make(name, extend_special_tokens));
}

export function get_encoding_name_for_model(model: TiktokenModel): TiktokenEncoding {
  const name = checkString(model, 'model');
  return withMessage('ERR_UNKNOWN_MODEL', `Invalid model: ${name.length > 200 ? `${name.slice(0, 200)}…` : name}`, () => encodingNameForModel(name)) as TiktokenEncoding;
}

export function encoding_for_model(model: TiktokenModel, extend_special_tokens?: Record<string, number>): Tiktoken {
  return make(get_encoding_name_for_model(model), extend_special_tokens);
}
