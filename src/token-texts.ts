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

/**
 * Packed texts: lengths[id] UTF-16 code units (NO_TOKEN: none), the texts one after another as
 * UTF-16LE in `text`. Undefined when the lengths do not add up to the texts exactly.
 */
export function packedTokenTexts(lengths: Uint32Array, text: Uint8Array): TokenTexts | undefined {
  if (text.length % 2 !== 0) return undefined;
  // Where each text starts, found in the pass that checks the total: the file's texts are fewer
  // than 2^31 units (its lengths are u32 bytes), so a u32 holds any start, in half the fresh
  // memory of a float (first-touch page faults are most of a cold load).
  const starts = new Uint32Array(lengths.length);
  const limit = text.length / 2;
  let units = 0;
  for (let id = 0; id < lengths.length; id++) {
    starts[id] = units;
    const n = lengths[id];
    if (n !== NO_TOKEN) {
      units += n;
      if (units > limit) return undefined;
    }
  }
  if (units !== limit) return undefined;
  return new PackedTokenTexts(lengths, starts, text);
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

class PackedTokenTexts implements TokenTexts {
  readonly #lengths: Uint32Array;
  readonly #starts: Uint32Array; // in code units
  readonly #text: Buffer;
  // The texts as code units where they are 2-aligned (a file's blob is), for is() without a decode.
  readonly #units: Uint16Array | undefined;
  readonly #decoded: (string | undefined)[] = [];

  constructor(lengths: Uint32Array, starts: Uint32Array, text: Uint8Array) {
    this.#lengths = lengths;
    this.#starts = starts;
    this.#text = Buffer.from(text.buffer, text.byteOffset, text.length);
    this.#units = LITTLE_ENDIAN && text.byteOffset % 2 === 0 ? new Uint16Array(text.buffer, text.byteOffset, text.length / 2) : undefined;
  }

  get length(): number {
    return this.#lengths.length;
  }

  get(id: number): string | undefined {
    if (!(id >= 0 && id < this.#lengths.length) || this.#lengths[id] === NO_TOKEN) return undefined;
    const known = this.#decoded[id];
    if (known !== undefined) return known;
    const from = 2 * this.#starts[id];
    return (this.#decoded[id] = this.#text.toString('utf16le', from, from + 2 * this.#lengths[id]));
  }

  is(id: number, text: string): boolean {
    if (!(id >= 0 && id < this.#lengths.length) || this.#lengths[id] !== text.length) return false;
    const from = this.#starts[id];
    const units = this.#units;
    if (!units) return this.get(id) === text;
    for (let k = 0; k < text.length; k++) if (units[from + k] !== text.charCodeAt(k)) return false;
    return true;
  }
}
