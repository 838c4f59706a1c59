// An encoding's ordinary tokens as byte strings, for the inference helpers (src/inference.ts):
// each token's bytes as a one-byte-per-character string (code unit k = byte k), so that JavaScript's
// string order is the bytes' lexicographic order and a Map finds a byte string's id. Built once per
// encoding on first use, from tokenBytes; special tokens are left out (they are never the result
// of merging and never an allowed continuation). Memory: docs/inference.md.

/** The bytes as a string with one character per byte (latin1), the key of every table here. */
export function byteString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  // fromCharCode takes its arguments on the stack: chunks keep long pieces from overflowing it.
  let out = '';
  for (let at = start; at < end; at += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(at, Math.min(end, at + 8192)) as unknown as number[]);
  }
  return out;
}

/** The bytes of a byteString. */
export function stringBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) out[k] = s.charCodeAt(k);
  return out;
}

export interface TokenSource {
  readonly maxTokenValue: number;
  readonly specialIds: ReadonlySet<number>;
  /** The bytes of an ordinary token, or null for an id no token has (a hole). */
  bytesOf(id: number): Uint8Array | null;
}

export class Vocabulary {
  /** id -> its bytes as a byteString; undefined for special tokens and holes. */
  readonly strings: (string | undefined)[];
  /** byteString -> id, for ordinary tokens. When two ids share bytes, the lower id. */
  readonly ids: Map<string, number>;
  /** The byte length of the longest ordinary token. */
  readonly maxLength: number;
  #sorted: string[] | undefined;
  #order: Uint32Array | undefined;

  constructor(source: TokenSource) {
    const strings: (string | undefined)[] = new Array(source.maxTokenValue + 1);
    const ids = new Map<string, number>();
    let maxLength = 0;
    for (let id = 0; id <= source.maxTokenValue; id++) {
      if (source.specialIds.has(id)) continue;
      const bytes = source.bytesOf(id);
      if (!bytes) continue;
      const s = byteString(bytes);
      strings[id] = s;
      if (!ids.has(s)) ids.set(s, id);
      if (s.length > maxLength) maxLength = s.length;
    }
    this.strings = strings;
    this.ids = ids;
    this.maxLength = maxLength;
  }

  // The prefix index: every ordinary token's byteString, sorted, and the ids in that order (ties
  // of equal bytes by id). Built on the first prefix query only: encode's methods need the map alone.
  #index(): { sorted: string[]; order: Uint32Array } {
    if (!this.#order) {
      const entries: number[] = [];
      this.strings.forEach((s, id) => {
        if (s !== undefined) entries.push(id);
      });
      const strings = this.strings as string[];
      entries.sort((a, b) => (strings[a] < strings[b] ? -1 : strings[a] > strings[b] ? 1 : a - b));
      this.#order = Uint32Array.from(entries);
      this.#sorted = entries.map((id) => strings[id]);
    }
    return { sorted: this.#sorted!, order: this.#order };
  }

  /** [lo, hi): the positions in the index of the tokens whose bytes start with `prefix`. */
  range(prefix: string, within?: [number, number]): [number, number] {
    const { sorted } = this.#index();
    let lo = within ? within[0] : 0;
    let hi = within ? within[1] : sorted.length;
    // Every string that starts with prefix sorts below prefix + U+0100 (a byte's character is at
    // most U+00FF), and every larger one that does not, above it.
    const first = lowerBound(sorted, prefix, lo, hi);
    const end = lowerBound(sorted, prefix + '\u0100', first, hi);
    return [first, end];
  }

  /** The ids of tokens whose bytes start with `prefix`, in the bytes' order (a fresh array). */
  withPrefix(prefix: string): Uint32Array {
    const [lo, hi] = this.range(prefix);
    return this.#index().order.slice(lo, hi);
  }

  /** The id at a position of the index and whether its bytes are exactly `s`. */
  exactAt(position: number, s: string): number {
    const { sorted, order } = this.#index();
    return position < sorted.length && sorted[position] === s ? order[position] : -1;
  }
}

function lowerBound(sorted: string[], key: string, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
