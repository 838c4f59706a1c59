// Streaming encode and decode: Node streams of text in, ids out (and back), exact for any
// chunking. The cut points and why they are exact: safe-cut.ts; the Transform: encode-transform.ts.
import type { Transform } from 'node:stream';
import { checkTokenIds, readOptions } from './args';
import { type Encoding, type EncodeOptions, isEncoding } from './encoding';
import { typeError } from './errors';
import { loadEncoding } from './registry';

/** An Encoding, or the name of one for getEncoding(). */
export type EncodingLike = Encoding | string;

export function resolveEncoding(value: unknown, name = 'encoding'): Encoding {
  if (isEncoding(value)) return value;
  if (typeof value === 'string') return loadEncoding(value);
  throw typeError(`The "${name}" argument must be an Encoding or an encoding name; received ${value === null ? 'null' : typeof value}`);
}

/**
 * A Transform from text (strings, Buffers or Uint8Arrays, in any chunks) to Uint32Array chunks of
 * token ids. The ids, concatenated, are exactly encode(wholeText, options). Text after the last
 * exact cut point is held back until more input or the end decides it; a disallowed special
 * token makes the stream fail with encode()'s error.
 */
export function encodeStream(encoding: EncodingLike, options?: EncodeOptions): Transform {
  const enc = resolveEncoding(encoding);
  // Read once, own properties only: every chunk is encoded with these.
  const opts = readOptions(options, 'special');
  enc.count('', opts as EncodeOptions); // reports bad options now rather than as a stream error later
  // Required here, not at the top: node:stream is a third of turbotoken's import time.
  const { EncodeTransform } = require('./encode-transform') as typeof import('./encode-transform');
  return new EncodeTransform(enc, opts as EncodeOptions);
}

/** Incremental decoding: text as ids arrive, never a broken character. */
export interface Decoder {
  /** The text completed by these ids; an unfinished character is held back. */
  write(tokens: Uint32Array | ArrayLike<number>): string;
  /** What is held back (an unfinished character becomes U+FFFD, as in decode()); resets the decoder. */
  end(): string;
}

/** A Decoder for ids of `encoding`: the pieces of all write() calls and end() join to decode(all ids). */
export function createDecoder(encoding: EncodingLike): Decoder {
  const enc = resolveEncoding(encoding);
  // ignoreBOM keeps a leading U+FEFF, as decode() does.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  return {
    write: (tokens) => decoder.decode(enc.decodeBytes(checkTokenIds(tokens)), { stream: true }),
    end: () => decoder.decode(),
  };
}
