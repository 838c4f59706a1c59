// A merges-list model's token texts by id. From a tokenizer.json they are the vocabulary's own
// strings; from a saved encoding they stay packed as the file holds them (UTF-16LE texts and their
// lengths) and each is decoded on first use: building 262k strings (Gemma 3) at load cost more
// than the rest of the load, and most of them are never asked for.

/** Token text by id (undefined for an id with no token); length is one past the highest id. */
export interface TokenTexts {
  readonly length: number;
  get(id: number): string | undefined;
  /** Whether id's token is text (without decoding it). */
  is(id: number, text: string): boolean;
}

/** A length that marks an id with no token. */
export const NO_TOKEN = 0xffffffff;

export function tokenTextsOf(tokens: string[]): TokenTexts {
  return { length: tokens.length, get: (id) => tokens[id], is: (id, text) => tokens[id] === text };
}

// Marks, in a start, an id with no token: starts are below 2^31 (a file's texts are fewer than
// 2^31 units, their bytes counted in a u32).
const MISSING = 0x80000000;

/**
 * Packed texts: lengths[id] UTF-16 code units (NO_TOKEN: none), the texts one after another as
 * UTF-16LE in `text`. Undefined when the lengths do not add up to the texts exactly. `lengths` is
 * overwritten with where each text starts (it is a view of a file's buffer that nothing else reads
 * again): a new array of starts was 1 MB of fresh pages for Gemma 3, a first-touch fault per 4 KB.
 */
export function packedTokenTexts(lengths: Uint32Array, text: Uint8Array): TokenTexts | undefined {
  if (text.length % 2 !== 0) return undefined;
  const limit = text.length / 2;
  let units = 0;
  for (let id = 0; id < lengths.length; id++) {
    const n = lengths[id];
    if (n === NO_TOKEN) {
      lengths[id] = units | MISSING;
      continue;
    }
    if (n > limit - units) return undefined;
    lengths[id] = units;
    units += n;
  }
  if (units !== limit) return undefined;
  return new PackedTokenTexts(lengths, text);
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

class PackedTokenTexts implements TokenTexts {
  readonly #starts: Uint32Array; // in code units, or'ed with MISSING for an id with no token
  readonly #limit: number;
  readonly #text: Buffer;
  // The texts as code units where they are 2-aligned (a file's blob is), for is() without a decode.
  readonly #units: Uint16Array | undefined;
  readonly #decoded: (string | undefined)[] = [];

  constructor(starts: Uint32Array, text: Uint8Array) {
    this.#starts = starts;
    this.#limit = text.length / 2;
    this.#text = Buffer.from(text.buffer, text.byteOffset, text.length);
    this.#units = LITTLE_ENDIAN && text.byteOffset % 2 === 0 ? new Uint16Array(text.buffer, text.byteOffset, text.length / 2) : undefined;
  }

  get length(): number {
    return this.#starts.length;
  }

  // Where id's text starts and ends (code units), or undefined for an id with no token.
  #span(id: number): [number, number] | undefined {
    if (!(id >= 0 && id < this.#starts.length)) return undefined;
    const from = this.#starts[id];
    if (from & MISSING) return undefined;
    const to = id + 1 < this.#starts.length ? (this.#starts[id + 1] & ~MISSING) >>> 0 : this.#limit;
    return [from, to];
  }

  get(id: number): string | undefined {
    const known = this.#decoded[id];
    if (known !== undefined) return known;
    const span = this.#span(id);
    if (!span) return undefined;
    return (this.#decoded[id] = this.#text.toString('utf16le', 2 * span[0], 2 * span[1]));
  }

  is(id: number, text: string): boolean {
    const span = this.#span(id);
    if (!span || span[1] - span[0] !== text.length) return false;
    const units = this.#units;
    if (!units) return this.get(id) === text;
    const from = span[0];
    for (let k = 0; k < text.length; k++) if (units[from + k] !== text.charCodeAt(k)) return false;
    return true;
  }
}
