// The Transform behind encodeStream() (stream.ts): in a file of its own so that node:stream, which
// costs a third of turbotoken's import time, loads on the first encodeStream() call only.
import { Transform, type TransformCallback } from 'node:stream';
import type { Encoding, EncodeOptions } from './encoding';
import type { Segmenter } from './safe-cut';
import { segmenterFor, TextChunks } from './stream';

export class EncodeTransform extends Transform {
  readonly #encoding: Encoding;
  readonly #options: EncodeOptions | undefined;
  readonly #text = new TextChunks();
  readonly #segments: Segmenter;

  constructor(encoding: Encoding, options: EncodeOptions | undefined) {
    super({ decodeStrings: false, readableObjectMode: true });
    this.#encoding = encoding;
    this.#options = options;
    this.#segments = segmenterFor(encoding);
  }

  override _transform(chunk: unknown, bufferEncoding: BufferEncoding | 'buffer', callback: TransformCallback): void {
    try {
      const input = typeof chunk === 'string' && !isUtf8Name(bufferEncoding) ? Buffer.from(chunk, bufferEncoding as BufferEncoding) : (chunk as string | Uint8Array);
      this.#emit(this.#segments.push(this.#text.push(input)));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#emit(this.#segments.push(this.#text.end()));
      this.#emit([this.#segments.end()]);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #emit(segments: string[]): void {
    for (const segment of segments) {
      if (segment.length === 0) continue;
      const ids = this.#encoding.encode(segment, this.#options);
      if (ids.length > 0) this.push(ids);
    }
  }
}

function isUtf8Name(name: string): boolean {
  return name === 'utf8' || name === 'utf-8' || name === 'buffer';
}
