// What the reference packages call an encoding: one of turbotoken's encodings, optionally with
// extra special tokens (their `extend_special_tokens`). Without extra tokens every call goes to the
// core in one step; with them, special-token text is found here and the ordinary text between
// occurrences goes to the core, which is what the references do internally.
import type { Encoding } from '../encoding';
import { concatArrays, joinIds } from '../bytes';
import { rangeError, TurbotokenError } from '../errors';
import { alternation, findLiteral } from '../special-token-search';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Vocabulary {
  readonly encoding: Encoding;
  /** Special-token text -> id, the encoding's first, then the extension's (which override). */
  readonly specials: ReadonlyMap<string, number>;
  readonly extended: boolean;
  readonly #extraById = new Map<number, Uint8Array>();
  readonly #undecodable = new Set<number>();
  readonly #baseSpecialIds: Set<number>;
  #specialPattern: RegExp | null | undefined;

  constructor(encoding: Encoding, extension?: Record<string, number>) {
    this.encoding = encoding;
    this.#baseSpecialIds = new Set(Object.values(encoding.specialTokens));
    const specials = new Map(Object.entries(encoding.specialTokens));
    for (const [name, id] of Object.entries(extension ?? {})) specials.set(name, id);
    this.specials = specials;
    this.extended = extension !== undefined && Object.keys(extension).length > 0;
    if (this.extended) this.#indexExtension();
  }

  // Ordinary ranks decode first, then special ids (the last name given to an id wins), as in
  // both references; a base special id whose name was moved elsewhere no longer decodes.
  #indexExtension(): void {
    const ids = new Set(this.specials.values());
    for (const id of Object.values(this.encoding.specialTokens)) if (!ids.has(id)) this.#undecodable.add(id);
    for (const [name, id] of this.specials) {
      if (!this.isOrdinary(id)) this.#extraById.set(id, utf8.encode(name));
    }
  }

  isBaseSpecialId(id: number): boolean {
    return this.#baseSpecialIds.has(id);
  }

  /** Whether `id` is an ordinary (mergeable) rank of the encoding. */
  isOrdinary(id: number): boolean {
    if (!Number.isInteger(id) || id < 0 || id > this.encoding.maxTokenValue || this.isBaseSpecialId(id)) return false;
    return this.#tryTokenBytes(id) !== undefined;
  }

  #tryTokenBytes(id: number): Uint8Array | undefined {
    try {
      return this.encoding.tokenBytes(id);
    } catch {
      return undefined;
    }
  }

  /** The bytes of one id, ordinary or special, or undefined when nothing decodes to it. */
  tokenBytes(id: number): Uint8Array | undefined {
    if (!this.extended) return this.#tryTokenBytes(id);
    if (this.#undecodable.has(id)) return undefined;
    return this.#extraById.get(id) ?? this.#tryTokenBytes(id);
  }

  /** Whether `id` decodes to something. */
  decodes(id: number): boolean {
    return this.tokenBytes(id) !== undefined;
  }

  /** The concatenated bytes of `ids`; RangeError ERR_INVALID_TOKEN_ID if one does not decode. */
  decodeBytes(ids: Uint32Array): Uint8Array {
    if (!this.extended) return this.encoding.decodeBytes(ids);
    const parts: Uint8Array[] = [];
    let runStart = 0;
    for (let i = 0; i <= ids.length; i++) {
      const extra = i < ids.length ? this.#extraById.get(ids[i]) : undefined;
      if (i < ids.length && this.#undecodable.has(ids[i])) throw rangeError(`Token id ${ids[i]} at index ${i} does not decode`, 'ERR_INVALID_TOKEN_ID');
      if (i < ids.length && !extra) continue;
      if (i > runStart) parts.push(this.encoding.decodeBytes(ids.subarray(runStart, i)));
      if (extra) parts.push(extra);
      runStart = i + 1;
    }
    return concatArrays(Uint8Array, parts);
  }

  /** The id of the token whose bytes are exactly `bytes`: ordinary first, then special. */
  singleToken(bytes: Uint8Array): number | undefined {
    let id: number | undefined;
    try {
      id = this.encoding.encodeSingleToken(bytes);
    } catch {
      id = undefined;
    }
    if (!this.extended) return id;
    if (id !== undefined && !this.isBaseSpecialId(id)) return id;
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      return undefined;
    }
    return this.specials.get(text);
  }

  /**
   * Token ids of `text` with the references' special-token rules: any occurrence of a string in
   * `disallowed` is an error; occurrences of special tokens in `allowed` become their ids.
   */
  encode(text: string, allowed: ReadonlySet<unknown>, disallowed: ReadonlySet<unknown>): Uint32Array {
    if (this.extended || !this.#allBaseSpecials(disallowed)) {
      const found = findLiteral(alternation(disallowed as ReadonlySet<string>), text);
      if (found) throw disallowedError(found.text);
      return this.extended ? this.#encodeExtended(text, allowed) : this.#encodeCore(text, allowed, []);
    }
    try {
      return this.#encodeCore(text, allowed, [...disallowed] as string[]);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_DISALLOWED_SPECIAL_TOKEN') throw error;
      // The core names the token too, but the message must be the reference's.
      throw disallowedError(findLiteral(alternation(disallowed as ReadonlySet<string>), text)?.text ?? '');
    }
  }

  // 'all' where a set is every special token (or all those not allowed) spares the core a
  // lookup per name, which matters for o200k_harmony's thousand-odd special tokens.
  #encodeCore(text: string, allowed: ReadonlySet<unknown>, disallowed: string[]): Uint32Array {
    const names = [...allowed].filter((name): name is string => typeof name === 'string' && this.specials.has(name));
    const allAllowed = names.length === this.specials.size;
    const complement = disallowed.length + names.length === this.specials.size && disallowed.every((name) => !allowed.has(name));
    return this.encoding.encode(text, {
      allowedSpecial: allAllowed ? 'all' : names,
      disallowedSpecial: complement && !allAllowed ? 'all' : disallowed,
    });
  }

  #allBaseSpecials(names: Iterable<unknown>): boolean {
    for (const name of names) if (typeof name !== 'string' || !this.specials.has(name)) return false;
    return true;
  }

  // The references' loop: find the next special token of any kind; if it is not allowed, look
  // again from one character further on.
  #encodeExtended(text: string, allowed: ReadonlySet<unknown>): Uint32Array {
    this.#specialPattern ??= alternation([...this.specials.keys()].filter((name) => name.length > 0));
    const parts: Uint32Array[] = [];
    let start = 0;
    for (;;) {
      let next = findLiteral(this.#specialPattern, text, start);
      while (next && !allowed.has(next.text)) next = findLiteral(this.#specialPattern, text, next.index + 1);
      const end = next ? next.index : text.length;
      if (end > start) parts.push(this.encoding.encodeOrdinary(text.slice(start, end)));
      if (!next) break;
      parts.push(Uint32Array.of(this.specials.get(next.text)!));
      start = next.index + next.text.length;
    }
    return joinIds(parts);
  }
}

function disallowedError(name: string): Error {
  return referenceError(Error, `The text contains a special token that is not allowed: ${name}`, 'ERR_DISALLOWED_SPECIAL_TOKEN');
}

/**
 * An error of the reference's class with its message, plus turbotoken's `code`, so that callers
 * of either API can tell errors apart by code.
 */
export function referenceError(Class: new (message: string) => Error, message: string, code: string): Error {
  return Object.assign(new Class(message), { code });
}

/** The reference's own TypeError for a receiver that is not one of its objects. */
export function notOurs(what: string): Error {
  return referenceError(TypeError, `Not a Tiktoken made by ${what}`, 'ERR_INVALID_ARG_TYPE');
}

export function notSupported(message: string): TurbotokenError {
  return new TurbotokenError(message, 'ERR_NOT_SUPPORTED');
}

/** Runs `run`, turning turbotoken's error with `code` into the reference's plain Error. */
export function withMessage<T>(code: string, message: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TurbotokenError && error.code === code) throw referenceError(Error, message, code);
    throw error;
  }
}
