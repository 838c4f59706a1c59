// The part of Node's Buffer that the shared code uses (building the special-token list for the
// WebAssembly core, measuring UTF-8, hex in one error message), on Uint8Array and TextEncoder.
// scripts/build-browser.mjs injects it wherever the browser bundle's code names `Buffer`.
import { concatArrays } from './bytes';

const encoder = new TextEncoder();

class Bytes extends Uint8Array {
  writeUInt32LE(value: number, offset: number): number {
    new DataView(this.buffer, this.byteOffset, this.byteLength).setUint32(offset, value, true);
    return offset + 4;
  }

  override toString(encoding?: string): string {
    if (encoding !== 'hex') return new TextDecoder().decode(this);
    let hex = '';
    for (const byte of this) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }
}

function bytesOf(view: Uint8Array): Bytes {
  return new Bytes(view.buffer as ArrayBuffer, view.byteOffset, view.byteLength);
}

/** UTF-8 length of a string, lone surrogates counted as U+FFFD (3 bytes), as Node counts them. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export const Buffer = {
  from(value: string | Uint8Array): Bytes {
    return typeof value === 'string' ? bytesOf(encoder.encode(value)) : bytesOf(new Uint8Array(value));
  },
  alloc(size: number): Bytes {
    return new Bytes(size);
  },
  concat(parts: readonly Uint8Array[]): Bytes {
    return concatArrays(Bytes, parts);
  },
  byteLength(text: string): number {
    return utf8Length(text);
  },
};
