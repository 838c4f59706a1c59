// UTF-8 checking for --invalid=fail: where the first ill-formed byte is, across chunk boundaries.
// buffer.isUtf8 (simdutf) answers the common case; the byte-by-byte scan runs only on failure.
import { isUtf8 } from 'node:buffer';

// Bytes a sequence led by `b` needs (0: not a lead byte).
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

// The range the second byte of a sequence may take (the rest are always 80..BF).
function secondByteOk(lead: number, b: number): boolean {
  if (lead === 0xe0) return b >= 0xa0 && b <= 0xbf;
  if (lead === 0xed) return b >= 0x80 && b <= 0x9f;
  if (lead === 0xf0) return b >= 0x90 && b <= 0xbf;
  if (lead === 0xf4) return b >= 0x80 && b <= 0x8f;
  return b >= 0x80 && b <= 0xbf;
}

/**
 * Index of the first byte of the first ill-formed sequence, or -1. A sequence cut off by the end
 * counts as ill-formed unless `partialEndOk`.
 */
export function firstInvalidUtf8(bytes: Uint8Array, partialEndOk = false): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const length = sequenceLength(lead);
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return partialEndOk ? -1 : i;
      const b = bytes[i + k];
      if (k === 1 ? !secondByteOk(lead, b) : b < 0x80 || b > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** Checks a byte stream chunk by chunk; reports the stream offset of the first ill-formed byte. */
export class Utf8Checker {
  #carry: Uint8Array = new Uint8Array(0);
  #offset = 0; // stream offset of #carry[0]
  #firstInvalid = -1;

  /** Stream offset of the first ill-formed byte seen so far, or -1. */
  get firstInvalid(): number {
    return this.#firstInvalid;
  }

  push(chunk: Uint8Array): void {
    if (this.#firstInvalid >= 0) return;
    const data = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : chunk;
    const end = completeLength(data);
    if (!isUtf8(data.subarray(0, end))) {
      this.#firstInvalid = this.#offset + firstInvalidUtf8(data.subarray(0, end));
      return;
    }
    this.#carry = Uint8Array.prototype.slice.call(data, end); // a copy: the caller may reuse its buffer
    this.#offset += end;
  }

  end(): void {
    if (this.#firstInvalid < 0 && this.#carry.length > 0) this.#firstInvalid = this.#offset;
    this.#carry = new Uint8Array(0);
  }
}

// How many leading bytes of `data` end at a character boundary: a sequence that the end cuts
// off (its lead within the last three bytes) waits for the next chunk.
function completeLength(data: Uint8Array): number {
  for (let i = data.length - 1; i >= 0 && i >= data.length - 3; i--) {
    const b = data[i];
    if (b < 0x80) return data.length;
    if (b >= 0xc0) return i + sequenceLength(b) > data.length ? i : data.length;
  }
  return data.length;
}
