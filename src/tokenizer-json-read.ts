// What every reader of Hugging Face's JSON files (tokenizer.json, tokenizer_config.json) shares:
// the forms a file may be given in, and the checks on its values. A module of its own because
// tokenizer-json.ts imports the readers that use these (sentencepiece.ts, pretokenizer-sequence.ts).
import { readFileSync } from 'node:fs';
import { checkText, isUint8Array, quote, shorten } from './args';
import { TurbotokenError } from './errors';

export type Json = Record<string, unknown>;

/** A setting the file may hold that this package does not reproduce. */
export function unsupported(source: string, key: string, what: string): TurbotokenError {
  return new TurbotokenError(`${source}: ${key}: ${what}`, 'ERR_UNSUPPORTED_TOKENIZER');
}

/** A value of the file that is not what its key holds. */
export function malformed(source: string, key: string, what: string): TurbotokenError {
  return new TurbotokenError(`${source}: ${key}: ${what}`, 'ERR_INVALID_VOCABULARY');
}

/**
 * Whether a value is a JSON object of the file. Any typed array or DataView is not (a file's bytes
 * are not its parsed object, and a view of other numbers is neither), nor is a revoked Proxy.
 */
export function isObject(v: unknown): v is Json {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return false;
  try {
    return !Array.isArray(v);
  } catch {
    return false; // a revoked Proxy
  }
}

/**
 * An object of the file read once into one without a prototype: its own fields only (a key set on
 * Object.prototype, e.g. "added_tokens" or "normalizer", must not count as the file's), each
 * getter run once.
 */
export function fields(v: Json): Json {
  return Object.assign(Object.create(null) as Json, v);
}

/** How one kind of file names its inputs in errors. */
export interface JsonFileKind {
  /** The source name of a file given as bytes, and as text. */
  bytes: string;
  text: string;
  /** The code of an error reading the file or parsing it. */
  code: string;
}

/**
 * The text of a file given as a path, as its JSON text (starting with "{") or as its bytes, with
 * the name errors give its source; undefined for an input of another type.
 */
export function jsonText(input: unknown, kind: JsonFileKind): { text: string; source: string } | undefined {
  if (isUint8Array(input)) {
    const bytes = checkText(input) as Uint8Array;
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'), source: kind.bytes };
  }
  if (typeof input !== 'string') return undefined;
  if (input.trimStart().startsWith('{')) return { text: input, source: kind.text };
  try {
    return { text: readFileSync(input, 'utf8'), source: input };
  } catch (cause) {
    throw new TurbotokenError(`Cannot read ${quote(input, 200)}: ${shorten(String((cause as Error).message))}`, kind.code);
  }
}

/** A file's text parsed, its top level an object (own fields only). */
export function parseJsonObject(text: string, source: string, code: string): Json {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new TurbotokenError(`${source}: (file): not valid JSON: ${shorten(String((cause as Error).message))}`, code);
  }
  if (!isObject(json)) throw new TurbotokenError(`${source}: (file): the top level must be an object`, code);
  return fields(json);
}

// A value as JSON for a message, cut short; what JSON cannot show (a BigInt, a cycle) by its type.
function shortJson(v: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
  } catch {
    json = undefined;
  }
  if (json === undefined) return quote(v);
  return json.length > 80 ? `${json.slice(0, 80)}… (${json.length} characters)` : json;
}

/**
 * The two tokens of model.merges[k], given as "a b" or ["a", "b"], written to `parts` (one array
 * the caller reuses: Gemma 3 has 514,906 merges, and an array or closure per merge was most of the
 * time of reading them). Any other form is refused, naming the merge.
 */
export function mergeParts(m: unknown, k: number, source: string, parts: string[]): void {
  let a: unknown;
  let b: unknown;
  if (typeof m === 'string') {
    const space = m.indexOf(' ');
    if (space >= 0 && m.indexOf(' ', space + 1) < 0) {
      a = m.slice(0, space);
      b = m.slice(space + 1);
    }
  } else if (Array.isArray(m)) {
    if (m.length === 2) {
      a = m[0];
      b = m[1];
    }
  } else {
    throw malformed(source, `model.merges[${k}]`, 'expected "a b" or ["a", "b"]');
  }
  if (typeof a !== 'string' || typeof b !== 'string') throw malformed(source, `model.merges[${k}]`, `expected two tokens; got ${shortJson(m)}`);
  parts[0] = a;
  parts[1] = b;
}
