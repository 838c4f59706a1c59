// Token ids from a byte stream: text (integers separated by spaces, newlines or commas, with
// optional JSON brackets, so encode's output in either format reads back) or flat little-endian
// uint16/uint32 (a corpus .bin file). Numbers split across chunks are joined.
import { CliError } from './options';

const MAX_ID = 0xffffffff;

export class IdParser {
  #digits = '';
  #carry: Uint8Array = new Uint8Array(0);
  #count = 0;
  #offset = 0;

  constructor(readonly dtype: 'text' | 'uint16' | 'uint32', readonly name: string) {}

  /** How many ids have been parsed so far. */
  get count(): number {
    return this.#count;
  }

  push(chunk: Uint8Array): Uint32Array {
    const ids = this.dtype === 'text' ? this.#text(chunk) : this.#binary(chunk);
    this.#count += ids.length;
    this.#offset += chunk.length;
    return ids;
  }

  end(): Uint32Array {
    if (this.#carry.length) throw new CliError(`${this.name}: ${this.#carry.length} trailing bytes do not make a whole ${this.dtype}`);
    const ids = this.#digits ? Uint32Array.of(this.#number(this.#digits, this.#offset)) : new Uint32Array(0);
    this.#digits = '';
    this.#count += ids.length;
    return ids;
  }

  #text(chunk: Uint8Array): Uint32Array {
    const ids: number[] = [];
    let digits = this.#digits;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b >= 0x30 && b <= 0x39) {
        digits += String.fromCharCode(b);
      } else if (b === 0x20 || b === 0x2c || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x5b || b === 0x5d) {
        if (digits) ids.push(this.#number(digits, this.#offset + i));
        digits = '';
      } else {
        throw new CliError(`${this.name}: expected token ids (integers separated by spaces or commas) but found ${JSON.stringify(String.fromCharCode(b))} at byte ${this.#offset + i}`);
      }
    }
    this.#digits = digits;
    return Uint32Array.from(ids);
  }

  #number(digits: string, end: number): number {
    const value = Number(digits);
    if (digits.length > 10 || value > MAX_ID) throw new CliError(`${this.name}: ${digits} (ending at byte ${end}) is too large for a token id`);
    return value;
  }

  #binary(chunk: Uint8Array): Uint32Array {
    const width = this.dtype === 'uint16' ? 2 : 4;
    const data = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const whole = data.length - (data.length % width);
    const ids = new Uint32Array(whole / width);
    for (let i = 0, at = 0; at < whole; i++, at += width) ids[i] = width === 2 ? data.readUInt16LE(at) : data.readUInt32LE(at);
    this.#carry = Uint8Array.prototype.slice.call(data, whole); // a copy: the caller may reuse its buffer
    return ids;
  }
}
