// The Transform behind encodeStream() (stream.ts): in a file of its own so that node:stream, which
// costs a third of turbotoken's import time, loads on the first encodeStream() call only.
import { Transform, type TransformCallback } from 'node:stream';
import { checkText } from './args';
import type { Encoding, EncodeOptions } from './encoding';
import { type Segmenter, segmenterFor } from './safe-cut';
import { TextChunks } from './utf8-stream';

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

  // Node's Writable reads a Uint8Array chunk through its buffer, byteOffset and byteLength
  // getters (which a subclass can make lie, and which throw for a detached view) and asks
  // `instanceof` of any other object (which throws for a revoked Proxy), all without a code. The
  // chunk is checked here first: a real Uint8Array becomes a Buffer over the same memory, made
  // from its internal slots (empty when detached); any other value but a string or null (which
  // Node refuses with its own code) is ERR_INVALID_ARG_TYPE, thrown as Node throws it.
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    return (super.write as (...args: unknown[]) => boolean)(checkChunk(chunk), encoding, callback);
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (typeof chunk === 'function' || chunk === undefined) return (super.end as (...args: unknown[]) => this)(chunk, encoding, callback);
    return (super.end as (...args: unknown[]) => this)(checkChunk(chunk), encoding, callback);
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

function checkChunk(chunk: unknown): unknown {
  if (typeof chunk === 'string' || chunk === null) return chunk;
  const bytes = checkText(chunk, 'chunk') as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function isUtf8Name(name: string): boolean {
  return name === 'utf8' || name === 'utf-8' || name === 'buffer';
}
