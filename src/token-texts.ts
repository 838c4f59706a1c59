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
  let units = 0;
  for (let id = 0; id < lengths.length; id++) if (lengths[id] !== NO_TOKEN) units += lengths[id];
  if (units * 2 !== text.length) return undefined;
  return new PackedTokenTexts(lengths, text);
}

class PackedTokenTexts implements TokenTexts {
  readonly #lengths: Uint32Array;
  readonly #text: Buffer;
  #starts: Float64Array | undefined; // in code units; made on first use
  readonly #decoded: (string | undefined)[] = [];

  constructor(lengths: Uint32Array, text: Uint8Array) {
    this.#lengths = lengths;
    this.#text = Buffer.from(text.buffer, text.byteOffset, text.length);
  }

  get length(): number {
    return this.#lengths.length;
  }

  get(id: number): string | undefined {
    if (!(id >= 0 && id < this.#lengths.length) || this.#lengths[id] === NO_TOKEN) return undefined;
    const known = this.#decoded[id];
    if (known !== undefined) return known;
    const from = this.#start(id);
    return (this.#decoded[id] = this.#text.toString('utf16le', from, from + 2 * this.#lengths[id]));
  }

  is(id: number, text: string): boolean {
    if (!(id >= 0 && id < this.#lengths.length) || this.#lengths[id] !== text.length) return false;
    const from = this.#start(id);
    for (let k = 0; k < text.length; k++) if (this.#text.readUInt16LE(from + 2 * k) !== text.charCodeAt(k)) return false;
    return true;
  }

  // The byte offset of id's text.
  #start(id: number): number {
    if (!this.#starts) {
      const starts = new Float64Array(this.#lengths.length);
      let at = 0;
      for (let k = 0; k < starts.length; k++) {
        starts[k] = at;
        if (this.#lengths[k] !== NO_TOKEN) at += this.#lengths[k];
      }
      this.#starts = starts;
    }
    return 2 * this.#starts[id];
  }
}
