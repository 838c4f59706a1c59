// Cuts a plain-text file's raw bytes into segments that encode exactly, without decoding them on
// the reading thread: the corpus command hands the bytes to encode() (on a worker), which reads
// them as TextDecoder would. Only one cut is used, a byte-level case of rule W of src/safe-cut.ts:
// before byte p an ASCII character other than whitespace (0x21-0x7E), at p an ASCII space or tab.
// Why it is exact even in ill-formed UTF-8: an ASCII byte always ends any pending sequence in the
// WHATWG decoder (which emits U+FFFD for it and then reads the ASCII byte afresh), so decoding
// the bytes before p and from p separately gives the decoding of the whole, split at p; in that
// text rule W holds at p (non-whitespace before, whitespace other than CR/LF at p).
// Text without such a pair (e.g. scripts written without ASCII spaces) stays in one segment.

const SPACE = 0x20;
const TAB = 0x09;

function isCutAt(before: number, here: number): boolean {
  return (here === SPACE || here === TAB) && before >= 0x21 && before <= 0x7e;
}

export class ByteSegmenter {
  #parts: Uint8Array[] = [];
  #held = 0; // bytes in #parts
  #previous = -1; // the byte before the current chunk, or -1

  /**
   * @param target segments end at the first cut at least this many bytes long
   * @param enabled false when the encoding has no known exact cuts: then nothing is cut
   */
  constructor(
    readonly target: number,
    readonly enabled: boolean,
  ) {}

  /** Adds bytes (kept, not copied: pass a buffer that is not reused); returns finished segments. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let from = 0; // chunk offset where the held segment continues
    while (this.enabled) {
      const p = this.#findCut(chunk, Math.max(from + (this.#held === 0 ? 1 : 0), from + this.target - this.#held));
      if (p < 0) break;
      this.#parts.push(chunk.subarray(from, p));
      out.push(this.#take());
      from = p;
    }
    if (from < chunk.length) {
      this.#parts.push(chunk.subarray(from));
      this.#held += chunk.length - from;
    }
    if (chunk.length) this.#previous = chunk[chunk.length - 1];
    return out;
  }

  /** The held bytes (the last segment); the segmenter is then empty for a new file. */
  end(): Uint8Array {
    const rest = this.#take();
    this.#previous = -1;
    return rest;
  }

  // Each byte is examined at most once per segment: the search starts `target` bytes after a cut.
  #findCut(chunk: Uint8Array, start: number): number {
    for (let p = Math.max(0, start); p < chunk.length; p++) {
      const here = chunk[p];
      if (here !== SPACE && here !== TAB) continue;
      if (isCutAt(p > 0 ? chunk[p - 1] : this.#previous, here)) return p;
    }
    return -1;
  }

  // One copy of the held bytes: a segment owns its memory, so posting it copies only itself.
  #take(): Uint8Array {
    const parts = this.#parts;
    this.#parts = [];
    this.#held = 0;
    return Buffer.concat(parts);
  }
}
