// Encoding a job's texts on whichever thread takes it (a worker, or the reading thread inline):
// the ids of each text written end to end into the job's shared memory when they fit.
import { concatArrays, joinIds } from '../bytes';
import type { EncodeOptions, Encoding } from '../encoding';
import type { JsonlFailure } from './corpus-jsonl';

/** The ids of a job's segments, flat, with each segment's count. */
export interface JobResult {
  ids: Uint32Array;
  lengths: Uint32Array;
}

/** A block's documents: their ids (end-of-document tokens included), flat, and each one's count. */
export interface BlockResult extends JobResult {
  lines: number;
  textBytes: number;
  firstInvalid: number;
  /** The first failing line; the documents before it are in ids. */
  failure?: JsonlFailure;
}

/**
 * Each text a document: its ids, then the end-of-document token (not after one of no tokens
 * unless eotOnEmpty), written into `out` when they fit (then the result is a view of it), else
 * into an array of their own.
 */
export function encodeDocumentTexts(
  encoding: Encoding,
  options: EncodeOptions | undefined,
  texts: readonly (string | Uint8Array)[],
  eotToken: number | undefined,
  eotOnEmpty: boolean,
  out?: Uint32Array,
): JobResult {
  const lengths = new Uint32Array(texts.length);
  const ids = new IdsBuilder(out);
  for (let i = 0; i < texts.length; i++) {
    const encoded = encoding.encode(texts[i], options);
    ids.add(encoded);
    lengths[i] = encoded.length;
    if (eotToken !== undefined && (eotOnEmpty || encoded.length > 0)) {
      ids.addOne(eotToken);
      lengths[i]++;
    }
  }
  return { ids: ids.result(), lengths };
}

// Appends ids to `out` while they fit; the first that do not move everything to parts, joined at the end.
class IdsBuilder {
  #at = 0;
  #parts: Uint32Array[] | undefined;

  constructor(readonly out: Uint32Array | undefined) {
    if (!out) this.#parts = [];
  }

  add(ids: Uint32Array): void {
    if (!this.#parts && this.#at + ids.length > (this.out as Uint32Array).length) this.#parts = [(this.out as Uint32Array).slice(0, this.#at)];
    if (this.#parts) this.#parts.push(ids);
    else {
      (this.out as Uint32Array).set(ids, this.#at);
      this.#at += ids.length;
    }
  }

  addOne(id: number): void {
    if (!this.#parts && this.#at < (this.out as Uint32Array).length) (this.out as Uint32Array)[this.#at++] = id;
    else this.add(Uint32Array.of(id));
  }

  result(): Uint32Array {
    return this.#parts ? concatArrays(Uint32Array, this.#parts) : (this.out as Uint32Array).subarray(0, this.#at);
  }
}

export function encodeJob(encoding: Encoding, options: EncodeOptions | undefined, texts: readonly (string | Uint8Array)[], out?: Uint32Array): JobResult {
  if (out) return encodeDocumentTexts(encoding, options, texts, undefined, false, out);
  const lengths = new Uint32Array(texts.length);
  const parts = texts.map((text) => encoding.encode(text, options));
  for (let i = 0; i < parts.length; i++) lengths[i] = parts[i].length;
  return { ids: joinIds(parts), lengths };
}
